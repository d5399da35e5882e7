"""Merging duplicate persons, undoing a merge, and saying two persons are not the same — on a person's word.

A merge moves nothing: both rows stay, the duplicate's ``merged_into`` names the survivor, and a
``PersonLink`` row (insert-only) records who decided, when and why, with the evidence they saw. An
unmerge clears ``merged_into`` — the duplicate is exactly as it was before — and is recorded the same
way. "Not the same" is recorded so the pair is not proposed again. Each decision writes one audit record
in the same transaction (the person's record first: its table accepts an UPDATE only right after it).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.lookup import by_id
from homecoming.app.registry import duplicates
from homecoming.app.registry.models import Person, PersonLink
from homecoming.errors import PermissionDenied, StateError, ValidationError

PERMISSION = "registry.merge_person"


def _check(actor: Any, reason: str, *, what: str) -> None:
    if actor is None or not actor.has_perm(PERMISSION):
        raise PermissionDenied(
            f"only a registrar or an identification reviewer may {what}",
            field="actor",
            value=getattr(actor, "username", None),
            hint="ask a registrar or a reviewer",
        )
    if not reason.strip():
        raise ValidationError(
            f"reason: to {what} needs a reason",
            field="reason",
            value=reason,
            hint="say why (what you checked)",
        )


def _pair(person_id: int, other_id: int) -> tuple[Person, Person]:
    if person_id == other_id:
        raise ValidationError(
            "other: a person cannot be linked to itself",
            field="other",
            value=other_id,
            hint="choose two different persons",
        )
    first, second = sorted([person_id, other_id])
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[first, second])}
    person = locked.get(person_id) or by_id(Person, person_id, what="person", field="person")
    other = locked.get(other_id) or by_id(Person, other_id, what="person", field="other")
    for p, field in ((person, "person"), (other, "other")):
        if p.purged:
            raise StateError(f"{p.reference} was purged", field=field, value=p.reference)
    return person, other


def _evidence(person: Person, other: Person) -> dict[str, Any]:
    c = duplicates.compare(duplicates.person_data(person), list(person.names.all()), other)
    return {
        "score": c.score,
        "agree": c.agreeing(),
        "differ": [a.field for a in c.evidence if a.outcome == "differ"],
    }


def _set_merged(*, actor: Any, person: Person, into: Person | None, action: str, reason: str) -> None:
    fields = ("merged_into_id", "version", "updated")
    old = audit.snapshot(person)
    person.merged_into = into
    person.version += 1
    person.updated = timezone.now()
    new = audit.snapshot(person)
    audit.record(
        actor=actor,
        action=action,
        obj=person,
        before={k: old[k] for k in fields},
        after={k: new[k] for k in fields},
        reason=reason,
    )
    person.save(update_fields=["merged_into", "version", "updated"])


@transaction.atomic
def merge(*, actor: Any, duplicate_id: int, survivor_id: int, reason: str) -> PersonLink:
    """Mark ``duplicate`` as the same person as ``survivor`` (both rows kept; undone by :func:`unmerge`)."""
    _check(actor, reason, what="merge two persons")
    duplicate, survivor = _pair(duplicate_id, survivor_id)
    if duplicate.merged_into_id:
        raise StateError(
            f"{duplicate.reference} is already merged into {duplicate.merged_into.reference}",
            field="person",
            value=duplicate.reference,
            hint="unmerge it first",
        )
    if survivor.merged_into_id:
        target = survivor.merged_into.reference
        raise StateError(
            f"{survivor.reference} is itself merged into {target}",
            field="other",
            value=survivor.reference,
            hint=f"merge into {target} instead",
        )
    if duplicate.merged_duplicates.exists():
        raise StateError(
            f"other persons are merged into {duplicate.reference}",
            field="person",
            value=duplicate.reference,
            hint=f"merge {survivor.reference} into {duplicate.reference} instead, or unmerge those first",
        )
    link = PersonLink.objects.create(
        person=duplicate,
        other=survivor,
        decision=PersonLink.Decision.merge,
        reason=reason.strip(),
        evidence=_evidence(duplicate, survivor),
        actor=audit.user_or_none(actor),
    )
    _set_merged(
        actor=actor,
        person=duplicate,
        into=survivor,
        action="merge",
        reason=f"merged into {survivor.reference}: {reason}",
    )
    return link


@transaction.atomic
def unmerge(*, actor: Any, duplicate_id: int, reason: str) -> PersonLink:
    """Undo the merge of ``duplicate``: it is again a person of its own, exactly as before the merge."""
    _check(actor, reason, what="undo a merge")
    duplicate = by_id(Person.objects.select_for_update(), duplicate_id, what="person", field="person")
    if not duplicate.merged_into_id:
        raise StateError(
            f"{duplicate.reference} is not merged into another person",
            field="person",
            value=duplicate.reference,
            hint="only a merged person can be unmerged",
        )
    survivor = duplicate.merged_into
    link = PersonLink.objects.create(
        person=duplicate,
        other=survivor,
        decision=PersonLink.Decision.unmerge,
        reason=reason.strip(),
        actor=audit.user_or_none(actor),
    )
    _set_merged(
        actor=actor,
        person=duplicate,
        into=None,
        action="unmerge",
        reason=f"unmerged from {survivor.reference}: {reason}",
    )
    return link


@transaction.atomic
def not_same(*, actor: Any, person_id: int, other_id: int, reason: str) -> PersonLink:
    """Record that two persons are not the same person: the pair is not proposed again."""
    _check(actor, reason, what="say two persons are not the same")
    person, other = _pair(person_id, other_id)
    if (min(person.pk, other.pk), max(person.pk, other.pk)) in duplicates.decided_pairs([person.pk]):
        raise StateError(
            f"{person.reference} and {other.reference} were already found not to be the same person",
            field="other",
            value=other.reference,
        )
    link = PersonLink.objects.create(
        person=person,
        other=other,
        decision=PersonLink.Decision.not_same,
        reason=reason.strip(),
        evidence=_evidence(person, other),
        actor=audit.user_or_none(actor),
    )
    audit.record(
        actor=actor,
        action="create",
        obj=link,
        after=audit.snapshot(link),
        reason=f"{person.reference} and {other.reference} are not the same person: {reason}",
    )
    return link


def history(person: Person) -> list[PersonLink]:
    """Every link decision naming the person, oldest first."""
    from django.db.models import Q

    return list(
        PersonLink.objects.filter(Q(person=person) | Q(other=person)).select_related(
            "person", "other", "actor"
        )
    )
