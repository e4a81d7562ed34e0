"""The one error hierarchy of graphcrm.

Every error graphcrm raises on purpose derives from :class:`GraphCRMError`.
Store adapters translate driver errors into these with ``raise ... from e``;
the API maps them, in one table, to RFC 9457 problem documents.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input.

    ``where`` names the entity and its key or the row (``"contacts[3]"``,
    ``"reports_to[C-1 -> C-2]"``, ``"line 17"``); ``field`` the offending field
    (empty when the problem is about the whole row).
    """

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        field = f".{self.field}" if self.field else ""
        return f"{self.where}{field}: {self.message}"


class GraphCRMError(Exception):
    """Root of every graphcrm error."""


class NotFoundError(GraphCRMError):
    """The object does not exist (or is not visible to the caller)."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key

    def __reduce__(self) -> tuple[type[NotFoundError], tuple[str, str]]:
        # pickled with its own arguments (a worker process sends it back)
        return (type(self), (self.kind, self.key))


class ConflictError(GraphCRMError):
    """The write conflicts with the stored state (e.g. a uniqueness constraint)."""


class TerritoryConflictError(ConflictError):
    """The write would create a territory conflict that the settings block
    (``GRAPHCRM_TERRITORY_BLOCK_CONFLICTS``); nothing was written."""


class InvalidError(GraphCRMError):
    """The input is wrong. ``problems`` names every offending row and field."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("InvalidError needs at least one problem")
        shown = "; ".join(str(p) for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"{len(problems)} invalid input(s): {shown}{more}")
        self.problems = problems

    def __reduce__(self) -> tuple[type[InvalidError], tuple[list[Problem]]]:
        # pickled with its own arguments (a worker process sends it back)
        return (type(self), (self.problems,))


class StoreUnavailableError(GraphCRMError):
    """The store cannot be reached. The message names the URI, never the password."""
