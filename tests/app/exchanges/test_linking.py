"""Linking a manifest's claimed identities to the registry (issue 14): the service, the page, the API."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import DatabaseError, transaction

from homecoming.app.audit.models import AuditRecord
from homecoming.app.exchanges import linking
from homecoming.app.exchanges.manifests import add_manifest_version
from homecoming.app.exchanges.models import LineLink, ManifestLine
from homecoming.errors import NotFound, ValidationError
from homecoming.io.manifests import ManifestRow

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(make_user: Any) -> dict[str, Any]:
    """Four synthetic registered persons: one to match, two namesakes born the same day (uncertain)."""
    from homecoming.app.registry import services as registry

    registrar = make_user("registrar", "link-registrar")

    def person(family: str, given: str, patronymic: str, born: str, number: str) -> Any:
        return registry.create_person(
            actor=registrar,
            data={"sex": "male", "birth_date": born, "service_number": number, "power": "UA"},
            names=[{"family_name": family, "given_name": given, "patronymic": patronymic}],
            not_duplicate=True,
            reason="synthetic namesake",
        )

    return {
        "kovalenko": person("Коваленко", "Олександр", "Петрович", "1990-03-14", "A123456"),
        "shevchuk_1": person("Шевчук", "Іван", "Миколайович", "1985-07-02", "B234567"),
        "shevchuk_2": person("Шевчук", "Іван", "Миколайович", "1985-07-02", "C345678"),
        "other": person("Мельник", "Богдан", "Іванович", "1979-11-30", "D456789"),
    }


@pytest.fixture
def version(coordinator: Any, make_operation: Any) -> Any:
    """A remains manifest: bags said to be persons (Latin, Russian spelling), one unknown, one unnamed."""
    op = make_operation("OP-L", date(2025, 7, 1))
    rows = [
        ManifestRow(
            line_no=1,
            category="bodies",
            container_number="BAG-1",
            claimed_name="KOVALENKO Oleksandr Petrovych",
            claimed_birth_date="1990-03-14",
            claimed_identity="A123456",
            outcome="transferred",
        ),
        ManifestRow(
            line_no=2,
            category="bodies",
            container_number="BAG-2",
            claimed_name="Шевчук Иван Николаевич",
            claimed_birth_date="1985-07-02",
            outcome="transferred",
        ),
        ManifestRow(
            line_no=3,
            category="bodies",
            container_number="BAG-3",
            claimed_name="ПРИХОДЬКО Андрій",
            claimed_birth_date="2001",
            outcome="transferred",
        ),
        ManifestRow(line_no=4, category="bodies", container_number="BAG-4", outcome="transferred"),
    ]
    return add_manifest_version(
        actor=coordinator, operation=op, sending="RU", receiving="UA", stage="executed", rows=rows
    )


def _links() -> dict[int, tuple[str, bool]]:
    return {
        n: (ref, chosen)
        for n, ref, chosen in LineLink.objects.values_list("line__line_no", "person__reference", "chosen")
    }


def test_the_preview_classes_every_line_and_writes_nothing(registered: Any, version: Any) -> None:
    audits = AuditRecord.objects.count()
    result = linking.link_manifest(actor=None, version_id=version.pk, dry_run=True)
    kinds = {p.line.line_no: p.kind for p in result.preview.lines}
    assert kinds == {1: "match", 2: "uncertain", 3: "none", 4: "unnamed"}
    line1 = result.preview.line(1)
    assert line1 is not None and line1.best is not None
    assert line1.best.person.pk == registered["kovalenko"].pk and line1.best.probability >= 0.99
    # the evidence names every comparison with its level and weight; the Latin name agreed by its key
    evidence = {c: (level, w) for c, level, w in line1.best.evidence}
    assert evidence["surname"][0] == "same key" and evidence["service_number"] == (
        "exact",
        pytest.approx(13, abs=3),
    )
    line2 = result.preview.line(2)
    assert line2 is not None
    assert {c.person.pk for c in line2.candidates} == {
        registered["shevchuk_1"].pk,
        registered["shevchuk_2"].pk,
    }
    assert {n: c.person.reference for n, (c, _) in result.links.items()} == {
        1: registered["kovalenko"].reference
    }
    assert result.unlinked == [2, 3]
    assert LineLink.objects.count() == 0 and AuditRecord.objects.count() == audits


def test_linking_links_the_match_only_audited_and_leaves_the_lines_as_they_were(
    coordinator: Any, registered: Any, version: Any
) -> None:
    result = linking.link_manifest(actor=coordinator, version_id=version.pk)
    assert not result.dry_run
    assert _links() == {1: (registered["kovalenko"].reference, False)}
    link = LineLink.objects.get()
    assert link.probability is not None and link.probability >= 0.99 and link.actor == coordinator
    assert ["service_number", "exact", pytest.approx(13, abs=3)] in link.evidence
    # the lines themselves are untouched (insert-only): the claim stays the handing party's words
    assert (
        list(ManifestLine.objects.filter(version=version).values_list("person_id", flat=True)) == [None] * 4
    )
    assert (
        ManifestLine.objects.get(version=version, line_no=1).claimed_name == "KOVALENKO Oleksandr Petrovych"
    )
    record = AuditRecord.objects.get(action="link_manifest")
    assert record.object_id == str(version.pk) and record.actor_name == coordinator.username
    assert record.after["linked"] == {
        "1": {
            "person": registered["kovalenko"].reference,
            "probability": pytest.approx(link.probability, abs=1e-6),
            "chosen": False,
        }
    }
    assert record.after["unlinked"] == [2, 3]
    # a link is not an identification: no identification result, the person's status as it was
    assert not version.lines.get(line_no=1).identifications.exists()
    registered["kovalenko"].refresh_from_db()
    assert registered["kovalenko"].current_status != "confirmed_dead"
    for statement in (
        lambda: LineLink.objects.update(probability=0.1),
        lambda: LineLink.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic():
            statement()
    # linking again: line 1 is linked already, line 2 still waits for a choice
    again = linking.link_manifest(actor=coordinator, version_id=version.pk, dry_run=True)
    assert {p.line.line_no: p.kind for p in again.preview.lines} == {
        1: "linked",
        2: "uncertain",
        3: "none",
        4: "unnamed",
    }
    assert again.links == {}


def test_a_person_chooses_among_the_candidates(coordinator: Any, registered: Any, version: Any) -> None:
    chosen = registered["shevchuk_2"]
    linking.link_manifest(
        actor=coordinator,
        version_id=version.pk,
        decisions={"2": chosen.reference, 1: "none"},  # by reference; "none" declines the model's match
    )
    assert _links() == {2: (chosen.reference, True)}
    # by id, and choosing the model's own match is not "chosen"
    linking.link_manifest(
        actor=coordinator, version_id=version.pk, decisions={1: str(registered["kovalenko"].pk)}
    )
    assert _links() == {1: (registered["kovalenko"].reference, False), 2: (chosen.reference, True)}


def test_decisions_outside_the_candidates_are_refused_each_named_and_nothing_is_linked(
    coordinator: Any, registered: Any, version: Any
) -> None:
    audits = AuditRecord.objects.count()
    with pytest.raises(ValidationError) as info:
        linking.link_manifest(
            actor=coordinator,
            version_id=version.pk,
            decisions={
                2: registered["other"].reference,
                3: registered["other"].reference,
                9: "none",
                "x": "none",
            },
        )
    problems = {(p.row, p.message) for p in info.value.problems}
    assert problems == {
        (2, f"line 2: {registered['other'].reference} is not one of the persons this line may be"),
        (3, "line 3 has no candidates to choose from (nobody in the registry is like it)"),
        (9, "line 9 is not a line of version 1"),
        (None, "is not a line number"),
    }
    assert info.value.code == "validation_failed"
    assert LineLink.objects.count() == 0 and AuditRecord.objects.count() == audits
    with pytest.raises(ValidationError, match="line 2"):  # the dry run checks the same
        linking.link_manifest(
            actor=coordinator,
            version_id=version.pk,
            decisions={2: registered["other"].reference},
            dry_run=True,
        )
    with pytest.raises(NotFound, match="no manifest version with id 999999"):
        linking.link_manifest(actor=coordinator, version_id=999999)


def test_linking_is_one_transaction(
    coordinator: Any, registered: Any, version: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit record is written after the links: when it fails, no link stays."""

    def refuse(**_: Any) -> None:
        raise DatabaseError("audit chain unavailable (synthetic)")

    monkeypatch.setattr(linking.audit, "record", refuse)
    with pytest.raises(DatabaseError, match="synthetic"):
        linking.link_manifest(actor=coordinator, version_id=version.pk)
    assert LineLink.objects.count() == 0


@pytest.mark.parametrize(
    ("claimed", "number"),
    [
        ("A123456", "A123456"),
        ("КМ 875676", "КМ875676"),
        ("service number 0012345", "0012345"),
        ("service number KM-875676", "KM875676"),
        ("passport AB123456", None),
        ("ID-1234567", None),
        ("в/ч А4009", None),
        ("12345", None),
        ("", None),
    ],
)
def test_a_claimed_identity_is_a_service_number_when_it_looks_like_one(
    claimed: str, number: str | None
) -> None:
    assert linking.service_number_of(claimed) == number


def test_a_claimed_name_becomes_a_person_row(version: Any) -> None:
    row = linking.person_row(version.lines.get(line_no=1))
    assert (row.family_name, row.given_name, row.patronymic, row.service_number) == (
        "KOVALENKO",
        "Oleksandr",
        "Petrovych",
        "A123456",
    )
    assert str(row.birth_date) == "1990-03-14" and row.row == 1
    row = linking.person_row(version.lines.get(line_no=2))
    assert (row.family_name, row.given_name, row.patronymic, row.script) == (
        "Шевчук",
        "Иван",
        "Николаевич",
        "cyrillic",
    )


# --- the page ------------------------------------------------------------------------------------------


def test_the_page_previews_lets_choose_and_links(
    coordinator: Any, registered: Any, version: Any, client: Any
) -> None:
    client.force_login(coordinator)
    url = f"/exchanges/versions/{version.pk}/link/"
    operation_page = client.get(f"/exchanges/operations/{version.manifest.operation_id}/").content.decode()
    assert url in operation_page
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert LineLink.objects.count() == 0  # a GET writes nothing
    for person in registered.values():
        assert (person.reference in page) == (person is not registered["other"])
    assert "KOVALENKO Oleksandr Petrovych" in page and "BAG-1" in page
    # the classes and the evidence in words, in Ukrainian; no internal codes of the model
    for words in (
        "Зв’язати з реєстром",
        "збігається із зареєстрованою особою",
        "непевно: оберіть",
        "немає в реєстрі",
        "дата народження",
        "прізвище",
        "те саме",
    ):
        assert words in page, words
    for code in ("same key", "birth_date", "service_number", "Jaro-Winkler", ">uncertain<", ">match<"):
        assert code not in page, code
    response = client.post(
        url,
        {
            "line-1": str(registered["kovalenko"].pk),
            "line-2": str(registered["shevchuk_1"].pk),
            "line-3": "none",
        },
    )
    assert response.status_code == 302
    assert _links() == {
        1: (registered["kovalenko"].reference, False),
        2: (registered["shevchuk_1"].reference, True),
    }
    operation_page = client.get(response["Location"]).content.decode()
    chosen = registered["shevchuk_1"]
    said = f'said to be <a href="/registry/persons/{chosen.pk}/">{chosen.reference}</a>'
    assert said in operation_page
    assert "2 lines linked to the registry; 1 stay unlinked." in operation_page


def test_the_page_refuses_a_choice_outside_the_candidates(
    coordinator: Any, registered: Any, version: Any, client: Any
) -> None:
    client.force_login(coordinator)
    url = f"/exchanges/versions/{version.pk}/link/"
    page = client.post(url, {"line-2": str(registered["other"].pk)}, follow=True).content.decode()
    assert "is not one of the persons this line may be" in page
    assert LineLink.objects.count() == 0


def test_only_the_exchange_coordinator_links(make_user: Any, version: Any, client: Any) -> None:
    for role, status in (("registrar", 403), ("auditor", 403), ("exchange_coordinator", 200)):
        client.force_login(make_user(role, f"page-{role}"))
        assert client.get(f"/exchanges/versions/{version.pk}/link/").status_code == status, role


# --- the API -------------------------------------------------------------------------------------------


def test_the_api_previews_then_links_and_refuses_in_the_error_shape(
    coordinator: Any, registered: Any, version: Any, api: Any
) -> None:
    client = api(coordinator)
    url = f"/api/v1/exchanges/versions/{version.pk}/link"
    preview = client.post(url, {"dry_run": True}, content_type="application/json")
    assert preview.status_code == 200, preview.content
    data = preview.json()
    assert data["dry_run"] is True and data["linked"] == 1
    assert data["counts"] == {"match": 1, "uncertain": 1, "none": 1, "linked": 0, "unnamed": 1}
    by_line = {line["line_no"]: line for line in data["lines"]}
    assert by_line[1]["linked_to"] == registered["kovalenko"].reference
    first = by_line[1]["candidates"][0]
    assert first["reference"] == registered["kovalenko"].reference and first["probability"] >= 0.99
    assert {"comparison": "birth_date", "level": "exact"}.items() <= first["evidence"][3].items()
    assert len(by_line[2]["candidates"]) == 2 and by_line[2]["linked_to"] is None
    assert LineLink.objects.count() == 0
    refused = client.post(
        url, {"decisions": {"2": registered["other"].reference}}, content_type="application/json"
    )
    assert refused.status_code == 422, refused.content
    error = refused.json()["error"]
    assert error["code"] == "validation_failed" and error["field"] == "decisions"
    assert error["value"] == registered["other"].reference and error["problems"][0]["row"] == 2
    assert LineLink.objects.count() == 0
    done = client.post(
        url, {"decisions": {"2": registered["shevchuk_2"].reference}}, content_type="application/json"
    )
    assert done.status_code == 201, done.content
    assert done.json()["linked"] == 2
    assert _links() == {
        1: (registered["kovalenko"].reference, False),
        2: (registered["shevchuk_2"].reference, True),
    }
    manifests = client.get(f"/api/v1/exchanges/operations/{version.manifest.operation_id}/manifests").json()
    lines = {line["line_no"]: line for line in manifests[0]["versions"][0]["lines"]}
    assert (lines[1]["person_id"], lines[1]["linked_person_id"]) == (None, registered["kovalenko"].pk)
    assert lines[3]["linked_person_id"] is None


def test_the_api_is_for_the_coordinator(make_user: Any, version: Any, api: Any) -> None:
    response = api(make_user("registrar", "api-registrar")).post(
        f"/api/v1/exchanges/versions/{version.pk}/link", {"dry_run": True}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["value"] == "exchanges.add_linelink"


# --- the command ---------------------------------------------------------------------------------------


def test_the_command_previews_links_and_names_a_refused_choice(
    coordinator: Any, registered: Any, version: Any
) -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from homecoming.commands.exchanges import manifest_link_command

    app = typer.Typer()
    app.command("link")(manifest_link_command)
    app.command("other")(lambda: None)  # two commands: "link" is a sub-command, as in the CLI
    base = ["link", "--operation", "OP-L", "--from", "RU", "--to", "UA", "--as", coordinator.username]
    dry = CliRunner().invoke(app, [*base, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    kovalenko = registered["kovalenko"].reference
    assert (
        f"line 1: KOVALENKO Oleksandr Petrovych — match: {kovalenko} КОВАЛЕНКО Олександр Петрович"
        in dry.stdout
    )
    assert "line 2: Шевчук Иван Николаевич — uncertain: " in dry.stdout and "and 1 more" in dry.stdout
    assert "line 3: ПРИХОДЬКО Андрій — none: not in the registry" in dry.stdout
    assert dry.stdout.endswith(
        "1 lines would be linked; 1 uncertain, 1 not in the registry, 0 linked before, "
        "1 without a claimed name; nothing was written (dry run)\n"
    )
    assert LineLink.objects.count() == 0
    refused = CliRunner().invoke(app, [*base, "--choose", f"2={kovalenko}"])
    assert refused.exit_code == 2 and f"line 2: {kovalenko} is not one of the persons" in refused.stderr
    assert LineLink.objects.count() == 0
    chosen = registered["shevchuk_1"].reference
    done = CliRunner().invoke(app, [*base, "--choose", f"2={chosen}", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert (data["dry_run"], data["linked"]) == (False, 2)
    assert _links() == {1: (kovalenko, False), 2: (chosen, True)}
    missing = CliRunner().invoke(app, ["link", "--operation", "OP-L", "--from", "UA", "--to", "RU"])
    assert missing.exit_code == 5 and "no manifest UA → RU in operation 'OP-L'" in missing.stderr


def test_only_a_coordinator_may_link_at_the_command_line_too(
    make_user: Any, registered: Any, version: Any
) -> None:
    import typer
    from typer.testing import CliRunner

    from homecoming.commands.exchanges import manifest_link_command

    auditor = make_user("auditor")
    app = typer.Typer()
    app.command("link")(manifest_link_command)
    app.command("other")(lambda: None)
    base = ["link", "--operation", "OP-L", "--from", "RU", "--to", "UA", "--as", auditor.username]
    refused = CliRunner().invoke(app, base)
    assert refused.exit_code != 0 and "only an exchange coordinator" in refused.output
    assert LineLink.objects.count() == 0
    assert CliRunner().invoke(app, [*base, "--dry-run"]).exit_code == 0  # looking is not linking
