"""Errors for the input files of a reconcile job: each names the file and where in it."""

from __future__ import annotations

from accord.kit.errors import AccordError, BadInput


class InputFileError(BadInput):
    """An input file (ledger, rates, rules) cannot be used as given."""

    type_slug = "bad-input-file"
    title = "Input file cannot be used"

    def __init__(self, file: str, where: str | None, problem: str) -> None:
        self.file = file
        self.where = where
        self.problem = problem
        location = f"{file}: {where}" if where else file
        super().__init__(f"{location}: {problem}")


class OutputDirError(BadInput):
    """The --out directory cannot receive the results (exists with other files, not a dir)."""

    type_slug = "bad-output-directory"
    title = "Output directory cannot be used"


class OutputWriteError(AccordError):
    """Writing the results failed (disk full, permissions); nothing was left in the directory."""

    status = 500
    type_slug = "output-write-failed"
    title = "Results could not be written"
