"""An import preview classes every row — registered, matches a registered person (with the model's
evidence), uncertain, new — before anything is written; the import links matches, queues uncertain pairs
for review and merges nothing (issue 14). The registry here is small and synthetic."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from homecoming.app.audit.models import AuditRecord
from homecoming.app.registry import linkage, services
from homecoming.app.registry.importing import import_persons
from homecoming.app.registry.models import ListRowLink, Person, PossibleDuplicate, StatusAssertion
from homecoming.app.registry.previewing import classify
from homecoming.errors import ValidationError
from homecoming.io.persons import write_persons

pytestmark = pytest.mark.django_db


def _person(registrar: Any, family: str, given: str, patronymic: str, **data: Any) -> Person:
    return services.create_person(
        actor=registrar,
        data={"sex": "male", **data},
        names=[{"family_name": family, "given_name": given, "patronymic": patronymic}],
    )


@pytest.fixture
def registry(registrar: Any) -> dict[str, Person]:
    return {
        "kovalenko": _person(
            registrar,
            "Коваленко",
            "Олександр",
            "Іванович",
            birth_date="1990-05-17",
            service_number="4512789630",
        ),
        "melnyk": _person(
            registrar, "Мельник", "Тарас", "Петрович", birth_date="1979-11-02", unit="в/ч А4009"
        ),
        "bondar": _person(registrar, "Бондаренко", "Андрій", "Миколайович", birth_date="1985-03-09"),
    }


ROWS = [
    # the registered Kovalenko, in Russian Cyrillic, the number not given: matches
    {
        "family_name": "Коваленко",
        "given_name": "Александр",
        "patronymic": "Иванович",
        "birth_date": "1990-05-17",
        "status": "captive",
        "status_source_type": "other_party_list",
    },
    # the registered Melnyk in Latin letters, day and month swapped, no unit: still him, less sure
    {"family_name": "MELNYK", "given_name": "TARAS", "patronymic": "PETROVYCH", "birth_date": "1979-02-11"},
    # Bondarenko's brother: same surname, patronymic and birth date, another given name -> not him
    {
        "family_name": "Бондаренко",
        "given_name": "Віктор",
        "patronymic": "Миколайович",
        "birth_date": "1985-03-09",
    },
    # nobody the registry knows
    {"family_name": "Ткачук", "given_name": "Юрій", "patronymic": "Олегович", "birth_date": "1993-07-21"},
]


def _file(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "list.csv"
    write_persons(rows, path, fmt="csv")
    return path


def test_the_preview_classes_each_row_and_writes_nothing(
    registry: dict[str, Person], registrar: Any, tmp_path: Path
) -> None:
    before = (Person.objects.count(), AuditRecord.objects.count())
    report = import_persons(actor=registrar, path=_file(tmp_path, ROWS), dry_run=True)
    preview = report.preview
    assert preview is not None
    kinds = [r.kind for r in preview.rows]
    assert kinds[0] == "match"
    assert kinds[2] == "new", preview.rows[2].candidates  # the brother is not Andrii
    assert kinds[3] == "new"
    assert kinds[1] in ("match", "uncertain")
    first = preview.rows[0].candidates[0]
    assert first.person.reference == registry["kovalenko"].reference
    evidence = {c: (level, w) for c, level, w in first.evidence}
    assert evidence["surname"][0] == "exact" and evidence["surname"][1] > 0
    assert evidence["given_name"][0] == "same key or equivalent"  # Олександр = Александр
    assert evidence["birth_date"][0] == "exact" and evidence["service_number"] == ("missing", 0.0)
    assert (Person.objects.count(), AuditRecord.objects.count()) == before
    assert report.persons == 2 + (kinds[1] == "uncertain")
    assert preview.model_source.startswith("the model shipped with Homecoming")


def test_the_import_links_matches_queues_uncertain_rows_and_merges_nothing(
    registry: dict[str, Person], registrar: Any, tmp_path: Path
) -> None:
    rows = [*ROWS]
    rows[1] = {"family_name": "MELNYK", "given_name": "TARAS", "birth_date": "1979"}  # no more: uncertain
    report = import_persons(actor=registrar, path=_file(tmp_path, rows))
    kinds = [r.kind for r in report.preview.rows]
    assert kinds == ["match", "uncertain", "new", "new"], [r.candidates for r in report.preview.rows]
    assert report.linked == ((2, registry["kovalenko"].reference),)
    link = ListRowLink.objects.get()
    assert (link.person_id, link.row, link.file_name) == (registry["kovalenko"].pk, 2, "list.csv")
    assert link.probability >= linkage.MATCH
    assert StatusAssertion.objects.get(person=registry["kovalenko"]).status == "captive"
    assert Person.objects.count() == 3 + 3  # the uncertain row is registered, then reviewed
    pair = PossibleDuplicate.objects.get()
    assert pair.other_id == registry["melnyk"].pk
    assert linkage.UNCERTAIN <= pair.probability < linkage.MATCH
    assert Person.objects.filter(merged_into__isnull=False).count() == 0
    assert AuditRecord.objects.filter(
        action="link list row", object_id=str(registry["kovalenko"].pk)
    ).exists()


def test_a_registrar_may_decide_otherwise_but_only_among_the_candidates(
    registry: dict[str, Person], registrar: Any, tmp_path: Path
) -> None:
    path = _file(tmp_path, ROWS)
    with pytest.raises(
        ValidationError, match="row 2: the person chosen is not among the row's candidates"
    ) as bad:
        import_persons(actor=registrar, path=path, decisions={2: "999999", 4: "new", 99: "new"})
    assert [(p.row, p.message) for p in bad.value.problems] == [
        (
            2,
            f"row 2: the person chosen is not among the row's candidates ({registry['kovalenko'].reference})",
        ),
        (4, "row 4 is a new person: there is nothing to decide"),
        (99, "the list has no row 99"),
    ]
    assert Person.objects.count() == 3
    report = import_persons(actor=registrar, path=path, decisions={2: "new", 3: "new"})
    assert [r.kind for r in report.preview.rows] == ["match", "match", "new", "new"]
    assert report.linked == ()
    assert Person.objects.count() == 3 + 4
    # a row registered against the model's match is still put before a person to decide
    assert set(PossibleDuplicate.objects.values_list("other_id", flat=True)) == {
        registry["kovalenko"].pk,
        registry["melnyk"].pk,
    }


def test_classes_follow_the_thresholds() -> None:
    known = linkage.Known(1, "P-1", "X", "", "")
    other = linkage.Known(2, "P-2", "Y", "", "")
    assert classify([]) == "new"
    assert classify([linkage.RowCandidate(known, 0.995, ())]) == "match"
    assert (
        classify([linkage.RowCandidate(known, 0.995, ()), linkage.RowCandidate(other, 0.6, ())])
        == "uncertain"
    )
    assert classify([linkage.RowCandidate(known, 0.7, ())]) == "uncertain"


# --- the page ------------------------------------------------------------------------------------------


def _upload(client: Any, path: Path) -> Any:
    with path.open("rb") as f:
        return client.post(reverse("registry:import"), {"file": f}, HTTP_ACCEPT_LANGUAGE="uk")


def test_the_page_shows_the_preview_in_ukrainian_then_imports_with_the_registrars_choice(
    registry: dict[str, Person], registrar: Any, tmp_path: Path, client: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "uk"
    client.force_login(registrar)
    response = _upload(client, _file(tmp_path, ROWS))
    assert response.status_code == 200
    page = response.content.decode()
    assert Person.objects.count() == 3  # nothing written yet
    assert "Рядки, що збігаються із зареєстрованою особою" in page
    assert registry["kovalenko"].reference in page
    assert re.search(r"прізвище: те саме <span class=\"bits\">\+\d+,\d</span>", page)  # in words, in bits
    assert "Jaro" not in page and "same key" not in page
    token = re.search(r'name="token" value="([0-9a-f]{64})"', page)
    assert token
    kovalenko = str(registry["kovalenko"].pk)
    assert f'<option value="{kovalenko}" selected>' in page
    # the registrar keeps row 2 apart: a new person, and the pair queued
    done = client.post(reverse("registry:import_confirm"), {"token": token.group(1), "row-2": "new"})
    assert done.status_code == 302
    melnyk_linked = int(PossibleDuplicate.objects.filter(other=registry["melnyk"]).count() == 0)
    assert Person.objects.count() == 3 + 4 - melnyk_linked
    assert PossibleDuplicate.objects.filter(other=registry["kovalenko"]).exists()
    again = client.post(reverse("registry:import_confirm"), {"token": token.group(1)})
    assert again.status_code == 422  # the staged file is gone once imported
    assert (
        "завантажте список ще раз" in again.content.decode().lower()
        or "upload the list again" in again.content.decode()
    )


def test_a_bad_list_is_refused_with_its_problems_and_nothing_is_staged_for_import(
    registrar: Any, tmp_path: Path, client: Any, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    client.force_login(registrar)
    path = tmp_path / "bad.csv"
    path.write_text("family_name,given_name,birth_date\nКоваленко,Олег,2025-02-30\n", encoding="utf-8")
    response = _upload(client, path)
    assert response.status_code == 422
    page = response.content.decode()
    assert "2025-02-30" in page and 'id="problems"' in page
    assert Person.objects.count() == 0
    assert list((settings.DATA_DIR / "staged-imports").iterdir()) == []  # a refused list is not kept


def test_the_import_page_is_for_those_who_may_register_persons(auditor: Any, client: Any) -> None:
    client.force_login(auditor)
    assert client.get(reverse("registry:import")).status_code == 403


# --- the command line ----------------------------------------------------------------------------------


def test_the_cli_previews_to_a_csv_and_imports_with_decisions_from_a_file(
    registry: dict[str, Person], registrar: Any, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from homecoming.cli import app

    path = _file(tmp_path, ROWS)
    out = tmp_path / "preview.csv"
    result = CliRunner().invoke(app, ["import", "persons", str(path), "--dry-run", "--preview-out", str(out)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "rows match a registered person (would link 1" in said or "(would link 2" in said
    with out.open(encoding="utf-8") as f:
        preview = list(csv.DictReader(f))
    first = next(r for r in preview if r["row"] == "2")
    assert (first["class"], first["candidate"]) == ("match", registry["kovalenko"].reference)
    assert "surname: exact (+" in first["evidence"]
    assert Person.objects.count() == 3
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("row,decision\n2,new\n3,new\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("row,decision\n2,P-9999999\n", encoding="utf-8")
    refused = CliRunner().invoke(app, ["import", "persons", str(path), "--decisions", str(bad)])
    assert refused.exit_code != 0 and "no registered person has the reference P-9999999" in refused.output
    done = CliRunner().invoke(app, ["import", "persons", str(path), "--decisions", str(decisions)])
    assert done.exit_code == 0, done.output
    assert Person.objects.count() == 3 + 4
    assert not ListRowLink.objects.exists()


# --- the API -------------------------------------------------------------------------------------------


def test_the_api_previews_then_imports_with_decisions(
    registry: dict[str, Person], registrar: Any, auditor: Any, tmp_path: Path, api: Any
) -> None:
    path = _file(tmp_path, ROWS)
    client = api(registrar)
    url = "/api/v1/registry/person-lists"
    with path.open("rb") as f:
        preview = client.post(f"{url}?dry_run=true", {"file": f})
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["dry_run"] and body["classes"]["match"] >= 1
    first = next(d for d in body["details"] if d["row"] == 2)
    assert first["candidates"][0]["reference"] == registry["kovalenko"].reference
    assert {"comparison": "surname", "level": "exact"}.items() <= first["candidates"][0]["evidence"][
        0
    ].items()
    assert Person.objects.count() == 3
    with path.open("rb") as f:
        bad = client.post(url, {"file": f, "decisions": "[1, 2]"})
    assert bad.status_code == 422 and "decisions" in bad.content.decode()
    with path.open("rb") as f:
        done = client.post(url, {"file": f, "decisions": '{"2": "new", "3": "new"}'})
    assert done.status_code == 201, done.content
    assert done.json()["linked"] == [] and Person.objects.count() == 7
    with path.open("rb") as f:
        assert api(auditor).post(f"{url}?dry_run=true", {"file": f}).status_code == 403


def test_a_preview_never_confirmed_is_forgotten_after_a_day(
    registrar: Any, tmp_path: Path, client: Any, settings: Any
) -> None:
    import os
    import time

    settings.DATA_DIR = tmp_path / "data"
    client.force_login(registrar)
    first = tmp_path / "first.csv"
    first.write_text("family_name,given_name\nТкачук,Юрій\n", encoding="utf-8")
    assert _upload(client, first).status_code == 200
    (staged,) = (settings.DATA_DIR / "staged-imports").iterdir()
    old = time.time() - 25 * 3600
    os.utime(staged, (old, old))
    second = tmp_path / "second.csv"
    second.write_text("family_name,given_name\nМельник,Тарас\n", encoding="utf-8")
    assert _upload(client, second).status_code == 200
    left = [p.name for p in (settings.DATA_DIR / "staged-imports").iterdir()]
    assert staged.name not in left and len(left) == 1


def test_only_who_may_register_persons_may_import_a_list_whatever_the_door(
    auditor: Any, registrar: Any, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from homecoming.app.registry.importing import import_persons
    from homecoming.cli import app
    from homecoming.errors import PermissionDenied

    path = _file(tmp_path, ROWS)
    with pytest.raises(PermissionDenied, match="only a registrar"):
        import_persons(actor=auditor, path=path)
    refused = CliRunner().invoke(app, ["import", "persons", str(path), "--as", auditor.username])
    assert refused.exit_code != 0 and "only a registrar" in refused.output
    assert Person.objects.count() == 0
    assert import_persons(actor=registrar, path=path).persons == 4
