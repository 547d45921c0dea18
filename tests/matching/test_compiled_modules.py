"""The compiled engine and camt parser (mypyc, see hatch_build.py) give the very bytes their
source gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bench.scenarios.competitors import accord_command
from bench.scenarios.generate import generate

from accord.kit.compiled import PURE_ENV, compiled_folder


def _modules_in_child(env: dict[str, str]) -> list[str]:
    modules = ("accord.matching.engine.core", "accord.ingest.parsers.camt.entry")
    code = f"import importlib; print(*(importlib.import_module(m).__file__ for m in {modules}))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.split()


def test_compiled_and_pure_engine_write_the_same_outputs(tmp_path: Path) -> None:
    if compiled_folder("accord.matching.engine") is None:
        pytest.skip("not compiled here: `make` compiles the engine and the camt parser")
    scenario = generate(tmp_path / "in", seed=11, lines=4000)
    compiled_env = {k: v for k, v in os.environ.items() if k != PURE_ENV}
    pure_env = {**compiled_env, PURE_ENV: "1"}
    assert all(file.endswith(".so") for file in _modules_in_child(compiled_env))
    assert all(file.endswith(".py") for file in _modules_in_child(pure_env))
    outputs = {}
    for name, env in (("compiled", compiled_env), ("pure", pure_env)):
        out = tmp_path / name
        subprocess.run(accord_command(scenario, out), check=True, env=env, capture_output=True)
        outputs[name] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert outputs["compiled"].keys() == outputs["pure"].keys()
    for file, content in outputs["compiled"].items():
        assert content == outputs["pure"][file], f"{file} differs"
