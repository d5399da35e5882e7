"""PFIF 1.4 export and import against the registry: the round trip creates nothing new, a file written by
others imports, what is not disclosed stays out, and a bad record stops the whole import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from homecoming.app.audit.models import AuditRecord
from homecoming.app.registry import services
from homecoming.app.registry.models import ExternalRecord, Person, StatusAssertion
from homecoming.app.registry.pfif import export_records, import_pfif
from homecoming.cli import app
from homecoming.errors import ImportFileError
from homecoming.io.pfif import read_pfif, write_pfif

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parents[2] / "io" / "data"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">\n'


@pytest.fixture(autouse=True)
def _domain(settings: Any) -> None:
    settings.PFIF_DOMAIN = "bureau.example.org"
    settings.ORGANISATION = "Synthetic Bureau"


@pytest.fixture
def registry(reviewer: Any) -> list[Person]:
    from datetime import date

    a = services.create_person(
        actor=None,
        data={
            "sex": "male",
            "birth_date": "1990-05",
            "citizenship": "UA",
            "notes": "family phone 000",
            "distinguishing_marks": "scar",
            "service_number": "SN-777123",
        },
        names=[
            {"family_name": "Тестенко", "given_name": "Андрій", "patronymic": "Петрович"},
            {"family_name": "Testenko", "given_name": "Andrii", "script": "latin", "kind": "transliteration"},
        ],
    )
    b = services.create_person(
        actor=None, data={"age_min": 30, "age_max": 35}, names=[{"family_name": "Пробенко"}]
    )
    claim = services.add_assertion(
        actor=None,
        person=a,
        status="confirmed_dead",
        source_type="forensic_report",
        source_name="report 1",
        source_date=date(2025, 1, 2),
        evidence="DNA match, LR 1e12",
    )
    services.review_assertion(actor=reviewer, assertion_id=claim.pk, decision="accepted")
    services.add_assertion(  # not reviewed: not exported
        actor=None,
        person=b,
        status="captive",
        source_type="family",
        source_name="letter",
        source_date=date(2025, 1, 3),
    )
    return [a, b]


def test_export_writes_the_disclosed_fields_and_accepted_claims_as_notes(registry: list[Person]) -> None:
    a, _ = registry
    data = write_pfif(export_records())
    doc = read_pfif(data)
    first, second = doc.persons
    assert first.person_record_id == f"bureau.example.org/person.{a.reference}"
    assert (first.full_name, first.given_name, first.family_name) == (
        "Андрій Петрович Тестенко",
        "Андрій Петрович",
        "Тестенко",
    )
    assert first.alternate_names == ("Andrii Testenko",)
    assert (first.sex, first.date_of_birth, first.home_country) == ("male", "1990-05", "UA")
    assert second.age == "30-35" and second.sex == ""
    (note,) = first.notes
    assert note.status == "believed_dead" and note.author_name == "Synthetic Bureau"
    assert note.source_date == "2025-01-02T00:00:00Z"
    assert second.notes == ()  # the captive claim is not reviewed
    text = data.decode("utf-8")
    for secret in ("family phone", "scar", "777123", "DNA match", "letter"):
        assert secret not in text


def test_export_then_import_creates_no_new_persons_or_claims(registry: list[Person]) -> None:
    data = write_pfif(export_records())
    persons, claims, audited = (
        Person.objects.count(),
        StatusAssertion.objects.count(),
        AuditRecord.objects.count(),
    )
    report = import_pfif(actor=None, data=data, name="ours.xml")
    assert (report.new_persons, report.known_persons, report.new_claims, report.known_notes) == (0, 2, 0, 1)
    assert (Person.objects.count(), StatusAssertion.objects.count(), AuditRecord.objects.count()) == (
        persons,
        claims,
        audited,
    )


def test_a_file_written_by_others_imports_once_and_again_creates_nothing(reviewer: Any) -> None:
    data = (DATA / "personfinder-test.pfif-1.4.xml").read_bytes()
    report = import_pfif(actor=None, data=data, name="personfinder.xml")
    assert (report.persons, report.notes, report.new_persons, report.new_claims) == (1, 4, 1, 3)
    assert report.notes_without_status == 1
    person = Person.objects.get()
    forms = list(person.names.order_by("position"))
    assert (forms[0].family_name, forms[0].given_name) == ("_test_family_name", "_test_given_name")
    assert [f.kind for f in forms[1:]] == ["alias", "alias"]
    assert (person.sex, person.birth_date, person.citizenship) == ("female", "1970-01", "US")
    claims = StatusAssertion.objects.filter(person=person).order_by("source_date", "pk")
    assert [c.status for c in claims] == ["missing", "alive", "missing"]  # is_note_author: alive
    assert {c.review_state for c in claims} == {"submitted"}  # for review, never accepted by the import
    assert {c.source_type for c in claims} == {"other_party_list"}
    assert ExternalRecord.objects.filter(kind="person").get().record_id == "test.google.com/person.21009"
    stored = " ".join(str(r.after) for r in AuditRecord.objects.all())
    for contact in ("@", "_test_author_phone", "_test_home_street", "_test_photo_url", "_test_description"):
        assert contact not in stored  # contacts, address, photo, description are not kept

    again = import_pfif(actor=None, data=data, name="personfinder.xml")
    assert (again.new_persons, again.known_persons, again.new_claims, again.known_notes) == (0, 1, 0, 3)
    assert Person.objects.count() == 1 and StatusAssertion.objects.count() == 3

    exported = read_pfif(write_pfif(export_records()))  # a clone keeps its original record id
    assert exported.persons[0].person_record_id == "test.google.com/person.21009"


def test_one_bad_record_imports_nothing_and_is_named() -> None:
    data = (
        HEAD
        + """<pfif:person><pfif:person_record_id>other.example.org/p.1</pfif:person_record_id>
        <pfif:full_name>Good Person</pfif:full_name></pfif:person>
        <pfif:person><pfif:person_record_id>other.example.org/p.2</pfif:person_record_id>
        <pfif:given_name>Андрій</pfif:given_name><pfif:family_name>TeстенкоX</pfif:family_name></pfif:person>
        <pfif:person><pfif:person_record_id>bureau.example.org/person.P-9999999</pfif:person_record_id>
        <pfif:full_name>Not Here</pfif:full_name></pfif:person>
        <pfif:note><pfif:note_record_id>other.example.org/n.1</pfif:note_record_id>
        <pfif:person_record_id>other.example.org/p.404</pfif:person_record_id>
        <pfif:status>believed_dead</pfif:status><pfif:text>seen</pfif:text></pfif:note>
        </pfif:pfif>"""
    ).encode("utf-8")
    audited = AuditRecord.objects.count()
    with pytest.raises(ImportFileError) as caught:
        import_pfif(actor=None, data=data, name="bad.xml")
    text = str(caught.value)
    assert "P-9999999].person_record_id: is in this registry's own PFIF domain" in text
    assert "give each installation its own HOMECOMING_PFIF_DOMAIN" in text
    assert "note[other.example.org/n.1].person_record_id: names a person that is neither in the file" in text
    assert (
        "person[other.example.org/p.2].full_name: mixes Latin and Cyrillic letters in one word "
        "(got 'TeстенкоX')" in text
    )
    assert text.startswith("3 problems in bad.xml (nothing imported)")
    assert Person.objects.count() == 0 and ExternalRecord.objects.count() == 0
    assert AuditRecord.objects.count() == audited


def test_dry_run_writes_nothing() -> None:
    data = (DATA / "personfinder-test.pfif-1.4.xml").read_bytes()
    report = import_pfif(actor=None, data=data, name="personfinder.xml", dry_run=True)
    assert report.new_persons == 1 and report.dry_run
    assert Person.objects.count() == 0 and AuditRecord.objects.count() == 0


def test_the_cli_exports_and_imports(registry: list[Person], tmp_path: Path) -> None:
    out = tmp_path / "ours.xml"
    exported = CliRunner().invoke(app, ["export", "pfif", str(out)])
    assert exported.exit_code == 0 and "exported 2 persons and 1 notes" in exported.output
    again = CliRunner().invoke(app, ["import", "pfif", str(out)])
    assert again.exit_code == 0, again.output
    assert "imported 0 new persons and 0 status claims" in again.output
    bad = tmp_path / "bad.xml"
    bad.write_text(
        HEAD + "<pfif:person><pfif:full_name>X</pfif:full_name></pfif:person></pfif:pfif>", encoding="utf-8"
    )
    refused = CliRunner().invoke(app, ["import", "pfif", str(bad)])
    assert refused.exit_code == 2
    assert "person[1].person_record_id: is required" in refused.stderr


APOSTROPHE_NAMES = [("Демʼян", "Деʼмченко"), ("Мар’яна", "Пʼятак"), ("Дар'я", "Сем'юк-Smith")]


def test_names_with_apostrophes_go_from_one_registry_to_another(settings: Any, tmp_path: Path) -> None:
    """ʼ (U+02BC), ’ and ' and a hyphen are no letters of another script: exported by one registry, the
    names import into a second one (here: the first registry's rows rolled back, another domain)."""
    from django.db import transaction

    settings.PFIF_DOMAIN = "first.example"
    with transaction.atomic():
        for given, family in APOSTROPHE_NAMES:
            services.create_person(
                actor=None, data={"sex": "female"}, names=[{"family_name": family, "given_name": given}]
            )
        exported = write_pfif(export_records())
        transaction.set_rollback(True)
    assert Person.objects.count() == 0
    settings.PFIF_DOMAIN = "second.example"
    report = import_pfif(actor=None, data=exported, name="exp.xml")
    assert report.new_persons == 3
    got = {(f.given_name, f.family_name) for p in Person.objects.all() for f in p.names.all()}
    assert got == set(APOSTROPHE_NAMES)
    mixed = exported.replace("Деʼмченко".encode(), "Деʼмchenko".encode()).replace(b"first.", b"other.")
    with pytest.raises(ImportFileError) as caught:
        import_pfif(actor=None, data=mixed, name="mixed.xml")
    assert "mixes Latin and Cyrillic letters in one word (got 'Деʼмchenko')" in str(caught.value)


def test_many_problems_are_listed_twenty_and_counted(settings: Any) -> None:
    records = "".join(
        f"<pfif:person><pfif:person_record_id>bureau.example.org/person.P-{n:07d}</pfif:person_record_id>"
        f"<pfif:full_name>Тест {n}</pfif:full_name></pfif:person>"
        for n in range(9000000, 9000030)
    )
    data = (HEAD + records + "</pfif:pfif>").encode("utf-8")
    with pytest.raises(ImportFileError) as caught:
        import_pfif(actor=None, data=data, name="many.xml")
    text = str(caught.value)
    assert text.startswith("30 problems in many.xml (nothing imported)")
    assert text.endswith("; and 10 more") and text.count("own PFIF domain") == 20
    assert len(caught.value.problems) == 30


def test_each_installation_has_its_own_default_domain(monkeypatch: Any) -> None:
    from homecoming.app import settings as module

    monkeypatch.setattr(module, "SECRET_KEY", "synthetic key one")
    one = module._pfif_domain()
    assert one == module._pfif_domain() and one.endswith(".homecoming.invalid")
    monkeypatch.setattr(module, "SECRET_KEY", "synthetic key two")
    assert module._pfif_domain() != one
