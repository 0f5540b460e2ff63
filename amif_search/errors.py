"""The project's exceptions.

Library code raises these and never prints or exits; the command line turns them into
one-line messages with an exit code. Each error knows where it happened (file, line,
field) so that the message can name it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AmifSearchError",
    "Problem",
    "SourceError",
    "IndexNotFoundError",
    "IndexStateError",
    "IndexLockedError",
    "IndexWriteError",
    "QueryError",
    "CatalogError",
    "GlossaryError",
    "NotFoundError",
]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, with its location."""

    file: str
    line: int | None
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" ({self.field})" if self.field else ""
        return f"{where}: {self.message}{field}"


class AmifSearchError(Exception):
    """Base class of every error this project raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = list(problems or [])

    def lines(self) -> list[str]:
        """The one-line messages a user should see, one per problem."""
        if self.problems:
            return [str(p) for p in self.problems]
        return [self.message]


class SourceError(AmifSearchError):
    """A source document could not be read or has projects that cannot be parsed."""


class IndexNotFoundError(AmifSearchError):
    """There is no index at the given location."""


class IndexStateError(AmifSearchError):
    """The index exists but cannot be used (foreign, damaged, or of another version)."""


class IndexLockedError(AmifSearchError):
    """Another process is writing the index."""


class IndexWriteError(IndexStateError):
    """The index cannot be written (disk full, a read-only folder, no permission)."""


class QueryError(AmifSearchError):
    """A query cannot be understood."""


class CatalogError(AmifSearchError):
    """A gettext catalog is malformed."""


class GlossaryError(AmifSearchError):
    """A glossary entry or an import file is malformed."""


class NotFoundError(AmifSearchError):
    """A project or concept asked for by ID does not exist."""

    exit_code = 1
