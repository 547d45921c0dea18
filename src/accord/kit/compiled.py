"""Compiled copies of packages (engine, camt parser), used only while they match their source.

The build (`hatch_build.py`, run by `make` and by `pip install`) compiles a package's modules
with mypyc into `COMPILED_DIR`, beside a manifest of each source file's SHA-256. A package
that opts in calls `use_compiled(__name__, __path__)` first thing in its `__init__`: when
every compiled source is still byte for byte what was compiled, for this interpreter, its
compiled folder goes first on the package's path, so its modules import from there. Any
difference (an edited source, another Python, a missing file) leaves the package on its
pure Python source: slower, never different. `ACCORD_PURE_PYTHON=1` asks for the source.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

COMPILED_DIR = Path(__file__).resolve().parents[1] / "_compiled"
SOURCE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding `accord/`
MANIFEST = "manifest.json"
PURE_ENV = "ACCORD_PURE_PYTHON"


def interpreter_tag() -> str:
    """What a compiled module is built for: the implementation, version and ABI."""
    return f"{sys.implementation.cache_tag}-{sys.abiflags}-{sys.platform}"


def source_digests(root: Path, modules: list[str]) -> dict[str, str]:
    """SHA-256 of each module's source file under `root` (a folder holding `accord/`)."""
    digests = {}
    for module in modules:
        path = root / (module.replace(".", "/") + ".py")
        digests[module] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def use_compiled(package: str, path: list[str]) -> bool:
    """Put the package's compiled folder first on its `path` when it is fresh; say if so."""
    folder = compiled_folder(package)
    if folder is None:
        return False
    if str(COMPILED_DIR) not in sys.path:
        sys.path.append(str(COMPILED_DIR))  # mypyc's shared library is a top-level module
    path.insert(0, str(folder))
    return True


def compiled_folder(
    package: str, compiled: Path = COMPILED_DIR, source: Path = SOURCE_ROOT
) -> Path | None:
    """The folder of the package's compiled modules, or None when they cannot be used."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return None
    try:
        manifest = json.loads((compiled / MANIFEST).read_text(encoding="utf-8"))
        if manifest["interpreter"] != interpreter_tag():
            return None
        built: dict[str, str] = manifest["modules"]
        modules = [m for m in built if m.startswith(package + ".")]
        if not modules or source_digests(source, modules) != {m: built[m] for m in modules}:
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return compiled.joinpath(*package.split("."))
