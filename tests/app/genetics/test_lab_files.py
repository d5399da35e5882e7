"""Real lab files (CODIS CMF 3.2 bytes, read by the shared reader) through the service, the CLI, the
upload page and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from typer.testing import CliRunner

from homecoming.app.genetics import importing
from homecoming.app.genetics.models import LabFile, Profile
from homecoming.cli import app

from . import lab_world
from .lab_world import cmf_bytes, lab_profile, random_genotypes

analyst, examiner, world = lab_world.analyst, lab_world.examiner, lab_world.world

pytestmark = pytest.mark.django_db


def _file(world: Any, seed: int = 31, *, bad: bool = False) -> bytes:
    rng = np.random.default_rng(seed)
    s = world["samples"]
    broken = random_genotypes(rng)
    if bad:
        broken["D8S1179"] = ("ab", "13")
    return cmf_bytes(
        lab_profile(s[0].reference, random_genotypes(rng)),
        lab_profile(s[1].reference, broken),
        lab_profile("STAFF-9", random_genotypes(rng), category="staff"),
        lab_profile("SM-2099-000009-00" if bad else s[2].reference, random_genotypes(rng)),
    )


def test_a_cmf_file_imports_onto_the_batch_samples(analyst: Any, world: Any) -> None:
    data = _file(world)
    report = importing.import_lab_file(actor=analyst, data=data, name="plate-7.xml", batch=world["batch"])
    assert report.format == "cmf" and report.counts["post_mortem"] == 3 and report.counts["elimination"] == 1
    lab = LabFile.objects.get()
    assert (lab.file_name, lab.source_lab, lab.size) == ("plate-7.xml", "Synthetic Lab 1", len(data))
    profile = Profile.objects.get(sample=world["samples"][0])
    assert profile.kit == "GlobalFiler" and profile.locus_count == 24 and profile.line and profile.line > 1
    amel = next(lc for lc in profile.loci if lc["locus"] == "AMEL")
    assert amel["written_name"] == "Amelogenin" and amel["used"] == ["X", "Y"]


def test_a_bad_cmf_file_lists_the_reader_and_database_problems_together(analyst: Any, world: Any) -> None:
    with pytest.raises(importing.ImportFileError) as caught:
        importing.import_lab_file(actor=analyst, data=_file(world, bad=True), name="bad.xml")
    fields = [p.field for p in caught.value.problems]
    assert any("D8S1179" in f for f in fields), fields
    assert "specimen SM-2099-000009-00" in fields
    assert Profile.objects.count() == 0


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_the_cli_imports_dry_runs_and_refuses_the_same_file(tmp_path: Path, analyst: Any, world: Any) -> None:
    path = tmp_path / "plate.xml"
    path.write_bytes(_file(world))
    batch = world["batch"].reference
    dry = _run("genetics", "import", str(path), "--batch", batch, "--dry-run", "--as", "analyst")
    assert dry.exit_code == 0, dry.output
    assert "dry run, nothing written" in dry.stdout and Profile.objects.count() == 0
    done = _run("genetics", "import", str(path), "--batch", batch, "--as", "analyst")
    assert done.exit_code == 0, done.output
    assert f"imported as {LabFile.objects.get().reference}" in done.stdout
    again = _run("genetics", "import", str(path), "--as", "analyst")
    assert again.exit_code == 3 and "was imported on" in again.stderr
    forced = _run("genetics", "import", str(path), "--again", "plate re-run", "--as", "analyst")
    assert forced.exit_code == 0, forced.output
    assert Profile.objects.filter(sample=world["samples"][0], replicate=2).exists()


def test_the_cli_lists_every_problem_and_exits_2(tmp_path: Path, analyst: Any, world: Any) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(_file(world, bad=True))
    result = _run("genetics", "import", str(path), "--as", "analyst")
    assert result.exit_code == 2
    assert "problems in laboratory file bad.xml" in result.stderr and "SM-2099-000009-00" in result.stderr


def _page(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_upload_page_shows_every_problem_in_a_table(analyst: Any, world: Any) -> None:
    upload = SimpleUploadedFile("bad.xml", _file(world, bad=True), content_type="text/xml")
    response = _page(analyst).post("/genetics/lab-files/upload/", {"file": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="problems"' in html and "SM-2099-000009-00" in html and "D8S1179" in html
    assert "Nothing was imported" in html and Profile.objects.count() == 0


def test_the_upload_page_dry_run_then_import(analyst: Any, world: Any) -> None:
    c = _page(analyst)
    data = _file(world)
    batch = world["batch"].reference
    dry = c.post(
        "/genetics/lab-files/upload/",
        {"file": SimpleUploadedFile("p.xml", data), "batch": batch, "dry_run": "on"},
    )
    assert dry.status_code == 200 and 'id="dry-run"' in dry.content.decode()
    assert world["samples"][2].reference in dry.content.decode() and Profile.objects.count() == 0
    done = c.post("/genetics/lab-files/upload/", {"file": SimpleUploadedFile("p.xml", data), "batch": batch})
    assert done.status_code == 302 and done["Location"] == f"/genetics/lab-files/{LabFile.objects.get().pk}/"
    again = c.post("/genetics/lab-files/upload/", {"file": SimpleUploadedFile("copy.xml", data)})
    assert again.status_code == 409 and "was imported on" in again.content.decode()


def test_the_ukrainian_upload_page(analyst: Any) -> None:
    c = _page(analyst)
    html = c.get("/genetics/lab-files/upload/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Імпортувати файл лабораторії" in html and "Лише перевірити (пробний прогін)" in html


def test_the_api_takes_the_file_as_multipart(api: Any, analyst: Any, world: Any) -> None:
    client = api(analyst)
    data = _file(world)
    dry = client.post("/api/v1/genetics/lab-files?dry_run=true", {"file": SimpleUploadedFile("p.xml", data)})
    assert dry.status_code == 200, dry.content
    assert dry.json()["counts"]["post_mortem"] == 3 and Profile.objects.count() == 0
    done = client.post(
        f"/api/v1/genetics/lab-files?batch={world['batch'].reference}",
        {"file": SimpleUploadedFile("p.xml", data)},
    )
    assert done.status_code == 201 and done.json()["lab_file"] == LabFile.objects.get().reference
    bad = client.post(
        "/api/v1/genetics/lab-files", {"file": SimpleUploadedFile("b.xml", _file(world, 5, bad=True))}
    )
    error = bad.json()["error"]
    assert bad.status_code == 422 and error["code"] == "import_failed" and len(error["problems"]) == 2


def test_the_ukrainian_dry_run_shows_labels_not_codes(analyst: Any, world: Any) -> None:
    c = _page(analyst)
    dry = c.post(
        "/genetics/lab-files/upload/",
        {"file": SimpleUploadedFile("p.xml", _file(world)), "dry_run": "on"},
        HTTP_ACCEPT_LANGUAGE="uk",
    )
    summary = dry.content.decode().split('id="dry-run"')[1]
    assert "post_mortem" not in summary and " · cmf" not in summary
    assert "посмертний" in summary.lower()


def test_the_api_refuses_a_file_over_the_size_limit_unread(
    api: Any, analyst: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOMECOMING_IMPORT_MAX_BYTES", "100")
    got = api(analyst).post(
        "/api/v1/genetics/lab-files?dry_run=true", {"file": SimpleUploadedFile("p.xml", _file(world))}
    )
    assert got.status_code == 422 and "more than the limit of 100 bytes" in got.content.decode()
