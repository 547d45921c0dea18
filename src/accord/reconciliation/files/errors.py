"""Errors for the input files of a reconcile job: each names the file and where in it."""

from __future__ import annotations

from accord.kit.errors import AccordError, BadFile, BadInput


class InputFileError(BadFile):
    """An input file (ledger, rates, rules) cannot be used as given."""

    type_slug = "bad-input-file"
    title = "Input file cannot be used"


class OutputDirError(BadInput):
    """The --out directory cannot receive the results (exists with other files, not a dir)."""

    type_slug = "bad-output-directory"
    title = "Output directory cannot be used"


class OutputWriteError(AccordError):
    """Writing the results failed (disk full, permissions); nothing was left in the directory."""

    status = 500
    type_slug = "output-write-failed"
    title = "Results could not be written"
