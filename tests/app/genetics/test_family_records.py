"""A family's consent history, scopes and withdrawal; its problems; the rule read from the pedigree."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from homecoming.app.genetics import families, family_records
from homecoming.app.genetics.models import FamilyMember, Profile
from homecoming.errors import ValidationError

pytestmark = pytest.mark.django_db
D = dt.date(2026, 1, 5)


@pytest.fixture
def liaison(make_user: Any) -> Any:
    return make_user("family_liaison", "liaison")


@pytest.fixture
def family(liaison: Any, person: Any) -> Any:
    return families.create_family(actor=liaison, persons=[person.pk])


def _typed(actor: Any, member: FamilyMember, lab: str, method: str = "autosomal_str") -> None:
    sample = family_records.record_sample(actor=actor, member=member, lab_reference=lab)
    Profile.objects.create(
        reference=f"PR-{lab}",
        kind="reference",
        reference_sample=sample,
        specimen=lab,
        category="reference",
        method=method,
        locus_count=1,
        loci=[{"locus": "TH01", "used": ["6", "9.3"]}],
    )


def test_consent_is_the_last_event_per_scope_and_the_history_keeps_every_event(
    liaison: Any, family: Any
) -> None:
    give = family_records.record_consent
    give(actor=liaison, family=family, scope="domestic", action="given", on=D)
    give(actor=liaison, family=family, scope="icrc", action="given", on=D)
    give(actor=liaison, family=family, scope="icrc", action="withdrawn", on=D, note="by phone")
    give(actor=liaison, family=family, scope="icrc", action="given", on=D)
    current = family_records.current_consent(family)
    assert current["domestic"].action == current["icrc"].action == "given" and current["research"] is None
    assert [e.action for e in family_records.consent_history(family)] == [
        "given",
        "given",
        "withdrawn",
        "given",
    ]
    assert list(family_records.families_in_scope("icrc")) == [family]
    assert list(family_records.families_in_scope("research")) == []


def test_domestic_withdrawal_takes_the_family_out_of_every_scope(liaison: Any, family: Any) -> None:
    for scope in ("domestic", "icmp"):
        family_records.record_consent(actor=liaison, family=family, scope=scope, action="given", on=D)
    family_records.record_consent(actor=liaison, family=family, scope="domestic", action="withdrawn", on=D)
    assert family_records.is_withdrawn(family)
    assert family_records.in_force(family, "icmp")  # the event stands ...
    assert list(family_records.families_in_scope("icmp")) == []  # ... but the family is not used


def test_an_older_consent_entered_late_does_not_override_a_newer_withdrawal(
    liaison: Any, family: Any
) -> None:
    give = family_records.record_consent
    give(actor=liaison, family=family, scope="domestic", action="given", on=D)
    give(actor=liaison, family=family, scope="icmp", action="given", on=D)
    give(actor=liaison, family=family, scope="icmp", action="withdrawn", on=D + dt.timedelta(days=10))
    # a paper form of an earlier date, entered after the withdrawal
    give(actor=liaison, family=family, scope="icmp", action="given", on=D + dt.timedelta(days=3))
    assert family_records.current_consent(family)["icmp"].action == "withdrawn"
    assert not family_records.in_force(family, "icmp")
    assert list(family_records.families_in_scope("icmp")) == []


def test_consent_errors_are_listed_together(liaison: Any, family: Any) -> None:
    with pytest.raises(ValidationError) as err:
        family_records.record_consent(
            actor=liaison,
            family=family,
            scope="nasa",
            action="maybe",
            on=dt.date(2099, 1, 1),
            given_by=999999,
        )
    fields = [p.field for p in err.value.problems]
    assert fields == ["scope", "action", "on", "given_by"]
    with pytest.raises(ValidationError, match="is not a consent scope"):
        family_records.families_in_scope("nasa")


def test_a_sample_of_the_missing_person_is_refused(liaison: Any, family: Any) -> None:
    with pytest.raises(ValidationError, match="is the missing person"):
        family_records.record_sample(actor=liaison, member=family.members.get(), lab_reference="X-1")


def test_problems_of_a_new_family_and_of_a_wrong_parent(liaison: Any, family: Any) -> None:
    problems = [p.message for p in family_records.family_problems(family)]
    assert problems == ["no typed relative (no member has a usable DNA profile)"]
    father = families.add_relative(actor=liaison, family=family, relation="father")
    _typed(liaison, father, "LAB-1")
    assert family_records.family_problems(family) == []
    # a father of female sex (the services refuse it and the table refuses a bare UPDATE): on a copy
    live = list(family.members.filter(removed__isnull=True))
    for m in live:
        if m.pk == father.pk:
            m.sex = "female"
    from homecoming.app.genetics.pedigree_view import build_pedigree

    messages = [p.message for p in build_pedigree(live).problems()]
    assert any("father R2 has sex female" in m for m in messages)


def test_the_rule_reads_relations_from_the_pedigree(liaison: Any, family: Any) -> None:
    sib = families.add_relative(actor=liaison, family=family, relation="full_sibling", sex="male")
    cousin = families.add_relative(actor=liaison, family=family, relation="maternal_cousin")
    _typed(liaison, sib, "LAB-S")
    _typed(liaison, cousin, "LAB-C")
    ((mp, result),) = family_records.rule_check(family)
    assert mp.code == "MP1" and not result.met and result.close_typed == (sib.code,)
    # the connecting father, once typed, is a close relative whatever his label
    father = FamilyMember.objects.get(pk=family.members.get(code="MP1").father_id)
    _typed(liaison, father, "LAB-F")
    ((_mp, result),) = family_records.rule_check(family)
    assert (
        result.met
        and result.route == "two_relatives"
        and result.close_typed == tuple(sorted((sib.code, father.code)))
    )
