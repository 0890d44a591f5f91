"""Typed errors the services raise; every one says which field or record is at fault."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One refusal: `field` is a dotted path a form can map to a widget ("metrics.2.value")."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class BriefingError(Exception):
    """Base of every error a front end is expected to show to a user."""


class ValidationError(BriefingError):
    """Input refused at the boundary; nothing was saved."""

    def __init__(self, errors: list[FieldError] | FieldError, subject: str | None = None) -> None:
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        self.subject = subject
        prefix = f"{subject}: " if subject else ""
        super().__init__(prefix + "; ".join(str(e) for e in self.errors))

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its fields, so it crosses process boundaries (exports run in a child) intact.
        return (type(self), (self.errors, self.subject))

    def for_field(self, field: str) -> list[str]:
        return [e.message for e in self.errors if e.field == field or e.field.startswith(field + ".")]


class NotFoundError(BriefingError):
    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"No {kind} {key!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.kind, self.key))


class ConflictError(BriefingError):
    """The record changed since the editor loaded it; nothing was overwritten."""

    def __init__(self, kind: str, key: object, expected: int, actual: int) -> None:
        self.kind = kind
        self.key = key
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{kind} {key!r} was changed elsewhere (you edited version {expected}, "
            f"it is now version {actual}); reload it before saving"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.kind, self.key, self.expected, self.actual))


class StorageError(BriefingError):
    """The database cannot be used as asked (damaged, read-only, from a newer Briefing, busy...);
    the message says which file and what to do. The library's own error is its `__cause__`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self),))


class DatabaseError(StorageError):
    """The database cannot be used as asked: its server is unreachable or refused the login, the
    connection dropped, or its schema is newer than this app. `where` names it (never a password);
    nothing was written."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"database {where}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.where, self.reason))
