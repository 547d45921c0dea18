"""The compiled engine is used only while it was built from the very sources on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.kit.compiled import (
    MANIFEST,
    PURE_ENV,
    compiled_folder,
    interpreter_tag,
    source_digests,
)

MODULES = ["accord.matching.engine.core", "accord.matching.engine.text"]


def _built(tmp_path: Path, *, interpreter: str | None = None) -> tuple[Path, Path]:
    """A source tree with two engine modules and a compiled folder built from it."""
    source, compiled = tmp_path / "src", tmp_path / "compiled"
    for module in MODULES:
        path = source / (module.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"NAME = {module!r}\n", encoding="utf-8")
    compiled.mkdir()
    manifest = {
        "interpreter": interpreter or interpreter_tag(),
        "modules": source_digests(source, MODULES),
    }
    (compiled / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return source, compiled


def test_fresh_compiled_modules_are_used(tmp_path: Path) -> None:
    source, compiled = _built(tmp_path)
    folder = compiled_folder("accord.matching.engine", compiled, source)
    assert folder == compiled / "accord" / "matching" / "engine"


def test_an_edited_source_sends_the_package_back_to_its_source(tmp_path: Path) -> None:
    source, compiled = _built(tmp_path)
    (source / "accord/matching/engine/text.py").write_text("NAME = 'edited'\n", encoding="utf-8")
    assert compiled_folder("accord.matching.engine", compiled, source) is None


def test_a_deleted_source_sends_the_package_back_to_its_source(tmp_path: Path) -> None:
    source, compiled = _built(tmp_path)
    (source / "accord/matching/engine/core.py").unlink()
    assert compiled_folder("accord.matching.engine", compiled, source) is None


def test_modules_built_for_another_interpreter_are_not_used(tmp_path: Path) -> None:
    source, compiled = _built(tmp_path, interpreter="cpython-399--linux")
    assert compiled_folder("accord.matching.engine", compiled, source) is None


@pytest.mark.parametrize("manifest", ["", "{", '{"modules": {}}', "[]", '{"interpreter": 1}'])
def test_a_missing_or_broken_manifest_means_source(tmp_path: Path, manifest: str) -> None:
    source, compiled = _built(tmp_path)
    (compiled / MANIFEST).write_text(manifest, encoding="utf-8")
    assert compiled_folder("accord.matching.engine", compiled, source) is None
    (compiled / MANIFEST).unlink()
    assert compiled_folder("accord.matching.engine", compiled, source) is None


def test_a_package_that_was_not_compiled_uses_its_source(tmp_path: Path) -> None:
    source, compiled = _built(tmp_path)
    assert compiled_folder("accord.ingest.parsers", compiled, source) is None


def test_the_environment_can_ask_for_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, compiled = _built(tmp_path)
    monkeypatch.setenv(PURE_ENV, "1")
    assert compiled_folder("accord.matching.engine", compiled, source) is None
    monkeypatch.setenv(PURE_ENV, "0")
    assert compiled_folder("accord.matching.engine", compiled, source) is not None
