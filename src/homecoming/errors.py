"""One exception tree for all of Homecoming.

Every error a user can cause is one of these. The API maps them to one JSON error shape
(``{"error": {"code", "message", "field", "value", "hint"}}``), the CLI to one line on stderr and a
non-zero exit code. Anything else escaping is a bug.

::

    HomecomingError                      base; never raised directly
    ├── InputError                       the input is wrong; fix it and retry (HTTP 400/422, exit 2)
    │   ├── ValidationError              one or more fields fail their rules (lists every problem)
    │   ├── ImportFileError              a file to import has bad rows (lists every row; nothing imported)
    │   ├── PedigreeError                a pedigree is not a pedigree (lists every problem)
    │   ├── MarkerError                  unknown marker, bad allele, three alleles, table mismatch
    │   ├── FrequencyError               frequencies negative, not summing to 1, allele missing
    │   ├── HypothesisError              hypotheses that do not share the typed persons
    │   ├── CaseFileError                a case file (JSON, .fam) cannot be read as such
    │   └── SignatureError               a signed bundle does not verify (file changed, added, removed;
    │                                    unknown, retired or revoked key); nothing imported
    ├── StateError                       the object is not in a state that allows this (HTTP 409, exit 3)
    │   ├── TransitionError              a status transition that the rules do not allow
    │   ├── ConflictError                someone else saved first (optimistic locking); reload and redo
    │   ├── CustodyError                 a custody event that would break the chain
    │   ├── AlreadyImported              these file bytes were imported before; nothing imported
    │   └── DuplicatePerson              the person is already registered (same name, birth date and
    │       │                            service number); names the registered person; nothing saved
    │       └── LikelyDuplicate          the person may be registered already: confirm to save anyway
    ├── PermissionDenied                 the actor's role does not allow this (HTTP 403, exit 4)
    ├── NotFound                         no such object (HTTP 404, exit 5)
    ├── LimitError                       work beyond an explicit limit; raise it or split (HTTP 413, exit 6)
    ├── IntegrityError                   stored data fails a check (audit chain broken) (HTTP 500, exit 7)
    └── Busy                             the database is busy with another write; retry (HTTP 503, exit 8)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

from homecoming.jsonable import jsonable


@dataclass(frozen=True)
class Problem:
    """One problem in an input: where it is, what was found, how to fix it."""

    field: str
    message: str
    value: Any = None
    hint: str = ""
    row: int | None = None

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        shown = f" (got {self.value!r})" if self.value is not None else ""
        fix = f"; {self.hint}" if self.hint else ""
        return f"{where}{self.field}: {self.message}{shown}{fix}"


class HomecomingError(Exception):
    """Base of every error Homecoming raises on purpose."""

    code = "error"
    http_status = 500
    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = None,
        hint: str = "",
        problems: list[Problem] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value
        self.hint = hint
        self.problems: list[Problem] = list(problems or [])

    def __str__(self) -> str:
        text = self.message
        listed = [p for p in self.problems if str(p) != self.message and p.message not in self.message]
        if listed:
            text += "\n" + "\n".join(f"  - {p}" for p in listed)
        elif self.hint and self.hint not in text:
            text += f" ({self.hint})"
        return text

    @classmethod
    def from_problems(
        cls, problems: Sequence[Problem], what: str = "input", *, listed: int | None = 0
    ) -> Self:
        """One error of this class for every problem found, the first one's field, value and hint leading.

        The message is the problem's own text when there is one; otherwise ``"3 problems in <what>"``,
        followed by the texts of the first ``listed`` problems (``None``: all of them) as
        ``"3 problems in <what>: p1; p2; p3"``, then ``"; and N more"`` for those not listed.
        ``problems`` keeps every one.
        """
        n = len(problems)
        if n == 1:
            message = str(problems[0])
        else:
            message = f"{n} problems in {what}"
            shown = problems if listed is None else problems[:listed]
            if shown:
                message += ": " + "; ".join(str(p) for p in shown)
                if len(shown) < n:
                    message += f"; and {n - len(shown)} more"
        first = problems[0] if problems else None
        return cls(
            message,
            field=first.field if first else None,
            value=first.value if first else None,
            hint=first.hint if first else "",
            problems=list(problems),
        )

    def as_dict(self) -> dict[str, Any]:
        """The one JSON error shape."""
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "value": _jsonable(self.value),
            "hint": self.hint,
            "problems": [
                {
                    "field": p.field,
                    "message": p.message,
                    "value": _jsonable(p.value),
                    "hint": p.hint,
                    "row": p.row,
                }
                for p in self.problems
            ],
        }


def _jsonable(value: Any) -> Any:
    """A value shown in the error shape: JSON values as they are (non-finite floats as "NaN"/"Inf"),
    lists and dicts as JSON, anything else as its string."""
    return jsonable(value, default=str)


class InputError(HomecomingError):
    """The input is wrong. Read the message, fix the named field or row, and try again."""

    code = "invalid_input"
    http_status = 422
    exit_code = 2


class ValidationError(InputError):
    """One or more fields fail their rules; ``problems`` lists every one of them."""

    code = "validation_failed"


class ImportFileError(InputError):
    """A file to import has bad rows; nothing was imported. Fix every listed row and import again."""

    code = "import_failed"


class PedigreeError(InputError):
    """The pedigree is not a valid pedigree; fix every listed problem."""

    code = "invalid_pedigree"


class MarkerError(InputError):
    """A marker, allele or genotype is unknown or malformed; check the profile against the table."""

    code = "invalid_marker"


class FrequencyError(InputError):
    """An allele-frequency table is invalid; fix the table or ask for a minimum frequency."""

    code = "invalid_frequencies"


class HypothesisError(InputError):
    """Hypotheses cannot be compared (e.g. they do not share the typed persons)."""

    code = "invalid_hypotheses"


class CaseFileError(InputError):
    """A case file cannot be read; the message names the key or line to fix."""

    code = "invalid_case_file"


class SignatureError(InputError):
    """A signed list bundle is refused: a file changed, added or removed, or a key that is unknown, retired
    or revoked. ``problems`` names every file or the key (its fingerprint); nothing was imported."""

    code = "signature_refused"


class StateError(HomecomingError):
    """The object is not in a state that allows this action; check its current state first."""

    code = "invalid_state"
    http_status = 409
    exit_code = 3


class TransitionError(StateError):
    """A status transition the rules do not allow; the message lists the allowed ones.

    The refusal also carries its parts as data, so a page can say it in the reader's language with the
    states' labels: ``subject`` (what moves: ``case``, ``remains``, ``agreement``, ``operation``,
    ``report``, ``request``, ``assertion``, ``detention``), ``current`` (the state it is in, ``None`` for
    a first event), ``target`` and ``allowed`` (the states it may move to, in order); ``needs`` names what
    is missing when the move itself is allowed (``report``: only an identification report makes it;
    ``examination``, ``sample``, ``profile``, ``handover``: the evidence the target state needs).
    """

    code = "transition_not_allowed"

    def __init__(
        self,
        message: str,
        *,
        subject: str = "",
        current: str | None = None,
        target: str | None = None,
        allowed: Sequence[str] = (),
        needs: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.needs = needs
        self.subject = subject
        self.current = current
        self.target = target
        self.allowed: list[str] = list(allowed)


class ConflictError(StateError):
    """Someone else saved this record first. Reload it, reapply your change, and save again."""

    code = "edit_conflict"


class CustodyError(StateError):
    """A custody event that would break the chain (two holders, gap, broken seal)."""

    code = "custody_conflict"


class AlreadyImported(StateError):
    """The same file content was imported before (its SHA-256 is recorded); nothing was imported.

    ``previous`` holds what the first import recorded (sha256, name, kind, rows, imported, by), so a page
    can say it in the reader's language.
    """

    code = "already_imported"

    def __init__(self, message: str, *, previous: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.previous: dict[str, Any] = dict(previous or {})


class DuplicatePerson(StateError):
    """The person to create is already registered: the same normalised name, birth date and service number
    (``code`` duplicate_person), or may be (``likely_duplicate``: a warning to confirm). ``candidates``
    holds the references of the registered persons. Open the registered person, or confirm that this is a
    different person (with a reason, audited) and save again."""

    code = "duplicate_person"

    def __init__(self, message: str, *, candidates: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.candidates: list[str] = list(candidates)


class LikelyDuplicate(DuplicatePerson):
    """The person to create may already be registered (a likely duplicate, not an exact one): look at the
    candidates, and save again confirming it is not one of them."""

    code = "likely_duplicate"


class PermissionDenied(HomecomingError):
    """The actor's role does not allow this action; ask an administrator for the role."""

    code = "permission_denied"
    http_status = 403
    exit_code = 4


class NotFound(HomecomingError):
    """No such object; check the identifier."""

    code = "not_found"
    http_status = 404
    exit_code = 5


class LimitError(HomecomingError):
    """The work exceeds an explicit limit; raise the limit or split the work."""

    code = "limit_exceeded"
    http_status = 413
    exit_code = 6


class RateLimited(HomecomingError):
    """Too many API requests in a short time; wait ``retry_after`` seconds (the ``Retry-After`` header)."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int = 60, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class IntegrityError(HomecomingError):
    """Stored data fails an integrity check (e.g. the audit chain is broken); investigate, do not retry."""

    code = "integrity_violation"
    http_status = 500
    exit_code = 7


class Busy(HomecomingError):
    """The database stayed locked by another writer (SQLite: a long import) longer than the wait allows.

    Nothing was changed; the same request sent again later will work. The API adds ``Retry-After``.
    """

    code = "busy"
    http_status = 503
    exit_code = 8
    retry_after_seconds = 10


__all__ = [
    "AlreadyImported",
    "Busy",
    "CaseFileError",
    "ConflictError",
    "CustodyError",
    "FrequencyError",
    "HomecomingError",
    "HypothesisError",
    "ImportFileError",
    "InputError",
    "IntegrityError",
    "LimitError",
    "MarkerError",
    "NotFound",
    "PedigreeError",
    "PermissionDenied",
    "Problem",
    "RateLimited",
    "SignatureError",
    "StateError",
    "TransitionError",
    "ValidationError",
]
