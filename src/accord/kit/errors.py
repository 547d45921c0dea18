"""The one error base of Accord.

Pure code (parsers, the matching engine) raises these too, so this module imports
nothing from the web or database layers; the app renders them as RFC 9457 problems.
"""

from __future__ import annotations


class AccordError(Exception):
    """A failure a user can act on, with the HTTP status it maps to."""

    status: int = 400
    type_slug: str = "error"
    title: str = "Request failed"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    @property
    def type_uri(self) -> str:
        return f"https://accord.dev/problems/{self.type_slug}"


class NotFound(AccordError):
    status = 404
    type_slug = "not-found"
    title = "Not found"


class BadInput(AccordError):
    """Input that cannot be used as given: the message names the file, line or field."""

    status = 422
    type_slug = "bad-input"
    title = "Bad input"


class BadFile(BadInput):
    """A file that cannot be used as given; `where` is ``line N``, an XML path or None."""

    type_slug = "bad-file"
    title = "File cannot be used"

    def __init__(self, file: str, where: str | None, problem: str) -> None:
        self.file = file
        self.where = where
        self.problem = problem
        location = f"{file}: {where}" if where else file
        super().__init__(f"{location}: {problem}")
