"""``rederive``: a report's evidence recomputed from its stored inputs, every number compared bit for bit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from typer.testing import CliRunner

from homecoming.app.audit import insert_only
from homecoming.app.genetics import frequencies
from homecoming.app.identification import reports
from homecoming.app.identification.rederive import find_report, rederive
from homecoming.kinship.formats.frequencies import FrequencyTable as PureTable
from homecoming.kinship.formats.frequency_layouts import write_euroformix

from . import report_world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(make_user: Any, person: Any) -> Any:
    """A signed identification: a body that is the son of the typed father and brother of the sister."""
    liaison, examiner = make_user("family_liaison", "liaison"), make_user("forensic_examiner", "examiner")
    analyst, reviewer = make_user("dna_analyst", "analyst"), make_user("identification_reviewer", "reviewer")
    genos = w.trio()
    w.family(liaison, person, genos)
    unit = w.body(examiner, genos["body"])
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    return reports.get_report(report.pk)


def _table_text(halve: str = "") -> str:
    """The built-in Norwegian table as a file (with ``halve``, that marker's first allele at half)."""
    markers = PureTable.builtin("norwegian").as_mapping()
    if halve:
        first = next(iter(markers[halve]))
        markers[halve] = {**markers[halve], first: markers[halve][first] / 2}
    return write_euroformix(markers)


def _tamper(table: str, sql: str, params: list[Any]) -> None:
    """What a DBA with rights to drop the insert-only triggers could do."""
    insert_only.remove(connection, table)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        insert_only.install(connection, table)


def test_a_stored_report_recomputes_identically(signed: Any) -> None:
    got = rederive(signed)
    names = {c.name for c in got.compared}
    assert got.identical, got.differences
    assert got.evidence == 1 and got.report == signed.reference
    assert {"lr", "posterior", "prior", "frequency_table.sha256", "per_marker[TH01]"} <= names
    assert "factors[sex].lr" in names and "inputs.family.pedigree" in names
    assert next(c for c in got.compared if c.name == "lr").stored == signed.evidence.lr


def test_a_changed_stored_number_is_named_with_old_and_new_value(signed: Any) -> None:
    ev = signed.evidence
    _tamper(
        "identification_reportevidence",
        "UPDATE identification_reportevidence SET posterior = %s WHERE id = %s",
        ["0.5", ev.pk],
    )
    got = rederive(find_report(signed.reference))
    assert not got.identical
    assert [(d.name, d.stored, d.recomputed) for d in got.differences] == [
        ("posterior (report column)", "0.5", ev.data["posterior"])
    ]


def test_a_new_table_in_force_does_not_change_the_stored_report(make_user: Any, signed: Any) -> None:
    analyst = make_user("dna_analyst", "analyst2")
    frequencies.import_table(
        actor=analyst,
        text=_table_text("TH01"),
        normalise=True,
        name="Other",
        population="synthetic",
        source="test",
        minimum_rule="none",
        activate_reason="a newer table",
    )
    assert frequencies.table_in_force() is not None
    assert rederive(signed).identical


def test_a_changed_frequency_table_is_named(make_user: Any, person: Any) -> None:
    """A report computed with an imported table; the table's stored frequencies changed behind its back:
    its SHA-256 and the LRs of the marker differ, each named."""
    analyst = make_user("dna_analyst", "analyst")
    table = frequencies.import_table(
        actor=analyst,
        text=_table_text(),
        name="Norwegian copy",
        population="synthetic",
        source="test",
        minimum_rule="none",
        activate_reason="in force",
    )
    genos = w.trio()
    w.family(make_user("family_liaison", "liaison"), person, genos)
    unit = w.body(make_user("forensic_examiner", "examiner"), genos["body"])
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    assert report.evidence.data["provenance"]["frequency_table"]["id"] == table.reference
    assert rederive(report).identical
    markers = dict(table.markers)
    allele = genos["body"]["TH01"][0]
    other = next(a for a in markers["TH01"] if a != allele)  # mass moved between two alleles: sums to 1
    shift = markers["TH01"][allele] / 2
    markers["TH01"] = {
        **markers["TH01"],
        allele: markers["TH01"][allele] - shift,
        other: markers["TH01"][other] + shift,
    }
    _tamper(
        "genetics_frequencytable",
        "UPDATE genetics_frequencytable SET markers = %s WHERE id = %s",
        [json.dumps(markers), table.pk],
    )
    got = rederive(report)
    names = [d.name for d in got.differences]
    assert names[0] == "frequency_table.sha256"
    assert "per_marker[TH01]" in names and "lr" in names
    assert "per_marker[D3S1358]" not in names
    th01 = next(d for d in got.differences if d.name == "per_marker[TH01]")
    assert float(th01.stored) != float(th01.recomputed)


def test_the_command_exits_0_when_identical_and_1_naming_the_difference(signed: Any) -> None:
    from homecoming.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["identification", "rederive", signed.reference])
    assert ok.exit_code == 0, ok.output
    assert "identical" in ok.output
    _tamper(
        "identification_reportevidence",
        "UPDATE identification_reportevidence SET lr = %s WHERE id = %s",
        ["12345.0", signed.evidence.pk],
    )
    bad = runner.invoke(app, ["identification", "rederive", signed.reference])
    assert bad.exit_code == 1, bad.output
    assert "lr (report column)" in bad.output and "12345.0" in bad.output
    missing = runner.invoke(app, ["identification", "rederive", "CR-9999999"])
    assert missing.exit_code != 0 and "no comparison report" in missing.output


def test_a_direct_match_recomputes_identically_and_a_changed_profile_is_named(make_user: Any) -> None:
    """EQUL: two records of one person; a profile's alleles changed behind the report's back are named
    (its digest and the markers' LRs)."""
    examiner, analyst = make_user("forensic_examiner", "examiner"), make_user("dna_analyst", "analyst")
    genos = w.trio()
    a = w.body(examiner, genos["body"], bag="BAG-A")
    b = w.body(examiner, genos["body"], bag="BAG-B")
    report = reports.draft(actor=analyst, data={"kind": "EQUL", "unit": a.pk, "other_unit": b.pk})
    got = rederive(report)
    assert got.identical, got.differences
    assert "inputs.other.digest" in {c.name for c in got.compared}
    from homecoming.app.genetics.models import Profile

    other = Profile.objects.get(sample__unit=b)
    loci = [dict(e) for e in other.loci]
    th01 = next(e for e in loci if e["locus"] == "TH01")
    th01["used"] = ["8", "8"] if th01["used"] != ["8", "8"] else ["9", "9"]
    _tamper(
        "genetics_profile",
        "UPDATE genetics_profile SET loci = %s WHERE id = %s",
        [json.dumps(loci), other.pk],
    )
    names = [d.name for d in rederive(report).differences]
    assert "inputs.other.digest" in names and "per_marker[TH01]" in names
    assert "per_marker[D3S1358]" not in names and "per_marker[FGA]" not in names
