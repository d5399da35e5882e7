"""Importing a lab file: owners, every problem at once, atomicity, replicates, elimination and duplicates."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from homecoming.app.audit.models import AuditRecord
from homecoming.app.genetics import importing
from homecoming.app.genetics.models import (
    EliminationMatch,
    LabFile,
    Profile,
    ProposalDecision,
    ReassociationProposal,
)
from homecoming.app.remains.models import UnitLink
from homecoming.errors import AlreadyImported, ImportFileError, PermissionDenied, Problem, StateError

from . import lab_world
from .lab_world import lab_file, lab_profile, mixture, random_genotypes, reference_sample

analyst, examiner, world = lab_world.analyst, lab_world.examiner, lab_world.world

pytestmark = pytest.mark.django_db


def _import(actor: Any, *profiles: Any, **kwargs: Any) -> importing.ImportReport:
    lab, digest = lab_file(*profiles, seed=kwargs.pop("seed", ""))
    return importing.import_read(actor=actor, lab=lab, digest=digest, **kwargs)


def test_profiles_land_on_their_samples_reference_samples_and_as_elimination(
    analyst: Any, world: Any
) -> None:
    rng = np.random.default_rng(1)
    s0, s1, _ = world["samples"]
    reference_sample("LAB-REF-1")
    report = _import(
        analyst,
        lab_profile(s0.reference, random_genotypes(rng), line=3),
        lab_profile(s1.reference.lower(), random_genotypes(rng), line=9),
        lab_profile("LAB-REF-1", random_genotypes(rng), category="mother", line=15),
        lab_profile("STAFF-7", random_genotypes(rng), category="staff", line=21),
        batch=world["batch"],
    )
    assert report.counts["profiles"] == 4
    assert (report.counts["post_mortem"], report.counts["reference"], report.counts["elimination"]) == (
        2,
        1,
        1,
    )
    lab = LabFile.objects.get()
    assert lab.reference == report.lab_file and lab.reference.startswith("LF-")
    assert lab.profile_count == 4 and lab.batch == world["batch"]
    by_specimen = {p.specimen: p for p in Profile.objects.all()}
    assert by_specimen[s0.reference].sample == s0
    assert by_specimen[s1.reference.lower()].sample == s1
    assert by_specimen["LAB-REF-1"].reference_sample.lab_reference == "LAB-REF-1"
    staff = by_specimen["STAFF-7"]
    assert staff.kind == "elimination" and staff.sample is None and staff.reference_sample is None
    first = by_specimen[s0.reference]
    assert first.reference.startswith("DP-") and first.line == 3 and first.lab_file == lab
    assert first.locus_count == 24 and first.replicate == 1
    d3 = next(lc for lc in first.loci if lc["locus"] == "D3S1358")
    assert set(d3) == {"locus", "written_name", "written", "used", "flags", "kit", "batch"}


def test_one_audit_record_for_the_import_with_counts_and_no_alleles(analyst: Any, world: Any) -> None:
    rng = np.random.default_rng(2)
    genotypes = random_genotypes(rng)
    before = AuditRecord.objects.count()
    _import(analyst, lab_profile(world["samples"][0].reference, genotypes))
    records = list(AuditRecord.objects.order_by("seq")[before:])
    assert [r.action for r in records] == ["import_file"]
    after = records[0].after
    assert after["profiles"] == 1 and after["post_mortem"] == 1
    assert after["frequency_table"] == "builtin:norwegian"
    text = str(after) + records[0].reason
    assert "D3S1358" not in text and "'used'" not in text


def test_a_dry_run_writes_nothing_and_says_what_would_be_written(analyst: Any, world: Any) -> None:
    rng = np.random.default_rng(3)
    before = AuditRecord.objects.count()
    report = _import(
        analyst,
        lab_profile(world["samples"][0].reference, random_genotypes(rng), line=4),
        mixture(world["samples"][1].reference, rng, line=10),
        dry_run=True,
    )
    assert report.dry_run and report.counts["profiles"] == 2 and report.counts["excluded"] == 1
    assert [(s.line, s.owner, s.kind) for s in report.profiles] == [
        (4, world["samples"][0].reference, "post_mortem"),
        (10, world["samples"][1].reference, "post_mortem"),
    ]
    assert report.profiles[1].excluded_reason.startswith("mixture")
    assert Profile.objects.count() == LabFile.objects.count() == 0
    assert AuditRecord.objects.count() == before


def test_every_problem_of_file_and_database_at_once_and_nothing_written(analyst: Any, world: Any) -> None:
    rng = np.random.default_rng(4)
    reader_problem = Problem(
        "specimen X, locus D8S1179", "allele 'ab' is not an allele", "ab", "write a repeat number", 7
    )
    lab, digest = lab_file(
        lab_profile("SM-2099-000001-00", random_genotypes(rng), line=3),
        lab_profile(world["other_samples"][0].reference, random_genotypes(rng), line=5),
        lab_profile("NO-SUCH-REF", random_genotypes(rng), category="sibling", line=9),
        lab_profile("STAFF-1", random_genotypes(rng), category="staff", line=11),
        problems=[reader_problem],
    )
    with pytest.raises(ImportFileError) as caught:
        importing.import_read(actor=analyst, lab=lab, digest=digest, batch=world["batch"])
    error = caught.value
    assert error.message.startswith("4 problems in laboratory file synthetic.xml")
    texts = [str(p) for p in error.problems]
    assert (
        texts[0]
        == "row 7, specimen X, locus D8S1179: allele 'ab' is not an allele (got 'ab'); write a repeat number"
    )
    assert texts[1].startswith(
        "row 3, specimen SM-2099-000001-00: is a post-mortem specimen (Unidentified Person) but names no "
        "remains sample (got 'SM-2099-000001-00'); write the sample's reference"
    )
    other = world["other_samples"][0]
    assert (
        f"row 5, specimen {other.reference}: is sample {other.reference} of unit {other.unit.reference} in "
        f"batch {world['other_batch'].reference}, not of batch {world['batch'].reference}" in texts[2]
    )
    assert texts[3].startswith(
        "row 9, specimen NO-SUCH-REF: is a reference specimen (Sibling) but names no reference sample"
    )
    assert Profile.objects.count() == LabFile.objects.count() == 0


def test_an_unknown_batch_is_a_problem(analyst: Any, world: Any) -> None:
    rng = np.random.default_rng(5)
    with pytest.raises(ImportFileError) as caught:
        _import(
            analyst,
            lab_profile(world["samples"][0].reference, random_genotypes(rng)),
            batch="IB-2000-000000-00",
        )
    assert str(caught.value.problems[0]).startswith("batch: is not an intake batch of Homecoming")


def test_a_failure_while_writing_leaves_nothing(analyst: Any, world: Any, monkeypatch: Any) -> None:
    rng = np.random.default_rng(6)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_write_matches", broken)
    before = AuditRecord.objects.count()
    with pytest.raises(RuntimeError):
        _import(analyst, lab_profile(world["samples"][0].reference, random_genotypes(rng)))
    assert Profile.objects.count() == LabFile.objects.count() == 0
    assert AuditRecord.objects.count() == before


def test_the_same_file_again_is_refused_unless_a_reason_is_given(analyst: Any, world: Any) -> None:
    rng = np.random.default_rng(7)
    profile = lab_profile(world["samples"][0].reference, random_genotypes(rng))
    _import(analyst, profile)
    with pytest.raises(AlreadyImported) as caught:
        _import(analyst, profile)
    assert "was imported on" in caught.value.message and "nothing imported" in caught.value.message
    assert Profile.objects.count() == 1
    report = _import(analyst, profile, again_reason="the laboratory re-ran the plate")
    assert report.profiles[0].replicate == 2
    assert Profile.objects.filter(replicate__gte=1).count() == 2


def test_a_mixture_is_stored_but_excluded_and_never_compared(analyst: Any, world: Any) -> None:
    rng = np.random.default_rng(8)
    m = mixture(world["samples"][0].reference, rng)
    _import(analyst, m, lab_profile("STAFF-1", m.genotypes() | {"D3S1358": ("14", "15")}, category="staff"))
    stored = Profile.objects.get(kind="post_mortem")
    assert stored.excluded_reason.startswith("mixture") and not stored.usable and "mixture" in stored.flags
    assert EliminationMatch.objects.count() == 0


def test_a_post_mortem_profile_matching_a_staff_profile_is_flagged(analyst: Any, world: Any) -> None:
    rng = np.random.default_rng(9)
    staff = random_genotypes(rng)
    _import(analyst, lab_profile("STAFF-3", staff, category="staff"), seed="staff")
    report = _import(
        analyst,
        lab_profile(world["samples"][0].reference, staff, line=2),
        lab_profile(world["samples"][1].reference, random_genotypes(rng), line=8),
    )
    assert report.counts["elimination_matches"] == 1
    match = EliminationMatch.objects.get()
    assert match.profile.sample == world["samples"][0] and match.elimination.specimen == "STAFF-3"
    assert match.compared_loci == 23 and match.mismatched_loci == 0 and match.log10_lr > 15
    assert "elimination_match" in match.profile.flags
    assert "elimination_match" not in Profile.objects.get(sample=world["samples"][1]).flags


def test_two_bags_of_one_body_are_proposed_and_a_confirmation_links_the_units(
    analyst: Any, examiner: Any, world: Any
) -> None:
    from homecoming.app.genetics import proposals

    rng = np.random.default_rng(10)
    body = random_genotypes(rng)
    _import(analyst, lab_profile(world["samples"][0].reference, body), seed="first")
    partial = dict(body)
    partial["FGA"] = (body["FGA"][0],)  # drop-out at one locus: still the same person
    report = _import(
        analyst,
        lab_profile(world["other_samples"][1].reference, partial),
        lab_profile(world["other_samples"][0].reference, random_genotypes(rng)),
    )
    assert report.counts["proposals"] == 1
    proposal = ReassociationProposal.objects.get()
    assert {proposal.profile.sample, proposal.other.sample} == {
        world["samples"][0],
        world["other_samples"][1],
    }
    assert proposal.compared_loci == 22 and proposal.log10_lr > 15 and proposal.frequency_table is None
    assert "duplicate" in proposal.profile.flags
    with pytest.raises(PermissionDenied):
        proposals.decide_proposal(actor=analyst, proposal_id=proposal.pk, decision="confirmed", reason="same")
    decision = proposals.decide_proposal(
        actor=examiner, proposal_id=proposal.pk, decision="confirmed", reason="DNA and anthropology agree"
    )
    link = UnitLink.objects.get()
    assert decision.unit_link == link and link.kind == "same_individual"
    assert {link.unit, link.other} == {world["samples"][0].unit, world["other_samples"][1].unit}
    with pytest.raises(StateError):
        proposals.decide_proposal(actor=examiner, proposal_id=proposal.pk, decision="rejected", reason="x")
    assert ProposalDecision.objects.count() == 1


def test_a_rejection_writes_no_link(examiner: Any, analyst: Any, world: Any) -> None:
    from homecoming.app.genetics import proposals

    rng = np.random.default_rng(11)
    body = random_genotypes(rng)
    _import(
        analyst,
        lab_profile(world["samples"][0].reference, body),
        lab_profile(world["samples"][1].reference, body),
    )
    proposal = ReassociationProposal.objects.get()
    decision = proposals.decide_proposal(
        actor=examiner, proposal_id=proposal.pk, decision="rejected", reason="identical twins"
    )
    assert decision.unit_link is None and UnitLink.objects.count() == 0


def test_unrelated_profiles_and_one_units_replicates_are_not_proposed(analyst: Any, world: Any) -> None:
    rng = np.random.default_rng(12)
    body = random_genotypes(rng)
    _import(
        analyst,
        *[lab_profile(s.reference, random_genotypes(rng), line=i) for i, s in enumerate(world["samples"])],
    )
    _import(analyst, lab_profile(world["samples"][0].reference, body), seed="again")
    assert ReassociationProposal.objects.count() == 0


def test_replicates_of_one_sample_get_a_consensus_listing_every_conflict(analyst: Any, world: Any) -> None:
    rng = np.random.default_rng(13)
    sample = world["samples"][0]
    first = random_genotypes(rng)
    second = dict(first)
    second["TH01"] = ("5", "6") if first["TH01"] != ("5", "6") else ("7", "8")  # disagrees
    second["FGA"] = (first["FGA"][0],)  # drop-out
    _import(analyst, lab_profile(sample.reference, first), seed="a")
    report = _import(analyst, lab_profile(sample.reference, second), seed="b")
    assert report.counts["consensus"] == 1 and report.profiles[0].replicate == 2
    reps = list(Profile.objects.filter(sample=sample, replicate__gte=1).order_by("replicate"))
    assert [r.replicate for r in reps] == [1, 2]
    made = Profile.objects.get(sample=sample, replicate=0)
    assert made.consensus_of == [reps[0].reference, reps[1].reference]
    by_locus = {c["locus"]: c for c in made.conflicts}
    assert set(by_locus) == {"TH01", "FGA"}
    assert by_locus["TH01"]["kind"] == "disagree" and by_locus["TH01"]["used"] == []
    assert by_locus["FGA"]["kind"] == "dropout" and by_locus["FGA"]["used"] == sorted(first["FGA"])
    assert made.locus_count == 23  # TH01 left out
    assert "TH01" not in {lc["locus"] for lc in made.loci}


def test_the_loci_json_written_directly_is_the_json_of_the_loci() -> None:
    import json

    from homecoming.app.genetics.profile_rows import loci_json, loci_rows
    from homecoming.kinship.formats.lab import LabLocus

    loci = [
        LabLocus("D3S1358", "D3", ('"15"', "é\\"), ("15", "16"), ("one_allele",), "GlobalFiler", "B/1"),
        LabLocus("AMEL", "Amelogenin", ("X",), ("X",)),
    ]
    assert json.loads(loci_json(loci)) == loci_rows(loci)
