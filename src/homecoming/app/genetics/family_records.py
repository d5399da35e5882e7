"""A reference family's samples, consent and checks.

**Consent.** Consent is given and withdrawn per scope (:class:`ConsentScope`) as insert-only
:class:`ConsentEvent` rows; the consent in force for a scope is the last event of that scope. A family is
*withdrawn* — and left out of every later screen and export, whatever other scope it gave — when its
**domestic** consent has been withdrawn: domestic identification is what every other use builds on, and a
family that withdrew it asked not to be searched. A family that never recorded any consent is in no
scope. :func:`families_in_scope` is the one question exports and screens ask.

**Typed.** A member is typed when one of its reference samples has a usable profile (not excluded).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.genetics.choices import (
    ConsentAction,
    ConsentScope,
    MemberSex,
    ReferenceSampleKind,
    Relation,
)
from homecoming.app.genetics.models import (
    ConsentEvent,
    FamilyMember,
    Profile,
    ReferenceFamily,
    ReferenceSample,
)
from homecoming.app.genetics.pedigree_view import build_pedigree
from homecoming.app.registry.services import allocate
from homecoming.domain.identification_rule import RuleResult, TypedRelative
from homecoming.domain.identification_rule import check as check_rule
from homecoming.errors import Problem, ValidationError


@transaction.atomic
def record_sample(
    *,
    actor: Any,
    member: FamilyMember,
    lab_reference: str,
    kind: str = ReferenceSampleKind.buccal,
    taken_on: dt.date | None = None,
    taken_by: str = "",
) -> ReferenceSample:
    """A reference sample a member gave; ``lab_reference`` (the laboratory's id) must be new."""
    problems = []
    lab_reference = (lab_reference or "").strip()
    if member.removed is not None:
        problems.append(
            Problem("member", "was removed from the family", member.code, "choose a current member")
        )
    if member.relation == Relation.missing:
        problems.append(
            Problem("member", "is the missing person: a reference sample comes from a relative", member.code)
        )
    if not lab_reference:
        problems.append(
            Problem("lab_reference", "is required", lab_reference, "the id on the laboratory's tube")
        )
    elif len(lab_reference) > 64:
        problems.append(Problem("lab_reference", "is longer than 64 characters", lab_reference[:40]))
    else:
        taken = ReferenceSample.objects.filter(lab_reference=lab_reference).first()
        if taken is not None:
            problems.append(
                Problem(
                    "lab_reference",
                    f"is taken by reference sample {taken.reference}",
                    lab_reference,
                    "check the tube's label; each sample has its own laboratory reference",
                )
            )
    if kind not in ReferenceSampleKind.values:
        problems.append(Problem("kind", "is not a sample kind", kind, ", ".join(ReferenceSampleKind.values)))
    if taken_on is not None and taken_on > timezone.localdate():
        problems.append(
            Problem("taken_on", "is in the future", taken_on.isoformat(), "give the day it was taken")
        )
    if problems:
        raise ValidationError.from_problems(problems, "the reference sample")
    year = timezone.now().year
    sample = ReferenceSample(
        reference=f"RS-{year}-{allocate(f'genetics:RS:{year}')[0]:06d}",
        member=member,
        kind=kind,
        lab_reference=lab_reference,
        taken_on=taken_on,
        taken_by=taken_by.strip()[:200],
        recorded_by=audit.user_or_none(actor),
    )
    try:
        with transaction.atomic():
            sample.save(force_insert=True)
    except IntegrityError:  # the same laboratory reference saved at the same moment
        raise ValidationError.from_problems(
            [Problem("lab_reference", "is taken by another reference sample", lab_reference)]
        ) from None
    audit.record(actor=actor, action="create", obj=sample, after=audit.snapshot(sample))
    return sample


def consent_history(family: ReferenceFamily) -> list[ConsentEvent]:
    return list(family.consent_events.select_related("given_by", "recorded_by").order_by("recorded_at", "id"))


def current_consent(family: ReferenceFamily) -> dict[str, ConsentEvent | None]:
    """Each scope with its last event by date (None: never given); an older event entered late does not
    override a newer one (same date: the later recorded)."""
    out: dict[str, ConsentEvent | None] = dict.fromkeys(ConsentScope.values)
    for event in sorted(consent_history(family), key=lambda e: (e.on, e.recorded_at, e.id)):
        out[event.scope] = event
    return out


def in_force(family: ReferenceFamily, scope: str) -> bool:
    last = current_consent(family).get(scope)
    return last is not None and last.action == ConsentAction.given


def is_withdrawn(family: ReferenceFamily) -> bool:
    """Whether the family withdrew its domestic consent (then it is in no scope at all)."""
    last = current_consent(family)[ConsentScope.domestic]
    return last is not None and last.action == ConsentAction.withdrawn


@transaction.atomic
def record_consent(
    *,
    actor: Any,
    family: ReferenceFamily,
    scope: str,
    action: str,
    on: dt.date,
    given_by: int | None = None,
    note: str = "",
) -> ConsentEvent:
    """Give or withdraw consent for one scope (a new insert-only event); withdrawing needs it in force."""
    family = ReferenceFamily.objects.select_for_update().get(pk=family.pk)
    problems = []
    if scope not in ConsentScope.values:
        problems.append(Problem("scope", "is not a consent scope", scope, ", ".join(ConsentScope.values)))
    if action not in ConsentAction.values:
        problems.append(Problem("action", "is not given or withdrawn", action, "use given or withdrawn"))
    if on > timezone.localdate():
        problems.append(Problem("on", "is in the future", on.isoformat(), "give the day of the signature"))
    member = None
    if given_by is not None:
        member = family.members.filter(pk=given_by, removed__isnull=True).first()
        if member is None:
            problems.append(Problem("given_by", f"is not a member of family {family.reference}", given_by))
        elif member.relation in (Relation.missing, Relation.connecting):
            problems.append(
                Problem(
                    "given_by",
                    "consent is given by a relative, not the missing or an untyped member",
                    member.code,
                )
            )
    if not problems and action == ConsentAction.withdrawn and not in_force(family, scope):
        problems.append(
            Problem(
                "scope",
                "has no consent in force to withdraw",
                scope,
                "consent must be given before it is withdrawn",
            )
        )
    if problems:
        raise ValidationError.from_problems(problems, "the consent")
    event = ConsentEvent(
        family=family,
        scope=scope,
        action=action,
        on=on,
        given_by=member,
        note=note,
        recorded_by=audit.user_or_none(actor),
    )
    event.save(force_insert=True)
    audit.record(actor=actor, action=f"consent {action}", obj=event, after=audit.snapshot(event))
    return event


def family_ids_in_scope(scope: str) -> set[int]:
    """The ids of the families whose consent for ``scope`` is in force and who did not withdraw domestic
    consent (each family's last event per scope decides, in date order; one query for all families)."""
    if scope not in ConsentScope.values:
        raise ValidationError.from_problems(
            [Problem("scope", "is not a consent scope", scope, ", ".join(ConsentScope.values))]
        )
    last: dict[tuple[int, str], str] = {}
    events = ConsentEvent.objects.order_by("family_id", "on", "recorded_at", "id").values_list(
        "family_id", "scope", "action"
    )
    for family, event_scope, action in events.iterator(chunk_size=20_000):
        last[(family, event_scope)] = action
    return {
        family
        for (family, event_scope), action in last.items()
        if event_scope == scope
        and action == ConsentAction.given
        and last.get((family, ConsentScope.domestic)) != ConsentAction.withdrawn
    }


def families_in_scope(scope: str) -> QuerySet[ReferenceFamily]:
    """The families whose consent for ``scope`` is in force and who did not withdraw domestic consent.

    Every export and screen of reference families asks this (a withdrawn family is in no scope).
    """
    keep = family_ids_in_scope(scope)
    return ReferenceFamily.objects.filter(pk__in=keep).order_by("reference")


def typed_members(family: ReferenceFamily) -> dict[int, list[Profile]]:
    """Live member id -> its usable reference profiles (members without one are left out)."""
    out: dict[int, list[Profile]] = {}
    profiles = Profile.objects.filter(
        reference_sample__member__family=family,
        reference_sample__member__removed__isnull=True,
        excluded_reason="",
    ).select_related("reference_sample")
    for p in profiles:
        assert p.reference_sample is not None
        out.setdefault(p.reference_sample.member_id, []).append(p)
    return out


def family_problems(family: ReferenceFamily) -> list[Problem]:
    """Every problem that keeps the family from being used for identification (empty: none)."""
    live = list(family.members.filter(removed__isnull=True).order_by("id"))
    problems = []
    if not any(m.relation == Relation.missing for m in live):
        problems.append(Problem("members", "no missing person", family.reference, "add the missing person"))
    typed = typed_members(family)
    if not any(pk in typed for pk in (m.pk for m in live)):
        problems.append(
            Problem(
                "members",
                "no typed relative (no member has a usable DNA profile)",
                family.reference,
                "record a reference sample and import its profile",
            )
        )
    parents = {m.father_id for m in live} | {m.mother_id for m in live}
    for m in live:
        if m.sex == MemberSex.unknown and m.pk in parents:
            problems.append(
                Problem(
                    f"member {m.code}", "is a parent of unknown sex", m.code, "set the sex (father or mother)"
                )
            )
    problems += [p for p in build_pedigree(live).problems() if "has sex unknown" not in p.message]
    return problems


def closeness(live: list[FamilyMember], missing: FamilyMember) -> dict[int, str]:
    """Member id -> its relation to ``missing`` read from the pedigree (first degree only)."""
    out: dict[int, str] = {}
    for m in live:
        if m.pk == missing.pk:
            continue
        if m.pk == missing.father_id:
            out[m.pk] = "father"
        elif m.pk == missing.mother_id:
            out[m.pk] = "mother"
        elif missing.pk in (m.father_id, m.mother_id):
            out[m.pk] = "child"
        elif missing.father_id and (m.father_id, m.mother_id) == (missing.father_id, missing.mother_id):
            out[m.pk] = "full_sibling"
        else:
            out[m.pk] = m.relation
    return out


def rule_check(family: ReferenceFamily) -> list[tuple[FamilyMember, RuleResult]]:
    """The identification rule for each missing person of the family (relations read from the pedigree)."""
    live = list(family.members.filter(removed__isnull=True).order_by("id"))
    typed = typed_members(family)
    out = []
    for missing in (m for m in live if m.relation == Relation.missing):
        rel = closeness(live, missing)
        relatives = [
            TypedRelative.make(m.code, rel[m.pk], {p.method for p in typed.get(m.pk, [])})
            for m in live
            if m.pk in rel
        ]
        out.append((missing, check_rule(relatives)))
    return out
