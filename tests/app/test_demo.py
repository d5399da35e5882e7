"""The demo database: synthetic persons with stories, the public 2025 ledger and a synthetic intake batch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from homecoming.app.audit import services as audit
from homecoming.app.demo import build_demo
from homecoming.app.demo_tracing import OTHER_SIDE
from homecoming.app.exchanges.models import Agreement, Operation
from homecoming.app.registry.models import NameForm, Person
from homecoming.app.remains.models import RemainsUnit, Sample

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_part_and_an_intact_audit_chain() -> None:
    assert build_demo(persons=12, seed=7) == 12
    # twelve of ours, and the prisoners of the other party whose families ask (demo_tracing)
    assert Person.objects.filter(power="UA").count() == 12
    assert Person.objects.filter(power="RU").count() == OTHER_SIDE
    ours = NameForm.objects.filter(person__power="UA")
    assert ours.filter(script="cyrillic").count() == 12
    assert ours.filter(script="latin", kind="transliteration").count() == 12
    assert Agreement.objects.filter(reference="IST-2025-06").exists()
    assert Operation.objects.filter(reference="REM-2025-09-18").exists()
    assert RemainsUnit.objects.filter(bag_number__startswith="DEMO-BAG-", parent__isnull=True).count() == 20
    assert RemainsUnit.objects.filter(parent__isnull=False).count() == 3
    assert Sample.objects.count() == 21  # a DNA sample of every body (demo_genetics)
    # each body walked through the states its evidence allows: examined, sampled, profiled by the lab
    # file (the samples reported later stay sampled); nothing reached an identification state by hand
    profiled = set(
        Sample.objects.filter(profiles__kind="post_mortem", profiles__excluded_reason="").values_list(
            "unit_id", flat=True
        )
    )
    bodies = RemainsUnit.objects.filter(samples__isnull=False).distinct()
    assert profiled and {u.pk: u.state for u in bodies} == {
        u.pk: "profiled" if u.pk in profiled else "sampled" for u in bodies
    }
    report = audit.verify()
    assert report.ok and report.checked > 100


def test_building_twice_adds_nothing() -> None:
    build_demo(persons=3, seed=1)
    units = RemainsUnit.objects.count()
    assert build_demo(persons=3, seed=1) == 0
    assert Person.objects.count() == 3 + OTHER_SIDE and RemainsUnit.objects.count() == units


def test_the_demo_shows_a_manifest_that_disagrees_with_the_sourced_figure() -> None:
    from homecoming.app.exchanges import findings, ledger

    build_demo(persons=2, seed=3)
    agreement = Agreement.objects.get(reference="IST-2025-06")
    ua = next(s for s in ledger.compute(agreement).series if s.receiving == "UA")
    assert (ua.delivered, ua.total_with_undated) == (3000, 9000)  # the sourced 1,000 is kept
    [d] = ua.disagreements
    assert (d.operation, d.figure_value, d.manifest_count) == ("REM-2025-09-18", 1000, 21)
    [found] = findings.for_agreement(agreement).of_kind("manifest_disagrees_with_figure")
    assert "lists 21 delivered" in found.message
    assert [
        f.detail["bag_number"] for f in findings.for_agreement(agreement).of_kind("line_without_remains")
    ] == ["DEMO-BAG-021"]


def test_the_demo_command_builds_and_says_the_demo_asks_no_authenticator_code(tmp_path) -> None:
    """`homecoming demo --no-serve`: the shared demo users log in with the password alone, and it says so;
    the portal's code and secret pairs are printed, and printed again when the demo starts once more."""
    import json
    import os
    import re
    import stat
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOMECOMING_", "DATABASE_URL"))}
    env["HOMECOMING_DATA_DIR"] = str(tmp_path / "demo")
    done = subprocess.run(
        [sys.executable, "-m", "homecoming.cli", "demo", "--no-serve", "--persons", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "no authenticator code is asked for" in done.stdout
    from homecoming.app.demo import DEMO_USERS

    printed = {line.split()[0] for line in done.stdout.splitlines() if line.startswith("  ") and line.split()}
    assert set(DEMO_USERS) <= printed  # every login, each on its line with its role
    assert re.search(r"^building demo: step 6/6: ", done.stdout, re.M)  # not a terminal: progress lines
    assert (tmp_path / "demo" / "homecoming.env").exists() and (tmp_path / "demo" / "kinship").is_dir()
    assert (tmp_path / "demo" / "homecoming.sqlite3").exists()
    # the three request codes and secrets of the family portal, printed again when the demo restarts
    pairs = re.findall(r"\((uk|ru|en) request\): code (\S+), secret (\S+)", done.stdout)
    assert "ru" in {lang for lang, _code, _secret in pairs}  # (a demo of 3 persons has few requests)
    kept = tmp_path / "demo" / "demo-portal-pairs.json"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert [tuple(p) for p in json.loads(kept.read_text(encoding="utf-8"))] == pairs
    again = subprocess.run(
        [sys.executable, "-m", "homecoming.cli", "demo", "--no-serve", "--persons", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr
    assert "already exists" in again.stdout
    assert re.findall(r"\((uk|ru|en) request\): code (\S+), secret (\S+)", again.stdout) == pairs


def test_the_genetics_demo_has_a_table_in_force_dna_for_the_batch_and_families(tmp_path) -> None:
    """The frequency table in force, the batch's profiles, families (services and bulk path), consent."""
    from homecoming.app.demo_dna import BODY_FAMILIES
    from homecoming.app.demo_families import SERVICE_FAMILIES
    from homecoming.app.demo_genetics import PENDING, STAFF
    from homecoming.app.genetics import frequencies
    from homecoming.app.genetics.models import (
        ConsentEvent,
        EliminationMatch,
        FamilyMember,
        Profile,
        ReferenceFamily,
        ReferenceSample,
    )

    families = (
        SERVICE_FAMILIES + 16
    )  # some through the services, the rest by the bulk path; seed of `make demo`
    assert build_demo(persons=12, seed=2025, families=families, lab_files=tmp_path / "lab-files") == 12
    table = frequencies.table_in_force()
    assert table is not None and len(table.markers) == 35
    assert ReferenceFamily.objects.count() == families
    assert FamilyMember.objects.filter(relation="missing").values("person").distinct().count() == families
    assert ReferenceSample.objects.count() == Profile.objects.filter(kind="reference").count() > 2 * families
    withdrawn = ConsentEvent.objects.filter(action="withdrawn")
    assert {"domestic", "research", "interpol"} <= set(withdrawn.values_list("scope", flat=True))
    assert ConsentEvent.objects.filter(action="given", scope="icrc").count() >= families // 5
    samples = list(Sample.objects.filter(unit__batch__reference__isnull=False).order_by("id"))
    typed = [s for s in samples if s.profiles.filter(kind="post_mortem").exists()]
    assert len(samples) == 21 and len(typed) == len(samples) - PENDING
    assert Profile.objects.filter(kind="elimination").count() == STAFF
    assert EliminationMatch.objects.count() >= 1  # the contaminated sample
    bodies = [_genotypes(p) for p in Profile.objects.filter(kind="post_mortem")]
    children_of_family = 0
    for k in range(BODY_FAMILIES):
        refs = {
            r.reference_sample.member.relation: _genotypes(r)
            for r in Profile.objects.filter(
                reference_sample__lab_reference__startswith=f"DEMO-RS-{k + 1:05d}:"
            )
        }
        if {"father", "mother"} <= set(refs):
            children_of_family += any(_child_of(b, refs["father"], refs["mother"]) for b in bodies)
    assert children_of_family >= 1  # a body is the missing child of a demo family's typed parents
    assert sorted(p.name for p in (tmp_path / "lab-files").iterdir()) == sorted(
        [
            "batch-good.xml",
            "batch-second-run-genemapper.txt",
            "family-1.fam",
            "problem-33-loci.xml",
            "problem-allele-8.2.1.xml",
            "problem-external-entity.xml",
            "problem-no-marker-column.txt",
            "problem-same-specimen-twice.xml",
            "problem-unknown-specimen.xml",
        ]
    )
    committed = Path(__file__).resolve().parents[2] / "demo" / "lab-files"
    for made in (tmp_path / "lab-files").iterdir():  # the committed files are what the demo writes
        assert _same_but_the_year(made.read_bytes()) == _same_but_the_year(
            (committed / made.name).read_bytes()
        )
    from homecoming.app.genetics.fam_exchange import export_fam
    from homecoming.kinship.formats.familias import read_fam

    analyst = get_user_model().objects.get(username="analyst")
    exported = export_fam(actor=analyst, scope="domestic")  # every body has a sex: the export works
    (tmp_path / "export.fam").write_bytes(exported)
    fam = read_fam(tmp_path / "export.fam")
    assert fam.has_dvi and len(fam.victims) == len(typed) and len(fam.families) >= BODY_FAMILIES
    assert {sex for _profile, sex in fam.victims} == {"male", "female"} or all(
        sex == "male" for _profile, sex in fam.victims
    )
    report = audit.verify()
    assert report.ok


def _same_but_the_year(data: bytes) -> bytes:
    """The file with its sample references blanked (they carry the year the demo was built)."""
    return re.sub(rb"SM-\d{4}-\d{6}-\d{2}", b"SM-YYYY-NNNNNN-CC", data)


def _genotypes(profile) -> dict[str, tuple[str, ...]]:
    return {e["locus"]: tuple(e["used"]) for e in profile.loci}


def _child_of(child, father, mother) -> bool:
    """Mendelian compatibility at every locus the three share (no mutation in the demo's simulation)."""
    for locus, (a, b) in ((lo, g) for lo, g in child.items() if len(g) == 2):
        f, m = father.get(locus), mother.get(locus)
        if f is None or m is None:
            continue
        if not ((a in f and b in m) or (b in f and a in m)):
            return False
    return True


def test_the_demo_lists_preview_with_every_class_of_row(tmp_path: Path) -> None:
    from homecoming.app.demo_lists import STRANGERS, write_lists
    from homecoming.app.registry.importing import import_persons

    build_demo(persons=20, seed=7)
    csv_path, xlsx_path, manifest = write_lists(tmp_path / "lists")
    before = Person.objects.count()
    report = import_persons(actor=None, path=csv_path, dry_run=True)
    assert report.preview is not None
    counts = report.preview.counts()
    assert counts["match"] >= 8, [(r.name, r.kind, r.candidates[:1]) for r in report.preview.rows]
    assert counts["new"] >= len(STRANGERS)
    assert report.rows == 14 + len(STRANGERS)
    xlsx = import_persons(actor=None, path=xlsx_path, dry_run=True)
    assert xlsx.preview is not None and xlsx.preview.counts() == counts
    assert Person.objects.count() == before
    # the manifest of bodies said to be demo persons: imported into an operation, its names link
    from homecoming.app.exchanges.linking import link_manifest
    from homecoming.app.exchanges.manifests import import_manifest

    operation = Operation.objects.get(reference="REM-2025-08-19")
    coordinator = get_user_model().objects.get(username="coordinator")
    imported = import_manifest(
        actor=coordinator,
        operation=operation,
        sending="RU",
        receiving="UA",
        stage="executed",
        name=manifest.name,
        data=manifest.read_bytes(),
    )
    result = link_manifest(actor=coordinator, version_id=imported["version_id"], dry_run=True)
    assert len(result.links) >= 6, result
