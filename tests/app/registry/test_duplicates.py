"""No person is registered twice: exports re-import as the same persons, exact duplicates are refused,
likely ones warned of; merge, unmerge and "not the same" are a person's decisions, audited (issue 14)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from homecoming.app.audit import services as audit_services
from homecoming.app.audit.models import AuditRecord
from homecoming.app.registry import duplicates, merging, services
from homecoming.app.registry.importing import import_persons
from homecoming.app.registry.models import Person, PersonLink, StatusAssertion
from homecoming.app.registry.search import Query, search_persons
from homecoming.cli import app
from homecoming.errors import DuplicatePerson, LikelyDuplicate, PermissionDenied, StateError, ValidationError
from homecoming.io.persons import write_persons

pytestmark = pytest.mark.django_db

KOVALENKO = [{"family_name": "Коваленко", "given_name": "Олександр", "patronymic": "Іванович"}]
DATA = {"sex": "male", "birth_date": "1990-05-17", "service_number": "SN-0042", "unit": "Unit 12"}


def _person(registrar: Any, family: str, given: str, **data: Any) -> Person:
    return services.create_person(
        actor=registrar, data={"sex": "male", **data}, names=[{"family_name": family, "given_name": given}]
    )


def _claim(person: Person, registrar: Any, reviewer: Any, status: str, source: str) -> StatusAssertion:
    claim = services.add_assertion(
        actor=registrar,
        person=person,
        status=status,
        source_type=source,
        source_name=f"{source} list 7",
        source_date=date(2025, 3, 1),
    )
    return services.review_assertion(actor=reviewer, assertion_id=claim.pk, decision="accepted")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    write_persons(rows, path, fmt="csv")
    return path


# --- export, import the export --------------------------------------------------------------------------


@pytest.fixture
def registered(registrar: Any, reviewer: Any) -> list[Person]:
    a = _person(registrar, "Бондаренко", "Андрій", birth_date="1988-02", service_number="SN-1")
    b = _person(registrar, "Мельник", "Тарас", birth_date="1979", unit="Unit 4")
    c = _person(registrar, "Lysenko", "Ivan", age_min=25, age_max=30)
    _claim(a, registrar, reviewer, "captive", "icrc")
    _claim(b, registrar, reviewer, "confirmed_dead", "forensic_report")
    for p in (a, b, c):
        p.refresh_from_db()
    return [a, b, c]


def test_an_export_imports_again_without_a_new_person_and_keeps_every_status(
    registered: list[Person], registrar: Any, tmp_path: Path
) -> None:
    out = tmp_path / "all.csv"
    result = CliRunner().invoke(app, ["export", "persons", str(out)])
    assert result.exit_code == 0, result.output
    rows = _read(out)
    assert [(r["reference"], r["status"], r["status_source_type"]) for r in rows] == [
        (registered[0].reference, "captive", "icrc"),
        (registered[1].reference, "confirmed_dead", "forensic_report"),
        (registered[2].reference, "", ""),
    ]
    persons, claims = Person.objects.count(), StatusAssertion.objects.count()
    again = CliRunner().invoke(app, ["import", "persons", str(out)])
    assert again.exit_code == 0, again.output
    said = " ".join(again.output.split())
    assert "3 rows checked; imported 0 persons" in said
    assert "3 already registered (unchanged, skipped); 0 registered but different" in said
    assert (Person.objects.count(), StatusAssertion.objects.count()) == (persons, claims)
    assert [Person.objects.get(pk=p.pk).current_status for p in registered] == [
        "captive",
        "confirmed_dead",
        "unknown",
    ]


def test_rows_that_differ_are_conflicts_and_nothing_is_written_for_them(
    registered: list[Person], registrar: Any, tmp_path: Path
) -> None:
    out = tmp_path / "all.csv"
    assert CliRunner().invoke(app, ["export", "persons", str(out)]).exit_code == 0
    rows = _read(out)
    rows[0]["unit"] = "Unit 99"
    rows[1]["status"], rows[1]["status_source_type"] = "believed_dead", "family"
    rows.append({"family_name": "Новак", "given_name": "Юрій", "birth_date": "1999"})
    report = import_persons(actor=registrar, path=_write(tmp_path / "edited.csv", rows))
    assert (report.rows, report.persons, len(report.unchanged)) == (4, 1, 1)
    assert [str(c) for c in report.conflicts] == [
        f"row 2: {registered[0].reference} (recognised by reference) differs in unit",
        f"row 3: {registered[1].reference} (recognised by reference) differs in status",
    ]
    assert Person.objects.get(pk=registered[0].pk).unit == ""
    assert not StatusAssertion.objects.filter(status="believed_dead").exists()
    assert Person.objects.count() == 4


def test_a_list_row_is_recognised_by_its_recorded_external_id_or_as_an_exact_duplicate(
    registrar: Any, tmp_path: Path
) -> None:
    first = [{"external_id": "UA-7", "family_name": "Ткаченко", "given_name": "Роман", "birth_date": "1980"}]
    import_persons(actor=registrar, path=_write(tmp_path / "a.csv", first))
    person = _person(registrar, "Savchenko", "Oleh", birth_date="1985-01-02", service_number="AB 123")
    later = [
        {"external_id": "UA-7", "family_name": "Ткаченко", "given_name": "Роман"},
        # the same person in Cyrillic: the same name keys, birth date and service number
        {
            "family_name": "Савченко",
            "given_name": "Олег",
            "birth_date": "02.01.1985",
            "service_number": "ab123",
        },
    ]
    report = import_persons(actor=registrar, path=_write(tmp_path / "b.csv", later))
    assert report.persons == 0
    assert [(m.by, m.reference) for m in report.unchanged] == [
        ("external_id", Person.objects.get(names__family_name="Ткаченко").reference),
        ("exact duplicate", person.reference),
    ]
    assert Person.objects.count() == 2


# --- creating a person ------------------------------------------------------------------------------------


def test_an_exact_duplicate_is_refused_by_name_unless_confirmed_with_a_reason(registrar: Any) -> None:
    first = services.create_person(actor=registrar, data=DATA, names=KOVALENKO)
    latin = [{"family_name": "KOVALENKO", "given_name": "Oleksandr", "patronymic": "Ivanovych"}]
    with pytest.raises(DuplicatePerson) as caught:
        services.create_person(actor=registrar, data=DATA | {"service_number": "sn-0042"}, names=latin)
    assert caught.value.code == "duplicate_person"
    assert caught.value.field == "service_number"
    assert caught.value.candidates == [first.reference]
    assert f"open {first.reference}" in caught.value.hint
    assert Person.objects.count() == 1
    with pytest.raises(DuplicatePerson):  # confirming needs a reason
        services.create_person(actor=registrar, data=DATA, names=latin, not_duplicate=True)
    second = services.create_person(
        actor=registrar, data=DATA, names=latin, not_duplicate=True, reason="twin brother, checked the card"
    )
    record = AuditRecord.objects.get(object_type="registry.person", object_id=str(second.pk), action="create")
    assert (
        record.reason
        == f"twin brother, checked the card (confirmed a different person from {first.reference})"
    )


def test_a_likely_duplicate_is_warned_of_with_the_evidence_and_saved_once_confirmed(registrar: Any) -> None:
    first = services.create_person(actor=registrar, data=DATA, names=KOVALENKO)
    russian = [{"family_name": "Коваленко", "given_name": "Александр"}]
    found = duplicates.likely_duplicates({"birth_date": "1990"}, russian)
    assert [c.person.reference for c in found] == [first.reference]
    assert {"family_name", "given_name", "birth_date"} <= set(found[0].agreeing())
    # without the warning (an import, the demo) nothing is asked
    with pytest.raises(LikelyDuplicate) as caught:
        services.create_person(actor=registrar, data={"birth_date": "1990"}, names=russian, warn_likely=True)
    assert caught.value.code == "likely_duplicate"
    assert caught.value.candidates == [first.reference]
    services.create_person(
        actor=registrar, data={"birth_date": "1990"}, names=russian, warn_likely=True, not_duplicate=True
    )
    # a brother (another given name, another birth date) is no candidate
    assert (
        duplicates.likely_duplicates(
            {"birth_date": "1995-01-01"}, [{"family_name": "Коваленко", "given_name": "Петро"}]
        )
        == []
    )


def test_the_api_refuses_an_exact_duplicate_and_warns_of_a_likely_one(registrar: Any, api: Any) -> None:
    first = services.create_person(actor=registrar, data=DATA, names=KOVALENKO)
    client = api(registrar)
    body = {**DATA, "names": KOVALENKO}
    r = client.post("/api/v1/persons", body, content_type="application/json")
    assert r.status_code == 409
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("duplicate_person", "service_number")
    assert error["problems"][0]["value"] == first.reference
    likely = {"birth_date": "1990", "names": [{"family_name": "Kovalenko", "given_name": "Oleksandr"}]}
    r = client.post("/api/v1/persons", likely, content_type="application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "likely_duplicate"
    r = client.post("/api/v1/persons", likely | {"not_duplicate": True}, content_type="application/json")
    assert r.status_code == 201, r.content


# --- merge, unmerge, not the same -------------------------------------------------------------------------


def test_merge_marks_the_duplicate_and_unmerge_restores_it_exactly(registrar: Any, reviewer: Any) -> None:
    survivor = services.create_person(actor=registrar, data=DATA, names=KOVALENKO)
    dup = _person(registrar, "Kovalenko", "Oleksandr", birth_date="1990")
    before = {
        f.attname: getattr(dup, f.attname)
        for f in Person._meta.concrete_fields
        if f.attname not in ("version", "updated")
    }
    with pytest.raises(ValidationError, match="reason"):
        merging.merge(actor=reviewer, duplicate_id=dup.pk, survivor_id=survivor.pk, reason=" ")
    link = merging.merge(
        actor=reviewer, duplicate_id=dup.pk, survivor_id=survivor.pk, reason="same card number"
    )
    assert link.decision == "merge" and "family_name" in link.evidence["agree"]
    dup.refresh_from_db()
    assert dup.merged_into_id == survivor.pk
    assert [p.pk for p in search_persons(Query(text="Kovalenko"))] == [survivor.pk]
    with pytest.raises(StateError, match="already merged"):
        merging.merge(actor=reviewer, duplicate_id=dup.pk, survivor_id=survivor.pk, reason="again")
    merging.unmerge(actor=registrar, duplicate_id=dup.pk, reason="different fathers after all")
    dup.refresh_from_db()
    after = {
        f.attname: getattr(dup, f.attname)
        for f in Person._meta.concrete_fields
        if f.attname not in ("version", "updated")
    }
    assert after == before
    assert list(PersonLink.objects.values_list("decision", flat=True)) == ["merge", "unmerge"]
    actions = AuditRecord.objects.filter(object_type="registry.person", object_id=str(dup.pk)).values_list(
        "action", flat=True
    )
    assert list(actions)[-2:] == ["merge", "unmerge"]
    report = audit_services.verify()
    assert report.ok, report.breaks


def test_a_pair_said_not_the_same_is_not_proposed_again(registrar: Any, reviewer: Any, auditor: Any) -> None:
    a = services.create_person(actor=registrar, data=DATA, names=KOVALENKO)
    b = _person(registrar, "Коваленко", "Олександр", birth_date="1990")
    pairs = duplicates.candidate_pairs()
    assert [(p.left.pk, p.right.pk) for p in pairs] == [(a.pk, b.pk)]
    assert duplicates.candidate_pairs(skip=[pairs[0].key]) == []
    with pytest.raises(PermissionDenied):
        merging.not_same(actor=auditor, person_id=a.pk, other_id=b.pk, reason="no")
    merging.not_same(actor=registrar, person_id=b.pk, other_id=a.pk, reason="different units and fathers")
    assert duplicates.candidate_pairs() == []
    assert AuditRecord.objects.filter(object_type="registry.personlink").count() == 1


# --- pages --------------------------------------------------------------------------------------------------


def _form(names: list[dict[str, str]], **fields: str) -> dict[str, str]:
    data = {"names-TOTAL_FORMS": "3", "names-INITIAL_FORMS": "0", "sex": "male", "transliterate": "off"}
    for i, form in enumerate(names):
        data |= {f"names-{i}-{k}": v for k, v in form.items()}
    return data | fields


def test_the_form_shows_the_registered_person_and_saves_only_once_confirmed(
    client: Any, registrar: Any
) -> None:
    first = services.create_person(actor=registrar, data=DATA, names=KOVALENKO)
    client.force_login(registrar)
    page = client.post("/registry/persons/new/", _form(KOVALENKO, **DATA))
    body = page.content.decode()
    assert page.status_code == 200 and 'id="duplicates"' in body
    assert first.reference in body and 'name="duplicate_reason"' in body
    assert Person.objects.count() == 1
    confirmed = _form(
        KOVALENKO, **DATA, not_duplicate="on", duplicate_reason="another father, checked the card"
    )
    assert client.post("/registry/persons/new/", confirmed).status_code == 302
    assert Person.objects.count() == 2
    likely = _form([{"family_name": "Kovalenko", "given_name": "Oleksandr"}], birth_date="1990")
    assert 'id="duplicates"' in client.post("/registry/persons/new/", likely).content.decode()
    assert client.post("/registry/persons/new/", likely | {"not_duplicate": "on"}).status_code == 302


def test_the_queue_merges_and_the_person_page_says_merged_into_and_unmerges(
    client: Any, registrar: Any
) -> None:
    a = services.create_person(actor=registrar, data=DATA, names=KOVALENKO)
    b = _person(registrar, "Kovalenko", "Oleksandr", birth_date="1990")
    client.force_login(registrar)
    queue = client.get("/registry/duplicates/").content.decode()
    assert a.reference in queue and b.reference in queue and "Kovalenko" in queue
    decide = {"left": a.pk, "right": b.pk, "reason": "the same card"}
    client.post("/registry/duplicates/decide/", decide | {"decision": "later"})
    assert b.reference not in client.get("/registry/duplicates/").content.decode()
    client.post("/registry/duplicates/decide/", decide | {"decision": "merge_right"})
    assert Person.objects.get(pk=b.pk).merged_into_id == a.pk
    page = client.get(f"/registry/persons/{b.pk}/").content.decode()
    assert 'id="merged"' in page and a.reference in page
    assert f"/registry/persons/{b.pk}/edit/" not in page  # the survivor is the record to change
    assert f"/registry/persons/{a.pk}/edit/" in client.get(f"/registry/persons/{a.pk}/").content.decode()
    duplicate = Person.objects.get(pk=b.pk)
    with pytest.raises(StateError, match=f"merged into {a.reference}: change {a.reference} instead"):
        services.update_person(
            actor=registrar, person_id=b.pk, expected_version=duplicate.version, data={"sex": "male"}
        )
    assert b.reference in client.get(f"/registry/persons/{a.pk}/").content.decode()
    found = client.get("/registry/search/", {"q": "Kovalenko"}).content.decode()
    assert a.reference in found and b.reference not in found
    assert (
        b.reference
        in client.get("/registry/search/", {"q": "Kovalenko", "include_merged": "on"}).content.decode()
    )
    client.post(f"/registry/persons/{b.pk}/unmerge/", {"reason": "different fathers"})
    assert Person.objects.get(pk=b.pk).merged_into_id is None


def test_the_api_lists_pairs_and_merges_unmerges_and_rejects(
    registrar: Any, reviewer: Any, auditor: Any, api: Any
) -> None:
    a = services.create_person(actor=registrar, data=DATA, names=KOVALENKO)
    b = _person(registrar, "Kovalenko", "Oleksandr", birth_date="1990")
    client = api(reviewer)
    pairs = client.get("/api/v1/duplicates").json()
    assert [(p["left"]["reference"], p["right"]["reference"]) for p in pairs] == [(a.reference, b.reference)]
    assert {"field": "family_name", "outcome": "agree", "left": "Коваленко", "right": "Kovalenko"} in pairs[
        0
    ]["evidence"]
    assert api(auditor).get("/api/v1/duplicates").status_code == 403
    r = client.post(
        f"/api/v1/persons/{b.pk}/merge", {"into": a.pk, "reason": "same"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["decision"] == "merge"
    assert client.get(f"/api/v1/persons/{b.pk}").json()["merged_into"] == a.reference
    assert [p["id"] for p in client.get("/api/v1/persons?q=Kovalenko").json()] == [a.pk]
    r = client.post(f"/api/v1/persons/{b.pk}/unmerge", {"reason": ""}, content_type="application/json")
    assert r.status_code == 422 and r.json()["error"]["field"] == "reason"
    client.post(f"/api/v1/persons/{b.pk}/unmerge", {"reason": "no"}, content_type="application/json")
    r = client.post(
        f"/api/v1/persons/{a.pk}/not-same",
        {"other": b.pk, "reason": "brothers"},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert client.get("/api/v1/duplicates").json() == []
