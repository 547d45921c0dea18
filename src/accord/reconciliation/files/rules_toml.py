"""Read an organisation's matching rules from a TOML file (`accord reconcile --rules FILE`)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from accord.kit.errors import AccordError
from accord.matching.engine.rules import Rules, rules_from_mapping
from accord.reconciliation.files.errors import InputFileError


def read_rules(path: Path, *, file: str | None = None) -> Rules:
    """The rules in a TOML file, or raise InputFileError naming the file and the problem.

    The file holds the same keys as `rules_from_mapping` takes; keys it leaves out keep
    their defaults.
    """
    name = file if file is not None else str(path)
    try:
        mapping = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputFileError(name, None, f"cannot read the file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputFileError(name, None, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(name, None, f"not valid TOML: {exc}") from None
    try:
        return rules_from_mapping(mapping)
    except AccordError as exc:
        raise InputFileError(name, None, exc.message) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise InputFileError(name, None, f"not valid matching rules: {exc}") from None
