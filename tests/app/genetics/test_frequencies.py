"""Frequency tables as records: import, duplicates refused, put in force, audit, pages, API, CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from homecoming.app.audit.models import AuditRecord
from homecoming.app.genetics import frequencies as services
from homecoming.app.genetics.models import FrequencyTable, FrequencyTableActivation
from homecoming.errors import AlreadyImported, FrequencyError, StateError, ValidationError
from homecoming.kinship.formats.frequency_layouts import write_euroformix, write_familias
from homecoming.kinship.model.markers import Genotype, Profile
from shared_data import MISSING, SHARED

pytestmark = pytest.mark.django_db

NORWEGIAN = SHARED / "data" / "allele-frequencies" / "forrel_NorwegianFrequencies.csv"
ICMP = SHARED / "data" / "allele-frequencies" / "dvir_icmp.csv"
META = {"name": "Norwegian 35 STR", "population": "Norway", "source": "Dupuy et al. 2013 (forrel)"}


def text(path: Path) -> str:
    assert path.is_file(), MISSING
    return path.read_text(encoding="utf-8")


@pytest.fixture
def analyst(make_user: Callable[..., Any]) -> Any:
    return make_user("dna_analyst", "analyst")


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_import_stores_the_table_with_provenance_and_audit(analyst: Any) -> None:
    table = services.import_table(actor=analyst, text=text(NORWEGIAN), sample_size=1000, **META)
    assert table.reference == "FT-000001" and table.file_layout == "long"
    assert len(table.markers) == 35 and table.minimum_frequency == 5 / 2000
    assert table.imported_by == analyst and len(table.sha256) == 64
    rec = AuditRecord.objects.get(action="import_frequency_table")
    assert rec.object_id == str(table.pk) and rec.after["markers"] == 35 and rec.after["layout"] == "long"
    assert "markers" in rec.after and rec.after["raised"], "5/2N raised some rare alleles, each listed"
    assert services.table_in_force() is None


def test_the_same_frequencies_in_another_layout_are_refused_naming_the_table(analyst: Any) -> None:
    first = services.import_table(actor=analyst, text=text(ICMP), minimum_rule="none", **META)
    wide = write_euroformix(first.markers)
    with pytest.raises(AlreadyImported) as err:
        services.import_table(actor=analyst, text=wide, minimum_rule="none", **{**META, "name": "again"})
    assert f"imported before as {first.reference} “Norwegian 35 STR”" in err.value.message
    assert err.value.previous["reference"] == first.reference
    other = services.import_table(actor=analyst, text=write_familias(first.markers), sample_size=500, **META)
    assert other.sha256 != first.sha256 and FrequencyTable.objects.count() == 2


def test_fields_and_rows_are_reported_together(analyst: Any) -> None:
    bad = "Allele;TH01\n6;abc\n7;0.5\n"
    with pytest.raises(ValidationError) as err:
        services.import_table(actor=analyst, text=bad, name="", population="X", source="")
    fields = [p.field for p in err.value.problems]
    assert fields[:2] == ["name", "source"] and "TH01" in fields
    with pytest.raises(FrequencyError, match="5/2N needs the sample size"):
        services.import_table(actor=analyst, text=text(ICMP), **META)
    assert not FrequencyTable.objects.exists() and not AuditRecord.objects.filter(action__contains="freq")


def test_activate_puts_in_force_is_audited_and_refuses_twice(analyst: Any) -> None:
    a = services.import_table(actor=analyst, text=text(ICMP), minimum_rule="none", **META)
    b = services.import_table(actor=analyst, text=text(NORWEGIAN), minimum_rule="none", **META)
    services.activate(actor=analyst, table_id=a.pk, reason="first table")
    assert services.table_in_force() == a
    services.activate(actor=analyst, table_id=b.pk, reason="bigger table")
    assert services.table_in_force() == b
    rec = AuditRecord.objects.filter(action="activate_frequency_table").order_by("-seq").first()
    assert rec.before == {"in_force": a.reference} and rec.after["in_force"] == b.reference
    assert rec.reason == "bigger table"
    with pytest.raises(StateError, match="already the table in force"):
        services.activate(actor=analyst, table_id=b.pk)
    assert FrequencyTableActivation.objects.count() == 2


def test_kinship_loci_and_missing_frequencies(analyst: Any) -> None:
    table = services.import_table(
        actor=analyst, text=text(ICMP), minimum_rule="none", activate_reason="demo", **META
    )
    loci = services.kinship_loci(table)
    assert [lo.name for lo in loci] == list(table.markers) and len(loci) == 13
    assert services.kinship_loci(table, ["TH01"])[0].frequencies == tuple(table.markers["TH01"].values())
    profile = Profile(
        "B1", {"vWA": Genotype("16", "17"), "TH01": Genotype("6", "99"), "SE33": Genotype("20", "21")}
    )
    problems = services.missing_frequencies(profile)
    texts = [str(p) for p in problems]
    assert len(problems) == 2
    assert "allele 99 of locus TH01 is not in FT-000001" in texts[0]
    assert "no frequencies for locus SE33 in FT-000001 (Norwegian 35 STR)" in texts[1]
    assert services.missing_frequencies(["VWA", "Penta D"], table)[0].field == "Penta D"


def test_missing_frequencies_without_a_table_in_force() -> None:
    (problem,) = services.missing_frequencies(["TH01"])
    assert problem.message == "no frequency table is in force"


def test_api_roles_upload_detail_activate(api: Callable[[Any], Any], analyst: Any, make_user: Any) -> None:
    c = api(analyst)
    body = {**META, "text": text(ICMP), "minimum_rule": "none", "file_name": "icmp.csv"}
    made = c.post("/api/v1/genetics/frequency-tables", data=json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content
    tid = made.json()["id"]
    assert made.json()["markers"] == 13 and made.json()["in_force"] is False
    again = c.post(
        "/api/v1/genetics/frequency-tables", data=json.dumps(body), content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_imported"
    bad = {**body, "text": "marker,allele,frequency\nM,1,x\n"}
    refused = c.post(
        "/api/v1/genetics/frequency-tables", data=json.dumps(bad), content_type="application/json"
    )
    error = refused.json()["error"]
    assert refused.status_code == 422 and error["code"] == "invalid_frequencies"
    assert error["problems"][0]["row"] == 2 and error["problems"][0]["value"] == "x"
    act = c.post(
        f"/api/v1/genetics/frequency-tables/{tid}/activate",
        data=json.dumps({"reason": "lab decision 7"}),
        content_type="application/json",
    )
    assert act.status_code == 201 and act.json()["table"] == "FT-000001"
    reviewer = api(make_user("identification_reviewer", "rev"))
    detail = reviewer.get(f"/api/v1/genetics/frequency-tables/{tid}").json()
    assert detail["in_force"] and detail["frequencies"]["TH01"] and detail["activations"][0]["reason"]
    assert reviewer.get("/api/v1/genetics/frequency-tables").json()[0]["reference"] == "FT-000001"
    denied = reviewer.post(
        f"/api/v1/genetics/frequency-tables/{tid}/activate", data="{}", content_type="application/json"
    )
    assert (
        denied.status_code == 403
        and "genetics.add_frequencytableactivation" in denied.json()["error"]["message"]
    )
    liaison = api(make_user("family_liaison", "liaison"))
    assert liaison.get("/api/v1/genetics/frequency-tables").status_code == 403


def test_pages_list_upload_detail_activate(analyst: Any, make_user: Any) -> None:
    c = client_for(analyst)
    page = c.get("/genetics/frequencies/")
    assert (
        page.status_code == 200
        and b"No frequency table is in force" in page.content
        and b'id="upload"' in page.content
    )
    form = {**META, "minimum_rule": "five_over_2n", "sample_size": 500, "layout": ""}
    upload = SimpleUploadedFile("icmp.csv", text(ICMP).encode())
    done = c.post("/genetics/frequencies/upload", {**form, "file": upload})
    table = FrequencyTable.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/genetics/frequencies/{table.pk}/"
    detail = c.get(done["Location"])
    assert detail.status_code == 200 and b"<svg" in detail.content and b"TH01" in detail.content
    assert table.sha256.encode() in detail.content and b"Put this table in force" in detail.content
    ukrainian = c.get(done["Location"], HTTP_ACCEPT_LANGUAGE="uk").content
    assert b"width:100.0%" in ukrainian  # a CSS width, never localised as 100,0
    dup = c.post(
        "/genetics/frequencies/upload", {**form, "file": SimpleUploadedFile("x.txt", text(ICMP).encode())}
    )
    assert dup.status_code == 409 and b"imported before as FT-000001" in dup.content
    bad = SimpleUploadedFile("bad.csv", b"Allele;TH01\n6;abc\n7;0.5\n")
    refused = c.post("/genetics/frequencies/upload", {**form, "file": bad})
    assert refused.status_code == 422 and b'id="problems"' in refused.content and b"abc" in refused.content
    act = c.post(f"/genetics/frequencies/{table.pk}/activate", {"reason": "in use from today"})
    assert act.status_code == 302 and services.table_in_force() == table
    assert b"in force" in c.get("/genetics/frequencies/").content
    auditor = client_for(make_user("auditor"))
    seen = auditor.get(f"/genetics/frequencies/{table.pk}/")
    assert seen.status_code == 200 and b"Put this table in force" not in seen.content
    assert b'id="upload"' not in auditor.get("/genetics/frequencies/").content
    assert auditor.post(f"/genetics/frequencies/{table.pk}/activate", {"reason": "x"}).status_code == 403
    liaison = client_for(make_user("family_liaison", "liaison"))
    assert liaison.get("/genetics/frequencies/").status_code == 403


def test_cli_imports_and_activates(tmp_path: Path, analyst: Any) -> None:
    from typer.testing import CliRunner

    from homecoming.cli import app

    path = tmp_path / "nor.txt"
    path.write_text(write_familias(json.loads(json.dumps(_icmp_markers()))), encoding="utf-8")
    args = ["genetics", "frequencies", "import", str(path), "--name", "ICMP", "--population", "X"]
    args += [
        "--source",
        "dvir::icmp",
        "--minimum-rule",
        "none",
        "--activate",
        "--reason",
        "demo",
        "--as",
        "analyst",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("FT-000001 ICMP: 13 markers") and "familias layout" in result.stdout
    assert services.table_in_force().name == "ICMP"
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 3 and "imported before as FT-000001" in again.stderr


def _icmp_markers() -> dict[str, dict[str, float]]:
    from homecoming.kinship.formats.frequencies import read

    return read(text(ICMP), table_id="icmp").table.as_mapping()
