"""The liaison officer's casework on tracing requests: every change, with its audit record.

Link a request to a registry person (only on the officer's confirmation), merge a duplicate into another
request (both kept: two enquirers, one case), assign it, move its state (each move a
``RequestTransition`` row) and release a text to the family (a ``Release`` row, the only thing the portal
shows), and note what happened (``add_note``: insert-only, never shown to the family, its text kept out of
the audit trail as a keyed digest). Reading the family's contacts (and the notes) is audited too
(``view_contacts``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from homecoming.app.audit import services as audit
from homecoming.app.audit import withheld as audit_withheld
from homecoming.app.lookup import by_id
from homecoming.app.registry.models import MissingCase, Person
from homecoming.app.tracing import enquirers
from homecoming.app.tracing.models import Release, RequestNote, RequestTransition, TracingRequest
from homecoming.app.tracing.portal import snapshot
from homecoming.domain.tracing_states import RequestState, check_transition
from homecoming.errors import ConflictError, Problem, StateError, ValidationError

MAX_RELEASE = 5000
#: a casework note's text (calls made, what the family said) is kept out of the audit trail: a keyed digest
NOTE_WITHHELD = ("text",)


def get_request(request_id: int, *, lock: bool = False) -> TracingRequest:
    """The request with its person, case, merge and assignee; ``lock``: its row locked first (PostgreSQL
    cannot lock the nullable side of the joins, so the row alone is locked)."""
    if lock:
        list(TracingRequest.objects.select_for_update().filter(pk=request_id).values_list("pk", flat=True))
    qs = TracingRequest.objects.select_related("person", "case", "merged_into", "assigned_to")
    return by_id(qs, request_id, what="tracing request", field="request")


def _check_version(req: TracingRequest, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != req.version:
        raise ConflictError(
            f"tracing request {req.reference} changed since you read it (version {req.version}, "
            f"you read {expected_version})",
            field="expected_version",
            value=expected_version,
            hint="reload the request and make your change again",
        )


def _save(req: TracingRequest, fields: list[str]) -> None:
    req.version += 1
    req.save(update_fields=[*fields, "version"])


def _move(actor: Any, req: TracingRequest, to: str, reason: str) -> None:
    """Record a state change (the caller checked it) and apply it to the row."""
    RequestTransition.objects.create(
        request=req, from_state=req.state, to_state=to, actor=audit.user_or_none(actor), reason=reason
    )
    req.state = to


def view_contacts(*, actor: Any, request: TracingRequest) -> None:
    """Audit that ``actor`` read the family's contacts of ``request``."""
    audit.record_view(actor=actor, obj=request, what="tracing request contacts")


@transaction.atomic
def link_person(
    *,
    actor: Any,
    request_id: int,
    person_id: int,
    case_id: int | None = None,
    confirm: bool = False,
    reason: str = "",
    expected_version: int | None = None,
) -> TracingRequest:
    """Link the request to a registry person (and one of the person's cases), on confirmation only; the
    family becomes an enquirer of that case, and its enquirer row of a case the link moves away from is
    ended (``tracing.enquirers.follow_link``)."""
    req = get_request(request_id, lock=True)
    _check_version(req, expected_version)
    problems = []
    if not confirm:
        problems.append(
            Problem(
                "confirm",
                "the link must be confirmed",
                confirm,
                "check the candidate against the request, then confirm",
            )
        )
    person = by_id(Person.objects.filter(purged=False), person_id, what="person", field="person")
    case = None
    if case_id is not None:
        case = by_id(MissingCase.objects.all(), case_id, what="missing case", field="case")
        if case.person_id != person.pk:
            problems.append(
                Problem("case", f"is a case of another person, not {person.reference}", case.reference)
            )
    if req.person_id and req.person_id != person.pk and not reason.strip():
        problems.append(
            Problem(
                "reason",
                f"the request is linked to another person ({req.person.reference if req.person else ''})",
                reason,
                "say why the link changes",
            )
        )
    if problems:
        raise ValidationError.from_problems(problems, "the link")
    before = snapshot(req)
    req.person, req.case = person, case
    fields = ["person", "case"]
    if req.state in (RequestState.received, RequestState.under_search):
        _move(actor, req, RequestState.matched, f"linked to {person.reference}")
        fields.append("state")
    _save(req, fields)
    audit.record(
        actor=actor,
        action="link",
        obj=req,
        before=before,
        after=snapshot(req),
        reason=reason or f"confirmed: the sought person is {person.reference}",
    )
    enquirers.follow_link(
        actor=actor, req=req, was_case_id=before.get("case_id"), reason=reason or "confirmed by the liaison"
    )
    return req


def _primary(req: TracingRequest) -> TracingRequest:
    seen = {req.pk}
    while req.merged_into_id is not None:
        req = TracingRequest.objects.get(pk=req.merged_into_id)
        if req.pk in seen:  # pragma: no cover - merges refuse cycles
            break
        seen.add(req.pk)
    return req


@transaction.atomic
def merge(
    *, actor: Any, request_id: int, into_id: int, reason: str = "", expected_version: int | None = None
) -> TracingRequest:
    """Merge a duplicate request into another about the same person: both kept, the duplicate names it; a
    duplicate that inherits the link is an enquirer of the linked case too."""
    req = get_request(request_id, lock=True)
    _check_version(req, expected_version)
    into = get_request(into_id)
    if into.pk == req.pk:
        raise ValidationError(
            "into: a request cannot be merged into itself",
            field="into",
            value=into.reference,
            hint="choose the other request about the same person",
        )
    if req.merged_into_id is not None:
        raise StateError(
            f"{req.reference} is already merged into {req.merged_into.reference if req.merged_into else ''}",
            field="request",
            value=req.reference,
            hint="a request is merged once",
        )
    primary = _primary(into)
    if primary.pk == req.pk:
        raise ValidationError(
            f"into: {into.reference} is itself merged into {req.reference}",
            field="into",
            value=into.reference,
            hint="merge the other way round",
        )
    before = snapshot(req)
    req.merged_into = primary
    fields = ["merged_into"]
    if primary.person_id and not req.person_id:
        req.person_id, req.case_id = primary.person_id, primary.case_id
        fields += ["person", "case"]
    _save(req, fields)
    audit.record(
        actor=actor,
        action="merge",
        obj=req,
        before=before,
        after=snapshot(req),
        reason=reason or f"same sought person as {primary.reference}: one case, two enquirers",
    )
    if "case" in fields:
        enquirers.follow_link(
            actor=actor, req=req, was_case_id=None, reason=f"merged into {primary.reference}"
        )
    return req


@transaction.atomic
def assign(
    *, actor: Any, request_id: int, user_id: int | None, expected_version: int | None = None
) -> TracingRequest:
    """Give the request to a liaison officer (one who may work requests), or take it back (None)."""
    req = get_request(request_id, lock=True)
    _check_version(req, expected_version)
    user = None
    if user_id is not None:
        user = by_id(get_user_model().objects.filter(is_active=True), user_id, what="user", field="user")
        if not user.has_perm("tracing.change_tracingrequest"):
            raise ValidationError(
                f"user: {user.username} may not work tracing requests",
                field="user",
                value=user.username,
                hint="assign it to a family liaison officer",
            )
    before = snapshot(req)
    req.assigned_to = user
    _save(req, ["assigned_to"])
    audit.record(
        actor=actor,
        action="assign",
        obj=req,
        before=before,
        after=snapshot(req),
        reason=f"assigned to {user.username}" if user else "unassigned",
    )
    return req


@transaction.atomic
def transition(
    *, actor: Any, request_id: int, state: str, reason: str = "", expected_version: int | None = None
) -> TracingRequest:
    req = get_request(request_id, lock=True)
    _check_version(req, expected_version)
    to = check_transition(req.state, state, reason=reason)
    before = snapshot(req)
    _move(actor, req, to, reason)
    _save(req, ["state"])
    audit.record(actor=actor, action="transition", obj=req, before=before, after=snapshot(req), reason=reason)
    return req


def _text(text: str, what: str, hint: str) -> str:
    """``text`` stripped; refused when empty (``hint`` says what to write) or longer than MAX_RELEASE."""
    text = str(text or "").strip()
    if not text:
        raise ValidationError(f"text: the {what} is empty", field="text", value=text, hint=hint)
    if len(text) > MAX_RELEASE:
        raise ValidationError(
            f"text: is longer than {MAX_RELEASE} characters",
            field="text",
            value=text[:40] + "…",
            hint="shorten it",
        )
    return text


@transaction.atomic
def release(
    *, actor: Any, request_id: int, text: str, expected_version: int | None = None, **confirms: Any
) -> Release:
    """Show ``text`` to the family of the request (insert-only); an open request becomes answered.
    ``confirms``: what a confirmation from the registry records with it (``confirmations.confirm``:
    kind, basis, informed_method, informed_at)."""
    req = get_request(request_id, lock=True)
    _check_version(req, expected_version)
    text = _text(text, "release", "write what the family may be told")
    released = Release.objects.create(request=req, text=text, released_by=actor, **confirms)
    before = snapshot(req)
    fields: list[str] = []
    if req.state in (RequestState.received, RequestState.matched, RequestState.under_search):
        _move(actor, req, RequestState.answered, "an answer was released to the family")
        fields.append("state")
    _save(req, fields)
    audit.record(
        actor=actor,
        action="create",
        obj=released,
        object_repr=f"release to the family of {req.reference}",
        after=audit.snapshot(released),
        reason=f"confirmed from the registry to the family: {confirms['basis']}"
        if confirms.get("basis")
        else "released to the family",
    )
    if fields:
        audit.record(
            actor=actor,
            action="transition",
            obj=req,
            before=before,
            after=snapshot(req),
            reason="an answer was released to the family",
        )
    return released


@transaction.atomic
def add_note(*, actor: Any, request_id: int, text: str) -> RequestNote:
    """An officer's note on the casework (insert-only; the family never sees it)."""
    req = get_request(request_id)
    text = _text(text, "note", "write what happened or was said")
    note = RequestNote.objects.create(request=req, text=text, author=actor)
    audit.record(
        actor=actor,
        action="create",
        obj=note,
        object_repr=f"note on {req.reference}",
        # the note records calls and what the family said: its keyed digest stays, not its text
        after=audit_withheld.withheld(audit.snapshot(note), NOTE_WITHHELD),
        reason="casework note",
    )
    return note
