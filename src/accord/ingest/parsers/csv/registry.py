"""Finding profiles: the ones shipped with Accord (package data) or a TOML file on disk."""

from __future__ import annotations

import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from accord.ingest.parsers.csv.profile import CsvProfile, profile_from_toml
from accord.kit.errors import BadInput

_PACKAGE = "accord.ingest.parsers"
_FOLDER = "profiles"
_SUFFIX = ".toml"


def _shipped_folder() -> Traversable:
    return resources.files(_PACKAGE).joinpath(_FOLDER)


def list_profiles() -> list[str]:
    """Names of the profiles shipped with Accord, sorted."""
    return sorted(
        entry.name.removesuffix(_SUFFIX)
        for entry in _shipped_folder().iterdir()
        if entry.name.endswith(_SUFFIX) and entry.is_file()
    )


def load_profile(name_or_path: str) -> CsvProfile:
    """A shipped profile by name (``paypal``) or a profile file by path (``my-bank.toml``).

    Raises BadInput when the name is unknown (listing the shipped names), the file cannot
    be read, or the profile is not valid (naming the file and the key).
    """
    if _looks_like_path(name_or_path):
        path = Path(name_or_path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BadInput(f"{name_or_path}: cannot read CSV profile: {exc.strerror}") from None
        return _parse(data, source=str(path))
    entry = _shipped_folder().joinpath(name_or_path + _SUFFIX)
    if not entry.is_file():
        shipped = ", ".join(list_profiles())
        raise BadInput(
            f"unknown CSV profile {name_or_path!r}: shipped profiles are {shipped}; "
            "or give the path of a .toml profile file"
        )
    profile = _parse(entry.read_bytes(), source=f"shipped profile {name_or_path}")
    if profile.name != name_or_path:
        raise BadInput(f"shipped profile {name_or_path}: its name is {profile.name!r}")
    return profile


def _looks_like_path(name_or_path: str) -> bool:
    return name_or_path.endswith(_SUFFIX) or "/" in name_or_path or "\\" in name_or_path


def _parse(data: bytes, *, source: str) -> CsvProfile:
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadInput(f"{source}: a CSV profile must be UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{source}: not valid TOML: {exc}") from None
    return profile_from_toml(parsed, source=source)
