"""Where the shared bank statement samples live; tests skip with a reason when absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("ACCORD_SAMPLES_DIR", REPO.parent / "shared" / "samples"))


def sample(relative: str) -> Path:
    """Path of one shared sample, skipping the test when the samples folder is absent."""
    if not SAMPLES.is_dir():
        pytest.skip(f"shared samples not found at {SAMPLES} (set ACCORD_SAMPLES_DIR)")
    path = SAMPLES / relative
    if not path.exists():
        pytest.fail(f"sample {relative} missing from {SAMPLES}")
    return path


def samples_in(folder: str, pattern: str = "*") -> list[Path]:
    """Every sample in a folder of the shared samples ([] when the folder is absent)."""
    directory = SAMPLES / folder
    return sorted(directory.glob(pattern)) if directory.is_dir() else []
