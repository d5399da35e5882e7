"""Reference families: each relation builds the right pedigree; mistakes are refused by name; audit."""

from __future__ import annotations

from typing import Any

import pytest

from homecoming.app.audit.models import AuditRecord
from homecoming.app.genetics import families
from homecoming.app.genetics.models import FamilyMember
from homecoming.app.genetics.pedigree_view import build_pedigree
from homecoming.errors import NotFound, PedigreeError, StateError, ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def liaison(make_user: Any) -> Any:
    return make_user("family_liaison", "liaison")


@pytest.fixture
def family(liaison: Any, person: Any) -> Any:
    return families.create_family(actor=liaison, persons=[person.pk], label="Shevchenko")


def _records(fam: Any) -> dict[str, dict[str, Any]]:
    live = list(fam.members.filter(removed__isnull=True).order_by("id"))
    ped = build_pedigree(live)
    assert ped.problems() == []
    return {r["id"]: r for r in ped.records()}


def _add(liaison: Any, fam: Any, relation: str, **kw: Any) -> FamilyMember:
    return families.add_relative(actor=liaison, family=fam, relation=relation, **kw)


def test_a_family_starts_with_the_missing_person_with_the_registry_sex(family: Any, person: Any) -> None:
    (mp,) = family.members.all()
    assert (mp.relation, mp.sex, mp.person_id, mp.code) == ("missing", "male", person.pk, "MP1")
    assert family.reference.startswith("RF-")


def test_create_family_names_every_problem(liaison: Any, person: Any) -> None:
    with pytest.raises(ValidationError) as err:
        families.create_family(actor=liaison, persons=[person.pk, person.pk, 999999])
    messages = [p.message for p in err.value.problems]
    assert "names a person twice" in messages and "no registry person with this id" in messages


def test_father_comes_with_an_untyped_mother_and_a_mother_promotes_her(liaison: Any, family: Any) -> None:
    father = _add(liaison, family, "father", display_name="Petro")
    recs = _records(family)
    mp = recs["MP1"]
    assert mp["father"] == father.code and recs[father.code]["sex"] == "male"
    connecting = FamilyMember.objects.get(code=mp["mother"])
    assert connecting.relation == "connecting" and connecting.sex == "female"
    mother = _add(liaison, family, "mother", display_name="Maria")
    assert mother.pk == connecting.pk and mother.relation == "mother" and mother.display_name == "Maria"
    assert len(recs) == 3 == len(_records(family))


def test_full_sibling_shares_both_parents(liaison: Any, family: Any) -> None:
    sib = _add(liaison, family, "full_sibling", sex="female")
    recs = _records(family)
    assert recs[sib.code]["father"] == recs["MP1"]["father"] is not None
    assert recs[sib.code]["mother"] == recs["MP1"]["mother"] is not None
    assert recs[sib.code]["sex"] == "female"


@pytest.mark.parametrize(
    ("relation", "shared"), [("paternal_half_sibling", "father"), ("maternal_half_sibling", "mother")]
)
def test_half_siblings_share_one_parent(liaison: Any, family: Any, relation: str, shared: str) -> None:
    sib = _add(liaison, family, relation)
    recs = _records(family)
    other = "mother" if shared == "father" else "father"
    assert recs[sib.code][shared] == recs["MP1"][shared]
    assert recs[sib.code][other] != recs["MP1"][other]


def test_child_gets_an_untyped_other_parent_and_a_spouse_is_used_when_there_is_one(
    liaison: Any, family: Any
) -> None:
    spouse = _add(liaison, family, "spouse")
    assert spouse.sex == "female"
    child = _add(liaison, family, "child", sex="male")
    recs = _records(family)
    assert (recs[child.code]["father"], recs[child.code]["mother"]) == ("MP1", spouse.code)
    second = _add(liaison, family, "child")
    assert _records(family)[second.code]["mother"] == spouse.code


@pytest.mark.parametrize(
    ("relation", "path"),
    [
        ("paternal_grandfather", ("father", "father")),
        ("paternal_grandmother", ("father", "mother")),
        ("maternal_grandfather", ("mother", "father")),
        ("maternal_grandmother", ("mother", "mother")),
    ],
)
def test_grandparents(liaison: Any, family: Any, relation: str, path: tuple[str, str]) -> None:
    gp = _add(liaison, family, relation)
    recs = _records(family)
    assert recs[recs["MP1"][path[0]]][path[1]] == gp.code
    assert gp.sex == ("male" if path[1] == "father" else "female")


@pytest.mark.parametrize("side", ["paternal", "maternal"])
def test_uncle_and_cousin(liaison: Any, family: Any, side: str) -> None:
    parent_role = "father" if side == "paternal" else "mother"
    uncle = _add(liaison, family, f"{side}_uncle_aunt", sex="female")
    cousin = _add(liaison, family, f"{side}_cousin")
    recs = _records(family)
    parent = recs["MP1"][parent_role]
    assert recs[uncle.code]["father"] == recs[parent]["father"]
    cousin_parents = {recs[cousin.code]["father"], recs[cousin.code]["mother"]}
    connecting_uncle = next(iter(cousin_parents - {None}))
    assert recs[FamilyMember.objects.get(code=connecting_uncle, family=family).code]
    uncle_of_cousin = [c for c in cousin_parents if recs[c]["father"] == recs[parent]["father"]]
    assert len(uncle_of_cousin) == 1
    cousin2 = _add(liaison, family, f"{side}_cousin", through=uncle.pk)
    assert recs[uncle.code]["sex"] == "female"
    assert _records(family)[cousin2.code]["mother"] == uncle.code


def test_a_second_father_is_refused_by_name(liaison: Any, family: Any) -> None:
    first = _add(liaison, family, "father")
    with pytest.raises(ValidationError) as err:
        _add(liaison, family, "father")
    assert str(err.value).startswith(f"relation: MP1 already has a father ({first.code})")


def test_a_father_of_female_sex_is_refused(liaison: Any, family: Any) -> None:
    with pytest.raises(ValidationError) as err:
        _add(liaison, family, "father", sex="female")
    assert "sex: a father must be male" in str(err.value)
    with pytest.raises(ValidationError, match="a maternal grandmother must be female"):
        _add(liaison, family, "maternal_grandmother", sex="male")


def test_the_same_registry_person_twice_is_refused(liaison: Any, family: Any, person: Any) -> None:
    with pytest.raises(ValidationError, match="this registry person is already a member of the family"):
        _add(liaison, family, "full_sibling", person=person.pk)


def test_a_cycle_is_refused_and_nothing_is_written(liaison: Any, family: Any) -> None:
    father = _add(liaison, family, "father")
    child = _add(liaison, family, "child", sex="male")
    before = AuditRecord.objects.count()
    with pytest.raises(PedigreeError, match="is their own ancestor"):
        families.set_parent(actor=liaison, family=family, child=father.pk, role="father", parent=child.pk)
    assert AuditRecord.objects.count() == before
    father.refresh_from_db()
    assert father.father_id is None


def test_set_parent_links_two_missing_brothers(liaison: Any, person: Any, registrar: Any) -> None:
    from homecoming.app.registry import services

    brother = services.create_person(
        actor=registrar,
        data={"sex": "male", "power": "UA"},
        names=[{"family_name": "Шевченко", "given_name": "Іван"}],
    )
    fam = families.create_family(actor=liaison, persons=[person.pk, brother.pk])
    father = _add(liaison, fam, "father")
    mp2 = fam.members.get(code="MP2")
    families.set_parent(actor=liaison, family=fam, child=mp2.pk, role="father", parent=father.pk)
    recs = _records(fam)
    assert recs["MP2"]["father"] == recs["MP1"]["father"] == father.code
    with pytest.raises(ValidationError, match="a mother must be female"):
        families.set_parent(actor=liaison, family=fam, child=mp2.pk, role="mother", parent=father.pk)


def test_removing_a_mistake_removes_the_connecting_members_it_needed(liaison: Any, family: Any) -> None:
    cousin = _add(liaison, family, "paternal_cousin")
    assert len(_records(family)) == 8
    gone = families.remove_member(actor=liaison, member=cousin, reason="wrong family")
    assert cousin.pk in {m.pk for m in gone}
    assert set(_records(family)) == {"MP1"}
    mp = family.members.get(code="MP1")
    assert mp.father_id is None and mp.version > 1


def test_removing_a_parent_keeps_it_as_connecting_while_a_sibling_needs_it(liaison: Any, family: Any) -> None:
    father = _add(liaison, family, "father", display_name="Petro")
    _add(liaison, family, "full_sibling")
    families.remove_member(actor=liaison, member=father)
    father.refresh_from_db()
    assert (father.relation, father.display_name, father.removed) == ("connecting", "", None)


def test_remove_refuses_the_missing_person_and_members_others_hang_on(liaison: Any, family: Any) -> None:
    mp = family.members.get(code="MP1")
    with pytest.raises(StateError, match="the missing person cannot be removed"):
        families.remove_member(actor=liaison, member=mp)
    spouse = _add(liaison, family, "spouse")
    other = _add(liaison, family, "spouse", of=spouse.pk, sex="male")
    with pytest.raises(StateError, match=f"{other.code} hang on {spouse.code}"):
        families.remove_member(actor=liaison, member=spouse)


def test_an_unknown_member_is_not_found(liaison: Any, family: Any) -> None:
    with pytest.raises(NotFound, match="no member with id 999999"):
        _add(liaison, family, "father", of=999999)


def test_every_change_is_audited_with_the_new_version(liaison: Any, family: Any) -> None:
    _add(liaison, family, "full_sibling")
    family.refresh_from_db()
    rec = AuditRecord.objects.filter(object_type="genetics.referencefamily").order_by("-seq").first()
    assert rec is not None and rec.after["version"] == family.version == 2
    assert rec.action == "add relative" and rec.actor_id == liaison.pk
    created = AuditRecord.objects.filter(object_type="genetics.familymember", action="create").count()
    assert created == 4  # the missing person, two connecting parents, the sibling


def test_an_edit_made_on_a_stale_version_is_refused_and_changes_nothing(
    liaison: Any, family: Any, api: Any
) -> None:
    from django.test import Client

    from homecoming.errors import ConflictError

    opened = family.version  # two liaisons open the editor
    father = _add(liaison, family, "father", expected_version=opened)  # the first one adds the father
    members, records = family.members.count(), AuditRecord.objects.count()
    with pytest.raises(ConflictError) as err:
        _add(liaison, family, "mother", expected_version=opened)
    assert "was changed by someone else" in str(err.value) and err.value.hint.startswith("reload")
    with pytest.raises(ConflictError):
        families.remove_member(actor=liaison, member=father, expected_version=opened)
    assert (family.members.count(), AuditRecord.objects.count()) == (members, records)

    page = Client()
    page.force_login(liaison)
    page.post(
        f"/genetics/families/{family.pk}/relatives/",
        {"relation": "mother", "of": family.members.get(relation="missing").pk, "version": opened},
    )
    assert family.members.count() == members
    response = api(liaison).post(
        f"/api/v1/genetics/families/{family.pk}/relatives",
        {"relation": "mother", "expected_version": opened},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "edit_conflict", (
        response.content
    )
    assert family.members.count() == members
    family.refresh_from_db()
    assert _add(liaison, family, "mother", expected_version=family.version).relation == "mother"
