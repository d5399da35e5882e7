"""Retention: the family's contacts of a closed request are purged once it has been closed long enough.

The ICRC's code of conduct for restoring family links keeps personal data no longer than the purpose
needs. A request closed for more than ``settings.TRACING_RETENTION_DAYS`` days loses the enquirer's name,
phone and e-mail and its photos; what the family asked about (the sought person, the casework, the
releases) stays. Each purge is one audit record whose ``before`` holds only the keyed digest of the
removed values (``audit.withheld``), so that whoever holds the audit key can still check a value later
claimed, and nobody can read it back. A purged request is never purged again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.audit import withheld as audit_withheld
from homecoming.app.tracing.models import CONTACT_FIELDS, RequestPhoto, RequestTransition, TracingRequest
from homecoming.app.tracing.portal import snapshot
from homecoming.domain.tracing_states import RequestState


def due(now: dt.datetime | None = None) -> list[TracingRequest]:
    """Closed requests whose contacts are still kept past the retention period, oldest closure first."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.TRACING_RETENTION_DAYS)
    closed = (
        RequestTransition.objects.filter(to_state=RequestState.closed)
        .values("request_id")
        .annotate(last=Max("at"))
        .filter(last__lt=cutoff)
        .values_list("request_id", flat=True)
    )
    return list(
        TracingRequest.objects.filter(
            pk__in=closed, state=RequestState.closed, contacts_purged_at__isnull=True
        ).order_by("received_at", "id")
    )


@transaction.atomic
def purge(*, actor: Any, request: TracingRequest, now: dt.datetime | None = None) -> TracingRequest:
    """Remove the family's contacts and photos of one closed request (audited, the digest kept)."""
    now = now or timezone.now()
    req = TracingRequest.objects.select_for_update().get(pk=request.pk)
    if req.contacts_purged_at is not None or req.state != RequestState.closed:
        return req
    removed = {f: getattr(req, f) for f in CONTACT_FIELDS}
    photos = list(RequestPhoto.objects.filter(request=req))
    removed["photos"] = [p.image.name for p in photos]
    for field in CONTACT_FIELDS:
        setattr(req, field, "")
    req.contacts_purged_at = now
    req.version += 1
    req.save(update_fields=[*CONTACT_FIELDS, "contacts_purged_at", "version"])
    for photo in photos:
        photo.image.delete(save=False)
        photo.delete()
    audit.record(
        actor=actor,
        action="purge",
        obj=req,
        before=audit_withheld.withheld(dict(removed), (*CONTACT_FIELDS, "photos")),
        after=snapshot(req),
        reason=(
            f"contacts and {len(photos)} photo(s) of a request closed more than "
            f"{settings.TRACING_RETENTION_DAYS} days ago purged (retention)"
        ),
    )
    return req


def purge_due(*, actor: Any, now: dt.datetime | None = None) -> list[TracingRequest]:
    """Purge every request :func:`due`; each in its own transaction."""
    return [purge(actor=actor, request=r, now=now) for r in due(now)]
