"""The engine is pure: it imports no database, web, settings or clock code."""

from __future__ import annotations

import ast
from pathlib import Path

import accord.matching.engine as engine

ALLOWED = {
    "__future__",
    "array",
    "bisect",
    "collections",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "functools",
    "itertools",
    "hashlib",
    "heapq",
    "re",
    "typing",
    "unicodedata",
    "rapidfuzz",
    "numpy",
    "accord.kit.money",
    "accord.kit.errors",
    "accord.kit.frozen",
    "accord.ingest.parsers.model",
    "accord.kit.compiled",  # at import only: the engine's compiled modules or its source
}


def test_engine_imports_only_pure_modules() -> None:
    folder = Path(engine.__file__).parent
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                ok = name.startswith("accord.matching.engine") or any(
                    name == a or name.startswith(a + ".") for a in ALLOWED
                )
                assert ok, f"{path.name} imports {name}"
