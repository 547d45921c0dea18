"""The pure core (statement parsers, matching engine) imports no framework, settings or DB."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "accord"
PURE = ["ingest/parsers", "matching/engine"]
FORBIDDEN = (
    "sqlalchemy",
    "fastapi",
    "starlette",
    "psycopg",
    "alembic",
    "httpx",
    "structlog",
    "accord.config",
    "accord.kit.db",
    "accord.app",
    "random",
    "time",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_import_no_framework(package: str) -> None:
    files = sorted((SRC / package).rglob("*.py"))
    assert files, f"no modules under {package}"
    offenders = {
        f"{path.relative_to(SRC)} imports {name}"
        for path in files
        for name in _imports(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    }
    assert not offenders, sorted(offenders)
