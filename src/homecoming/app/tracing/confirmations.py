"""Confirming from the registry what happened to the sought person, and releasing it to the family.

Families of both sides ask: Ukrainian families about their soldiers, and — through "I Want to Find" —
Russian families about soldiers of the other party whom the registry holds as prisoners of war or dead.
The Geneva Conventions require that this information reach the families (GC III Art. 122–123: the
information bureau answers enquiries about prisoners; Art. 120: deaths). Once a request is linked to a
registry person, :func:`facts` lists what the registry can confirm about that person, each fact with the
records it rests on:

* **captivity** — a detention record still open (held by a detaining power since a date, its capture
  cards), or an accepted status claim "captive" when the role may not read detentions;
* **alive** — a detention ended by release, repatriation or escape, or an accepted claim "alive";
* **death** — a signed identification of the person's remains, a death in captivity, or an accepted
  claim "confirmed dead" from an official source.

Nothing is released by itself. For each fact the officer reads a text drafted in the family's language,
edits it and confirms (:func:`confirm`): one :class:`~homecoming.app.tracing.models.Release` carrying the
kind of fact and the registry records, audited. A fact is checked again when it is confirmed: if the
registry changed meanwhile, the confirmation is refused.

A death is never first told by the portal. A death shown by a signed identification is told through the
notification procedure (``identification.notifications``: the portal shows the officer's words once the
family was notified in person or by phone), so no confirmation is offered for it; any other death can be
confirmed only together with how and when the family was told by a person (in person or by phone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homecoming.app.permissions import may
from homecoming.app.tracing import services
from homecoming.app.tracing.models import INFORMED_METHODS, Release, TracingRequest
from homecoming.domain import contacts
from homecoming.errors import Problem, StateError, ValidationError

__all__ = [
    "POWERS",
    "Fact",
    "confirm",
    "facts",
    "other_side",
    "other_side_filter",
    "power_name",
    "suggestions",
]

#: the names of the parties as a family reads them (a code the registry holds is never shown to them)
POWERS = {
    "UA": gettext_lazy("Ukraine"),
    "RU": gettext_lazy("the Russian Federation"),
}
ENDED_ALIVE = ("released", "repatriated", "escaped")
HELD = ("detained", "in hospital")
_END_EVENT = {"released": "release", "repatriated": "repatriation", "escaped": "escape"}
_ENDED = {
    "released": gettext_lazy("released"),
    "repatriated": gettext_lazy("repatriated"),
    "escaped": gettext_lazy("escaped"),
}
_AHEAD = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Fact:
    """One thing the registry can confirm about the linked person."""

    key: str  # "detention:12", "assertion:5", "identification:7": the records it rests on
    kind: str  # captivity | alive | death
    evidence: str  # the records, for the officer (in the officer's language)
    text: str  # the text drafted for the family (in the request's language)
    # a death shown by a signed identification: the family is told through this notification
    notification: Any = None

    @property
    def needs_informing(self) -> bool:
        """A death the officer confirms here: only with how and when the family was told by a person."""
        return self.kind == "death" and self.notification is None


def power_name(code: str) -> str:
    """A party as a family reads it: its name for a code the registry uses, else what was written."""
    name = POWERS.get(code.strip().upper())
    if name is not None:
        return str(name)
    if code.strip().upper() in contacts.COUNTRY_CODES:  # any other country: its name in the language
        return contacts.country_name(code.strip(), translation.get_language() or "en")
    return code


def other_side(req: TracingRequest) -> bool:
    """The request is about a soldier of another party than the organisation's own (HOMECOMING_OWN_POWER)."""
    power = (req.person.power if req.person is not None else "").strip().upper()
    return bool(power) and power != settings.OWN_POWER


def other_side_filter() -> Q:
    """The requests of :func:`other_side`, as a query."""
    return Q(person__isnull=False) & ~Q(person__power="") & ~Q(person__power__iexact=settings.OWN_POWER)


def _name(req: TracingRequest) -> str:
    return " ".join(p for p in (req.given_name, req.patronymic, req.family_name) if p)


def _day(value: Any) -> str:
    return value.isoformat() if value else "—"


def _death_text(name: str) -> str:
    return _(
        "With deep regret we must tell you that the death of %(name)s has been confirmed. Please "
        "contact the family liaison office: we will answer your questions and help you."
    ) % {"name": name}


def _detention_facts(req: TracingRequest, user: Any, name: str, lang: str) -> list[Fact]:
    from homecoming.app.captivity.models import DetentionRecord

    out: list[Fact] = []
    records = DetentionRecord.objects.filter(person_id=req.person_id).prefetch_related("cards", "events")
    for record in records:
        cards = sorted(c.card_date for c in record.cards.all()) if may(user, "capture_cards") else []
        parts = [
            _("detention record: held by %(power)s since %(date)s")
            % {"power": power_name(record.detaining_power), "date": _day(record.capture_date)}
        ]
        if record.internment_number:
            parts.append(_("internment number %(number)s") % {"number": record.internment_number})
        if cards:
            parts.append(_("capture cards of %(dates)s") % {"dates": ", ".join(_day(d) for d in cards)})
        events = list(record.events.all())
        if record.status in HELD:
            evidence = "; ".join(parts)
            with translation.override(lang):
                text = _(
                    "%(name)s is registered as a prisoner of war, held by %(power)s since %(date)s. "
                    "We will write here what more we learn."
                ) % {
                    "name": name,
                    "power": power_name(record.detaining_power),
                    "date": _day(record.capture_date),
                }
            out.append(Fact(f"detention:{record.pk}", "captivity", evidence, text))
        elif record.status in ENDED_ALIVE:
            ended = [e.date for e in events if e.kind == _END_EVENT[record.status]]
            on = _day(ended[-1] if ended else None)
            parts.append(
                _("left captivity (%(how)s) on %(date)s") % {"how": _ENDED[record.status], "date": on}
            )
            with translation.override(lang):
                text = _(
                    "%(name)s was registered as a prisoner of war and left captivity on %(date)s. "
                    "We will write here what more we learn."
                ) % {"name": name, "date": on}
            out.append(Fact(f"detention:{record.pk}", "alive", "; ".join(parts), text))
        elif record.status == "died in captivity":
            died = [e.date for e in events if e.kind == "death"]
            parts.append(_("died in captivity on %(date)s") % {"date": _day(died[-1] if died else None)})
            with translation.override(lang):
                text = _death_text(name)
            out.append(Fact(f"detention:{record.pk}", "death", "; ".join(parts), text))
    return out


def _identification_facts(req: TracingRequest, name: str, lang: str) -> list[Fact]:
    from homecoming.app.identification.models_reports import ComparisonReport, FamilyNotification

    out: list[Fact] = []
    reports = ComparisonReport.objects.filter(
        person_id=req.person_id, kind="IDEN", conclusion="identification", state__in=("signed", "identified")
    ).select_related("unit")
    for report in reports:
        notification = FamilyNotification.objects.filter(report=report).first()
        evidence = _("identification %(report)s of body %(body)s, signed on %(date)s") % {
            "report": report.reference,
            "body": report.unit.reference,
            "date": _day(timezone.localtime(report.signed_at).date() if report.signed_at else None),
        }
        with translation.override(lang):
            text = _death_text(name)
        out.append(Fact(f"identification:{report.pk}", "death", evidence, text, notification=notification))
    return out


_CLAIM_KIND = {"captive": "captivity", "alive": "alive", "confirmed_dead": "death"}


def _claim_facts(req: TracingRequest, name: str, lang: str, skip: set[str]) -> list[Fact]:
    """Accepted status claims that agree with the person's current status (older ones no longer hold)."""
    person = req.person
    kind = _CLAIM_KIND.get(person.current_status if person is not None else "")
    if kind is None or kind in skip:
        return []
    claims = req.person.assertions.filter(status=person.current_status, review_state="accepted")  # type: ignore[union-attr]
    out: list[Fact] = []
    for claim in claims.order_by("-source_date", "-id")[:1]:
        evidence = _(
            "accepted status claim: %(status)s, %(source)s (%(name)s, %(date)s), reliability %(grade)s"
        ) % {
            "status": claim.get_status_display(),
            "source": claim.get_source_type_display(),
            "name": claim.source_name,
            "date": _day(claim.source_date),
            "grade": claim.reliability,
        }
        with translation.override(lang):
            if kind == "captivity":
                text = _(
                    "%(name)s is registered as a prisoner of war. We will write here what more we learn."
                )
                text %= {"name": name}
            elif kind == "alive":
                text = _("%(name)s is registered as alive. We will write here what more we learn.")
                text %= {"name": name}
            else:
                text = _death_text(name)
        out.append(Fact(f"assertion:{claim.pk}", kind, evidence, text))
    return out


def facts(req: TracingRequest, user: Any) -> list[Fact]:
    """What the registry can confirm about the person ``req`` is linked to, for ``user`` (none without a
    link, or for a role that may not read persons). Detentions only for roles that read them; a status
    claim only where no detention or identification already shows the same kind of fact."""
    if req.person_id is None or not may(user, "person"):
        return []
    name = _name(req)
    out = _identification_facts(req, name, req.language)
    if may(user, "detentions"):
        out += _detention_facts(req, user, name, req.language)
    return out + _claim_facts(req, name, req.language, {f.kind for f in out})


def suggestions(req: TracingRequest, user: Any, *, known: list[Fact] | None = None) -> list[str]:
    """Free texts the officer may release while the registry confirms nothing (:func:`facts` is empty):
    that the search goes on. ``known``: the facts already read for ``user``, not read again."""
    if req.person_id is None or not may(user, "person"):
        return []
    if known is None:
        known = facts(req, user)
    if known:
        return []
    with translation.override(req.language):
        return [
            _(
                "We received your request about %(name)s and are searching. We will write here as soon as "
                "we learn anything."
            )
            % {"name": _name(req)}
        ]


def _informed(method: str, raw: Any, fact: Fact) -> tuple[str | None, dt.datetime | None]:
    """How and when the family was told of a death (required for a death, refused for anything else)."""
    if not fact.needs_informing:
        return None, None
    problems: list[Problem] = []
    methods = [m for m, _label in INFORMED_METHODS]
    if method not in methods:
        problems.append(
            Problem(
                "informed_method",
                "a death is released only after the family was told by a person",
                method,
                f"tell the family in person or by phone first, then record how ({', '.join(methods)})",
            )
        )
    at = raw if isinstance(raw, dt.datetime) else None
    if at is None and raw not in (None, ""):
        from django.utils.dateparse import parse_datetime

        at = parse_datetime(str(raw))
        if at is None:
            problems.append(
                Problem("informed_at", "is not a date and time", raw, "write it as 2026-05-01T14:30")
            )
    elif at is None:
        problems.append(
            Problem("informed_at", "is required for a death", raw, "write when the family was told")
        )
    if at is not None:
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        if at > timezone.now() + _AHEAD:
            problems.append(
                Problem(
                    "informed_at", "is in the future", at.isoformat(), "record it after the family was told"
                )
            )
    if problems:
        raise ValidationError.from_problems(problems, "the confirmation")
    return method, at


@transaction.atomic
def confirm(
    *,
    actor: Any,
    request_id: int,
    fact: str,
    text: str,
    informed_method: str = "",
    informed_at: Any = None,
    expected_version: int | None = None,
) -> Release:
    """Release to the family of the request ``text`` confirming the registry fact ``fact`` (a key of
    :func:`facts`, checked again now); a death only with how and when the family was told by a person."""
    req = services.get_request(request_id, lock=True)
    found = {f.key: f for f in facts(req, actor)}
    chosen = found.get(str(fact))
    if chosen is None:
        raise StateError(
            f"fact: the registry does not confirm {fact!r} for {req.reference} (now)",
            field="fact",
            value=fact,
            hint="reload the request: the registry changed, or the request is linked to another person",
        )
    if chosen.notification is not None:
        raise StateError(
            f"fact: the death shown by {chosen.evidence} is told through the notification of the family",
            field="fact",
            value=fact,
            hint="record the notification in person or by phone; its words then reach the family's page",
        )
    method, at = _informed(str(informed_method or ""), informed_at, chosen)
    return services.release(
        actor=actor,
        request_id=req.pk,
        text=text,
        expected_version=expected_version,
        kind=chosen.kind,
        basis=f"{chosen.key}: {chosen.evidence}",
        informed_method=method,
        informed_at=at,
    )
