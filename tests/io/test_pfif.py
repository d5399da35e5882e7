"""PFIF 1.4 without a database: a file written by others is read, ours reads back, bad input is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from homecoming.errors import ImportFileError
from homecoming.io.pfif import FROM_PFIF, NOTE_STATUSES, TO_PFIF, PfifNote, PfifPerson, read_pfif, write_pfif

DATA = Path(__file__).parent / "data"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">\n'


def doc(body: str) -> bytes:
    return (HEAD + body + "</pfif:pfif>\n").encode("utf-8")


def test_person_finders_own_pfif_1_4_test_file_is_read() -> None:
    got = read_pfif((DATA / "personfinder-test.pfif-1.4.xml").read_bytes(), name="personfinder")
    (person,) = got.persons
    assert person.person_record_id == "test.google.com/person.21009"
    assert (person.given_name, person.family_name) == ("_test_given_name", "_test_family_name")
    assert person.alternate_names == ("_test_alternate_name1", "_test_alternate_name2")
    assert (person.sex, person.date_of_birth, person.age, person.home_country) == (
        "female",
        "1970-01",
        "35-45",
        "US",
    )
    assert person.source_date == "2000-01-01T00:00:00Z"
    assert [n.note_record_id for n in got.notes] == [
        "test.google.com/note.27009",
        "test.google.com/note.31095",
        "test.google.com/note.40121",
        "test.google.com/note.50121",
    ]
    assert [n.status for n in got.notes] == ["believed_missing", "", "is_note_author", "believed_missing"]
    assert {n.person_record_id for n in got.notes} == {"test.google.com/person.21009"}  # nested notes
    assert got.notes[0].linked_person_record_id == "test.google.com/person.999"


def test_first_name_and_last_name_of_older_person_finder_files_are_read_as_given_and_family_name() -> None:
    got = read_pfif(
        doc(
            "<pfif:person><pfif:person_record_id>example.org/p.1</pfif:person_record_id>"
            "<pfif:first_name>Андрій</pfif:first_name><pfif:last_name>Тестенко</pfif:last_name></pfif:person>"
        )
    )
    (person,) = got.persons
    assert (person.given_name, person.family_name, person.full_name) == (
        "Андрій",
        "Тестенко",
        "Андрій Тестенко",
    )


def test_what_we_write_reads_back_the_same() -> None:
    note = PfifNote(
        "example.org/note.7",
        "example.org/person.P-1",
        "status: missing",
        author_name="Synthetic Bureau",
        source_date="2026-03-01T00:00:00Z",
        entry_date="2026-03-02T10:00:00Z",
        status="believed_missing",
    )
    person = PfifPerson(
        "example.org/person.P-1",
        "Андрій Петрович Тестенко",
        given_name="Андрій Петрович",
        family_name="Тестенко",
        alternate_names=("Andrii Testenko",),
        sex="male",
        date_of_birth="1990-05",
        home_country="UA",
        author_name="Synthetic Bureau",
        source_name="Synthetic Bureau",
        source_date="2026-03-01T00:00:00Z",
        entry_date="2026-03-01T00:00:00Z",
        notes=(note,),
    )
    data = write_pfif([person])
    assert b'xmlns:pfif="http://zesty.ca/pfif/1.4"' in data
    got = read_pfif(data)
    assert got.persons == (person,)
    assert got.notes == (note,)


def test_every_registry_status_maps_to_a_pfif_status_and_every_pfif_status_back() -> None:
    from homecoming.domain.status import PersonStatus

    assert set(TO_PFIF) == {s.value for s in PersonStatus}
    assert set(TO_PFIF.values()) <= set(NOTE_STATUSES)
    assert set(FROM_PFIF) == set(NOTE_STATUSES)
    assert set(FROM_PFIF.values()) <= {s.value for s in PersonStatus}
    for status in ("missing", "alive", "believed_dead", "unknown"):  # those that survive the round trip
        assert FROM_PFIF[TO_PFIF[status]] == status


def _problems(data: bytes) -> list[str]:
    with pytest.raises(ImportFileError) as caught:
        read_pfif(data, name="bad.xml")
    return [str(p) for p in caught.value.problems] or [str(caught.value)]


def test_every_bad_field_is_named_with_its_record_value_and_fix() -> None:
    got = _problems(
        doc(
            """<pfif:person><pfif:person_record_id>example.org/p.1</pfif:person_record_id>
            <pfif:full_name>Тест Тестенко</pfif:full_name><pfif:sex>unknown</pfif:sex>
            <pfif:date_of_birth>2025-02-30</pfif:date_of_birth><pfif:age>45-35</pfif:age>
            <pfif:home_country>ukr</pfif:home_country><pfif:source_date>2026-03-01</pfif:source_date>
            <pfif:shoe_size>44</pfif:shoe_size>
            <pfif:note><pfif:note_record_id>example.org/n.1</pfif:note_record_id>
            <pfif:status>presumed_dead</pfif:status></pfif:note></pfif:person>
            <pfif:person><pfif:full_name>No Id</pfif:full_name></pfif:person>"""
        )
    )
    text = "\n".join(got)
    assert "person[example.org/p.1].sex: is not female, male or other (got 'unknown')" in text
    assert "person[example.org/p.1].date_of_birth: is not a real date (day is out of range for month)" in text
    assert "person[example.org/p.1].age: is not an age or a range of ages (got '45-35')" in text
    assert (
        "person[example.org/p.1].home_country: is not an ISO 3166-1 alpha-2 country code (got 'ukr')" in text
    )
    assert (
        "person[example.org/p.1].source_date: is not a UTC date and time (got '2026-03-01'); "
        "write YYYY-MM-DDTHH:MM:SSZ" in text
    )
    assert "person[example.org/p.1].shoe_size: is not a PFIF 1.4 field here" in text
    assert (
        "note[example.org/n.1].status: is not a PFIF 1.4 note status (got 'presumed_dead'); "
        "one of information_sought" in text
    )
    assert "note[example.org/n.1].text: is required" in text
    assert "person[2].person_record_id: is required" in text
    assert len(got) == 9


def test_duplicate_ids_a_loose_note_without_person_and_an_empty_file() -> None:
    person = (
        "<pfif:person><pfif:person_record_id>example.org/p.1</pfif:person_record_id>"
        "<pfif:full_name>A B</pfif:full_name></pfif:person>"
    )
    assert "person[example.org/p.1].person_record_id: appears twice in the file" in "\n".join(
        _problems(doc(person * 2))
    )
    loose = (
        "<pfif:note><pfif:note_record_id>example.org/n.1</pfif:note_record_id>"
        "<pfif:text>x</pfif:text></pfif:note>"
    )
    assert "note[example.org/n.1].person_record_id: is required" in "\n".join(_problems(doc(loose)))
    assert "file: holds no person and no note" in "\n".join(_problems(doc("")))


def test_not_pfif_1_4_and_hostile_xml_are_refused() -> None:
    older = b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.2"><pfif:person/></pfif:pfif>'
    assert "not pfif of PFIF 1.4" in _problems(older)[0]
    assert "is not readable XML" in _problems(b"<pfif:pfif")[0]
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">&b;</pfif:pfif>'
    )
    assert "is not readable XML" in _problems(bomb)[0]
    external = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">&e;</pfif:pfif>'
    )
    assert "is not readable XML" in _problems(external)[0]
