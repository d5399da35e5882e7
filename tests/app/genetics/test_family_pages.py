"""Family pages: the pedigree editor, consent, roles; no alleles on any family page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from homecoming.app.audit.models import AuditRecord
from homecoming.app.genetics import families, family_records
from homecoming.app.genetics.models import FamilyMember, Profile

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def liaison(make_user: Any) -> Any:
    return make_user("family_liaison", "liaison")


@pytest.fixture
def family(liaison: Any, person: Any) -> Any:
    return families.create_family(actor=liaison, persons=[person.pk], label="Shevchenko")


def _typed(
    liaison: Any, member: FamilyMember, lab: str, methods: tuple[str, ...] = ("autosomal_str",)
) -> None:
    sample = family_records.record_sample(actor=liaison, member=member, lab_reference=lab)
    for k, method in enumerate(methods):
        Profile.objects.create(
            reference=f"PR-{lab}-{k}",
            kind="reference",
            reference_sample=sample,
            specimen=lab,
            category="father",
            method=method,
            locus_count=2,
            loci=[
                {"locus": "D3S1358", "used": ["15", "16"], "written": ["15", "16"], "flags": []},
                {"locus": "TH01", "used": ["6", "9.3"], "written": ["6", "9.3"], "flags": []},
            ],
            flags=["low_quantity"],
        )


def test_the_liaison_builds_the_pedigree_on_the_page(liaison: Any, family: Any) -> None:
    c = client_for(liaison)
    mp = family.members.get()
    page = c.get(f"/genetics/families/{family.pk}/")
    assert page.status_code == 200 and b'<svg id="pedigree"' in page.content
    for relation, sex in (("father", ""), ("mother", ""), ("full_sibling", "female")):
        got = c.post(
            f"/genetics/families/{family.pk}/relatives/",
            {"of": mp.pk, "relation": relation, "sex": sex, "display_name": f"name {relation}"},
        )
        assert got.status_code == 302
    page = c.get(f"/genetics/families/{family.pk}/")
    text = page.content.decode()
    assert text.count('class="member"') == 4 and "<rect" in text and "<circle" in text
    again = c.post(
        f"/genetics/families/{family.pk}/relatives/", {"of": mp.pk, "relation": "father"}, follow=True
    )
    assert "already has a father" in again.content.decode()


def test_opening_a_family_is_recorded_in_the_audit_trail(liaison: Any, family: Any) -> None:
    client_for(liaison).get(f"/genetics/families/{family.pk}/")
    rec = AuditRecord.objects.filter(action="view", object_type="genetics.referencefamily").get()
    assert rec.actor_id == liaison.pk and rec.object_id == str(family.pk)


def test_consent_given_and_withdrawn_on_the_page(liaison: Any, family: Any) -> None:
    c = client_for(liaison)
    father = families.add_relative(actor=liaison, family=family, relation="father")
    for action in ("given", "withdrawn"):
        got = c.post(
            f"/genetics/families/{family.pk}/consent/",
            {"scope": "domestic", "action": action, "on": "2026-01-05", "given_by": father.pk, "note": ""},
        )
        assert got.status_code == 302
    page = c.get(f"/genetics/families/{family.pk}/").content.decode()
    assert "consent withdrawn: excluded from screens and exports" in page
    assert page.count("2026-01-05") >= 2
    assert list(family_records.families_in_scope("domestic")) == []


def test_no_allele_on_the_family_page_for_anyone(liaison: Any, family: Any, make_user: Any) -> None:
    father = families.add_relative(actor=liaison, family=family, relation="father")
    _typed(liaison, father, "LAB-1")
    for role in ("family_liaison", "dna_analyst", "identification_reviewer", "auditor"):
        user = liaison if role == "family_liaison" else make_user(role)
        page = client_for(user).get(f"/genetics/families/{family.pk}/")
        assert page.status_code == 200, role
        text = page.content.decode()
        assert "9.3" not in text and "D3S1358" not in text, role
        assert "LAB-1" in text
    assert "low_quantity" in client_for(liaison).get(f"/genetics/families/{family.pk}/").content.decode()


@pytest.mark.parametrize("role", ["registrar", "forensic_examiner", "exchange_coordinator"])
def test_roles_without_families_are_refused(make_user: Any, family: Any, role: str) -> None:
    c = client_for(make_user(role, f"{role}-2"))
    assert c.get(f"/genetics/families/{family.pk}/").status_code == 403
    assert c.get("/genetics/families/").status_code == 403


def test_the_auditor_reads_but_cannot_change(auditor: Any, family: Any) -> None:
    c = client_for(auditor)
    page = c.get(f"/genetics/families/{family.pk}/").content.decode()
    assert 'id="add-relative"' not in page and 'id="consent-form"' not in page
    mp = family.members.get()
    assert (
        c.post(f"/genetics/families/{family.pk}/relatives/", {"of": mp.pk, "relation": "father"}).status_code
        == 403
    )


def test_the_rule_is_shown(liaison: Any, family: Any) -> None:
    father = families.add_relative(actor=liaison, family=family, relation="father")
    _typed(liaison, father, "LAB-1", ("autosomal_str", "y_str"))
    page = client_for(liaison).get(f"/genetics/families/{family.pk}/").content.decode()
    assert "one close relative typed with two methods" in page


def test_the_list_and_create(liaison: Any, person: Any) -> None:
    c = client_for(liaison)
    got = c.post("/genetics/families/new/", {"persons": person.reference, "label": "X"})
    assert got.status_code == 302
    page = c.get("/genetics/families/").content.decode()
    assert person.reference in page


def test_the_next_donor_ranking_is_shown_without_genotypes(liaison: Any, family: Any) -> None:
    father = families.add_relative(actor=liaison, family=family, relation="father")
    _typed(liaison, father, "LAB-1")
    c = client_for(liaison)
    assert b"Compute the ranking" in c.get(f"/genetics/families/{family.pk}/").content
    text = c.get(f"/genetics/families/{family.pk}/?rank=1").content.decode()
    assert "Probability in percent that the true missing person reaches LR" in text
    assert "full sibling" in text and "today (no additional donor)" in text
    assert "9.3" not in text and "D3S1358" not in text


CONSENT_NOTE = "note-Bramblewood-44"


@pytest.mark.parametrize(
    "role",
    [
        "registrar",
        "exchange_coordinator",
        "forensic_examiner",
        "dna_analyst",
        "identification_reviewer",
        "family_liaison",
        "auditor",
        "admin",
    ],
)
def test_every_role_sees_on_the_family_page_and_api_only_what_it_may(
    role: str, make_user: Any, person: Any, api: Any
) -> None:
    from homecoming.app.accounts.roles import Role, all_role_permissions

    actor = make_user("family_liaison", "builder")
    fam = families.create_family(actor=actor, persons=[person.pk])
    father = families.add_relative(actor=actor, family=fam, relation="father")
    _typed(actor, father, "LAB-M")
    family_records.record_consent(
        actor=actor, family=fam, scope="icrc", action="given", on=dt.date(2026, 1, 2), note=CONSENT_NOTE
    )
    user = make_user(role, f"matrix-{role}")
    perms = None if role == "admin" else set(all_role_permissions()[Role(role)])

    def holds(p: str) -> bool:
        return perms is None or p in perms

    page = client_for(user).get(f"/genetics/families/{fam.pk}/")
    body = api(user).get(f"/api/v1/genetics/families/{fam.pk}")
    if not holds("genetics.view_referencefamily"):
        assert page.status_code == 403 and body.status_code == 403
        return
    text, data = page.content.decode(), body.content.decode()
    assert page.status_code == 200 and body.status_code == 200
    for shown in (text, data):
        assert (CONSENT_NOTE in shown) == holds("genetics.view_consentevent")
        assert ("PR-LAB-M-0" in shown) == holds("genetics.view_profile"), role
        assert "9.3" not in shown and "D3S1358" not in shown
    export = client_for(user).get("/genetics/families/export.fam?scope=icrc")
    assert (export.status_code == 200) == holds("genetics.view_genotype")


def test_the_list_is_a_page_at_a_time_and_finds_a_family(liaison: Any, person: Any, registrar: Any) -> None:
    """A national registry holds 100,000 families: the list shows FAMILY_ROWS at a time (it used to load
    every family with its members, and failed with 2,000), and finds one by reference, label or person."""
    from homecoming.app.genetics.family_views import FAMILY_ROWS
    from homecoming.app.genetics.models import ReferenceFamily
    from homecoming.app.registry import services

    other = services.create_person(
        actor=registrar, data={"sex": "male", "birth_date": "1990"}, names=[{"family_name": "Бондар"}]
    )
    made = [
        families.create_family(
            actor=liaison, persons=[person.pk if k == 0 else other.pk], label=f"Family {k:03}"
        )
        for k in range(FAMILY_ROWS + 3)
    ]
    c = client_for(liaison)
    first = c.get("/genetics/families/").content.decode()
    assert (
        first.count('href="/genetics/families/') - first.count('href="/genetics/families/new')
        <= FAMILY_ROWS + 2
    )
    assert f"{FAMILY_ROWS + 3} families" in first and 'rel="next"' in first
    second = c.get("/genetics/families/?page=2").content.decode()
    last = ReferenceFamily.objects.order_by("reference").last()
    assert last is not None and last.reference in second and last.reference not in first
    found = c.get("/genetics/families/", {"q": person.reference}).content.decode()
    assert made[0].reference in found and "1 family" in found and made[1].reference not in found
    by_label = c.get("/genetics/families/", {"q": "Family 002"}).content.decode()
    assert made[2].reference in by_label and made[3].reference not in by_label
    none = c.get("/genetics/families/", {"q": "nothing-like-this"}).content.decode()
    assert "No reference family matches." in none
    head = first.split("</title>")[0]
    assert "<section" not in head  # the title is the page's name, not the export form
