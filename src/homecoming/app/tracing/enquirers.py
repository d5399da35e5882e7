"""The family of a linked tracing request is an enquirer on the registry case it was linked to.

When a liaison officer links a request to a person and one of the person's missing cases
(``services.link_person``), or a merged duplicate inherits the link of the request it joined
(``services.merge``), :func:`follow_link` gives the case a registry ``Enquirer`` row pointing at the
request (``Enquirer.tracing_request``). The row copies none of the family's contacts: its name, phone and
e-mail stay empty and the case page reads them through the request (:func:`shown`), so the retention purge
of the request's contacts (``tracing.retention``) reaches the case too, which then says "contacts purged".
Only the relationship (not a contact) is copied, so the case says who asks even to a reader of the row.

The registry's enquirer rows are insert-only (a database trigger refuses UPDATE and DELETE), so a link that
moves to another case (another person: the service requires a reason) cannot remove or rewrite the row of
the old case. That row is *ended* instead, by the request itself: an enquirer row whose request is now
linked to another case (or to none) is no longer an enquirer of its case — the case page marks it ended and
shows none of the family's contacts on it, the API leaves it out. The ending is one audit record
(``end``, naming the row, with the reason of the new link), written in the same transaction as the link.
A link that comes back to a case the family already enquired about makes its row current again (audited
``resume``) rather than adding a second row; linking again to the same case changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homecoming.app.audit import services as audit
from homecoming.app.registry.models import Enquirer
from homecoming.app.tracing.models import TracingRequest

__all__ = ["Shown", "follow_link", "shown"]


def follow_link(*, actor: Any, req: TracingRequest, was_case_id: int | None, reason: str) -> None:
    """Make the enquirers of ``req`` follow its saved case link (it was ``was_case_id``): audited, in the
    caller's transaction."""
    if req.case_id == was_case_id and (
        req.case_id is None or Enquirer.objects.filter(tracing_request=req, case_id=req.case_id).exists()
    ):
        return
    rows = {row.case_id: row for row in Enquirer.objects.filter(tracing_request=req).select_related("case")}
    ended = rows.get(was_case_id) if was_case_id is not None and was_case_id != req.case_id else None
    if ended is not None:
        audit.record(
            actor=actor,
            action="end",
            obj=ended,
            object_repr=f"enquirer of {ended.case.reference}: the family of {req.reference}",
            before={"current": True, "case_id": ended.case_id},
            after={"current": False, "request_case_id": req.case_id},
            reason=f"the request's link moved away from {ended.case.reference}: {reason}",
        )
    if req.case_id is None:
        return
    case_ref = req.case.reference if req.case else ""
    again = rows.get(req.case_id)
    if again is not None:
        audit.record(
            actor=actor,
            action="resume",
            obj=again,
            object_repr=f"enquirer of {case_ref}: the family of {req.reference}",
            before={"current": False},
            after={"current": True, "case_id": again.case_id},
            reason=f"{req.reference} linked to {case_ref} again: {reason}",
        )
        return
    enquirer = Enquirer.objects.create(
        case_id=req.case_id, name="", relationship=req.enquirer_relationship[:100], tracing_request=req
    )
    audit.record(
        actor=actor,
        action="create",
        obj=enquirer,
        object_repr=f"enquirer of {case_ref}: the family of {req.reference}",
        after=audit.snapshot(enquirer),
        reason=f"{req.reference} linked to {case_ref}: {reason}",
    )


@dataclass(frozen=True)
class Shown:
    """One enquirer as the case page shows it to a role that may see contacts."""

    name: str
    relationship: str
    phone: str
    email: str
    address: str
    request: TracingRequest | None  # the family's tracing request, if the enquirer came through the portal
    purged: bool  # the request's contacts were purged (retention)
    ended: bool = False  # the request is now linked to another case (or none): no longer an enquirer here


def shown(enquirer: Enquirer) -> Shown:
    """The enquirer's name and contacts, read through its tracing request when it has one."""
    req = enquirer.tracing_request
    if req is None:
        return Shown(
            enquirer.name,
            enquirer.relationship,
            enquirer.phone,
            enquirer.email,
            enquirer.address,
            None,
            False,
        )
    if req.case_id != enquirer.case_id:
        return Shown("", enquirer.relationship, "", "", "", req, purged=False, ended=True)
    return Shown(
        req.enquirer_name,
        req.enquirer_relationship or enquirer.relationship,
        req.enquirer_phone,
        req.enquirer_email,
        "",
        req,
        purged=req.contacts_purged_at is not None,
    )
