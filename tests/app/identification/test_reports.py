"""Comparison reports: evidence from the stored inputs, the rules, four eyes, signing and its effects."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.db import DatabaseError, transaction

from homecoming.app.audit.models import AuditRecord
from homecoming.app.genetics import family_records
from homecoming.app.genetics.pedigree_view import build_pedigree
from homecoming.app.identification import report_evidence, reports
from homecoming.app.identification.models_reports import (
    ComparisonReport,
    FamilyNotification,
    ReportEvidence,
    ReportTransition,
)
from homecoming.app.registry.models import StatusAssertion
from homecoming.app.remains.models import RemainsUnit
from homecoming.errors import ConflictError, PermissionDenied, StateError, TransitionError, ValidationError
from homecoming.kinship.formats.frequencies import FrequencyTable
from homecoming.kinship.lr import missing_person_lr
from homecoming.kinship.model.markers import Profile as KinProfile

from . import report_world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def liaison(make_user: Any) -> Any:
    return make_user("family_liaison", "liaison")


@pytest.fixture
def analyst(make_user: Any) -> Any:
    return make_user("dna_analyst", "analyst")


@pytest.fixture
def examiner(make_user: Any) -> Any:
    return make_user("forensic_examiner", "examiner")


@pytest.fixture
def genos() -> dict[str, dict[str, list[str]]]:
    return w.trio()


@pytest.fixture
def case(liaison: Any, examiner: Any, person: Any, genos: Any) -> dict[str, Any]:
    return {
        "family": w.family(liaison, person, genos),
        "unit": w.body(examiner, genos["body"]),
        "person": person,
    }


def _draft(analyst: Any, case: dict[str, Any], **extra: Any) -> ComparisonReport:
    return reports.draft(
        actor=analyst, data={"kind": "IDEN", "unit": case["unit"].pk, "person": case["person"].pk, **extra}
    )


def test_the_stored_lrs_equal_missing_person_lr_for_the_same_inputs(
    analyst: Any, case: dict[str, Any], genos: Any
) -> None:
    report = _draft(analyst, case)
    ev = report.evidence
    assert ev is not None and ev.number == 1
    table = FrequencyTable.builtin("norwegian")
    fam = case["family"]
    live = list(fam.members.filter(removed__isnull=True).order_by("id"))
    codes = {m.relation: m.code for m in live}
    family = {
        codes["father"]: KinProfile.from_mapping(codes["father"], genos["father"]),
        codes["full_sibling"]: KinProfile.from_mapping(codes["full_sibling"], genos["sister"]),
    }
    poi = KinProfile.from_mapping("POI", genos["body"])
    mut = report_evidence.mutation()
    ped = build_pedigree(live)
    expected = missing_person_lr(
        ped, codes["missing"], poi, family=family, loci=table.loci(sorted(w.MARKERS), mutation=mut)
    )
    assert float(ev.lr) == expected.lr and expected.lr > 1e6
    assert [(r["marker"], float(r["lr"])) for r in ev.data["per_marker"]] == list(
        zip(expected.markers, expected.lrs, strict=True)
    )
    plain = missing_person_lr(ped, codes["missing"], poi, family=family, loci=table.loci(sorted(w.MARKERS)))
    assert [float(r["lr"]) for r in ev.data["per_marker_without_mutation"]] == list(plain.lrs)
    assert math.prod(float(r["lr"]) for r in ev.data["per_marker"]) == pytest.approx(float(ev.lr), rel=1e-9)
    assert ev.data["inconsistent"] == [] and ev.data["failed"] == []
    assert ev.data["family_rule"]["met"] and ev.data["family_rule"]["route"] == "two_relatives"
    assert ev.data["prior_n"] == 1 and float(ev.data["posterior"]) == 1.0
    prov = ev.data["provenance"]
    assert prov["frequency_table"]["id"] == table.id and len(prov["frequency_table"]["sha256"]) == 64
    assert (
        prov["parameters"]["mutation"]["female"]["model"] == "stepwise" and prov["parameters"]["theta"] == 0.0
    )
    assert prov["version"] and set(prov["inputs"]) == {"body", "family"}


def test_a_body_without_profile_cannot_be_reported(
    analyst: Any, examiner: Any, case: dict[str, Any], genos: Any
) -> None:
    bare = w.body(examiner, genos["body"], bag="BAG-2", profiled=False)
    before = (ComparisonReport.objects.count(), AuditRecord.objects.count())
    with pytest.raises(StateError, match=f"{bare.reference} has no usable DNA profile"):
        _draft(analyst, {**case, "unit": bare})
    assert (ComparisonReport.objects.count(), AuditRecord.objects.count()) == before


def test_bad_input_names_every_problem_and_writes_nothing(analyst: Any) -> None:
    with pytest.raises(ValidationError) as err:
        reports.draft(actor=analyst, data={"kind": "XXX", "unit": 999999})
    fields = {p.field for p in err.value.problems}
    assert fields == {"kind", "unit"}
    assert "no remains unit with id 999999" in [p.message for p in err.value.problems]
    assert ComparisonReport.objects.count() == 0


def test_propose_then_sign_identifies_with_every_effect(
    analyst: Any, reviewer: Any, case: dict[str, Any]
) -> None:
    report = _draft(analyst, case)
    reports.propose(actor=analyst, report_id=report.pk, expected_version=report.version)
    unit = RemainsUnit.objects.get(pk=case["unit"].pk)
    assert unit.state == "identification_proposed"
    assert list(reports.to_sign(reviewer)) == [report] and list(reports.to_sign(analyst)) == []
    signed = reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    assert signed.state == "identified" and signed.signed_by == reviewer
    moves = list(
        ReportTransition.objects.filter(report=report).values_list(
            "from_state", "to_state", "actor__username"
        )
    )
    assert moves == [
        ("", "draft", "analyst"),
        ("draft", "proposed", "analyst"),
        ("proposed", "signed", "reviewer"),
        ("signed", "identified", "reviewer"),
    ]
    assert RemainsUnit.objects.get(pk=unit.pk).state == "identified"
    claim = StatusAssertion.objects.get(person=case["person"])
    assert (claim.status, claim.source_type, claim.review_state) == (
        "confirmed_dead",
        "forensic_report",
        "accepted",
    )
    assert claim.source_name == f"comparison report {report.reference}" and claim.submitted_by == analyst
    case["person"].refresh_from_db()
    assert case["person"].current_status == "confirmed_dead"
    note = FamilyNotification.objects.get(report=report)
    assert note.family == case["family"] and list(reports.to_notify()) == [note]
    actions = list(
        AuditRecord.objects.filter(object_type="identification.comparisonreport").values_list(
            "action", flat=True
        )
    )
    assert actions == ["create", "report proposed", "report signed", "report identified"]
    # the remains can now be handed over to the family (remains.handover), not released by hand
    from homecoming.app.remains import services as remains

    with pytest.raises(TransitionError, match="no signed handover record to the family"):
        remains.transition(actor=None, unit_id=unit.pk, target="released_to_family")


def test_a_reviewer_cannot_sign_their_own_proposal(
    make_user: Any, analyst: Any, case: dict[str, Any]
) -> None:
    from homecoming.app.accounts.roles import Role
    from homecoming.app.accounts.services import create_user

    both = create_user(
        username="both", password=w.PASSWORD, role=Role.identification_reviewer, check_password=False
    )
    both.groups.add(*analyst.groups.all())
    report = _draft(both, case)
    reports.propose(actor=both, report_id=report.pk)
    with pytest.raises(
        PermissionDenied, match="must be reviewed by someone other than the person who proposed it"
    ):
        reports.sign(actor=both, report_id=report.pk, password=w.PASSWORD)
    assert ComparisonReport.objects.get(pk=report.pk).state == "proposed"


def test_signing_asks_the_password_again(analyst: Any, reviewer: Any, case: dict[str, Any]) -> None:
    report = _draft(analyst, case)
    reports.propose(actor=analyst, report_id=report.pk)
    with pytest.raises(PermissionDenied, match="the password is not correct"):
        reports.sign(actor=reviewer, report_id=report.pk, password="wrong")
    assert ComparisonReport.objects.get(pk=report.pk).state == "proposed"


def test_signing_asks_the_authenticator_code_when_the_user_has_one(
    analyst: Any, reviewer: Any, case: dict[str, Any]
) -> None:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    report = _draft(analyst, case)
    reports.propose(actor=analyst, report_id=report.pk)
    with pytest.raises(PermissionDenied, match="the authenticator code is not correct"):
        reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD, otp_token="000000")
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    assert (
        reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD, otp_token=f"{code:06d}").state
        == "identified"
    )


def test_the_second_of_two_signers_gets_a_conflict(
    make_user: Any, analyst: Any, reviewer: Any, case: dict[str, Any]
) -> None:
    other = make_user("identification_reviewer", "reviewer2")
    report = _draft(analyst, case)
    reports.propose(actor=analyst, report_id=report.pk)
    seen = ComparisonReport.objects.get(pk=report.pk).version  # both opened the report at this version
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD, expected_version=seen)
    before = AuditRecord.objects.count()
    with pytest.raises(ConflictError, match=f"{report.reference} was already signed by reviewer"):
        reports.sign(actor=other, report_id=report.pk, password=w.PASSWORD, expected_version=seen)
    assert AuditRecord.objects.count() == before
    assert StatusAssertion.objects.filter(person=case["person"]).count() == 1


def test_return_needs_a_reason_and_sends_the_body_back(
    analyst: Any, reviewer: Any, case: dict[str, Any]
) -> None:
    report = _draft(analyst, case)
    reports.propose(actor=analyst, report_id=report.pk)
    with pytest.raises(ValidationError, match="reason"):
        reports.send_back(actor=reviewer, report_id=report.pk, reason=" ")
    back = reports.send_back(actor=reviewer, report_id=report.pk, reason="type the mother too")
    assert back.state == "returned"
    assert RemainsUnit.objects.get(pk=case["unit"].pk).state == "candidate"
    assert (
        ReportTransition.objects.filter(report=report, to_state="returned").get().reason
        == "type the mother too"
    )
    assert list(reports.analyst_queue(analyst)) == [back]
    revised = reports.revise(actor=analyst, report_id=report.pk)
    assert revised.state == "draft" and revised.evidence is not None and revised.evidence.number == 2
    assert ReportEvidence.objects.filter(report=report).count() == 2
    with pytest.raises(TransitionError, match="cannot move from draft to signed"):
        reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)


def test_the_family_rule_blocks_until_a_senior_person_overrides_it(
    analyst: Any, reviewer: Any, liaison: Any, examiner: Any, person: Any, genos: Any, make_user: Any
) -> None:
    w.family(liaison, person, genos, sister=False)
    unit = w.body(examiner, genos["body"])
    report = _draft(analyst, {"unit": unit, "person": person})
    assert report.evidence is not None and report.evidence.data["failed"] == ["family_rule"]
    with pytest.raises(StateError, match="fails 1 rule"):
        reports.propose(actor=analyst, report_id=report.pk)
    for refused in (reviewer, analyst):
        with pytest.raises(PermissionDenied, match="only a senior person") as exc:
            reports.override_rule(actor=refused, report_id=report.pk, rule="family_rule", reason="x")
        assert "senior identification reviewer" in str(exc.value.hint)
    senior = make_user("senior_identification_reviewer", "senior")
    with pytest.raises(ValidationError, match="reason"):
        reports.override_rule(actor=senior, report_id=report.pk, rule="family_rule", reason="")
    with pytest.raises(ValidationError, match="is met by the evidence"):
        reports.override_rule(actor=senior, report_id=report.pk, rule="posterior", reason="x")
    reports.override_rule(
        actor=senior, report_id=report.pk, rule="family_rule", reason="father and dental records agree"
    )
    assert reports.propose(actor=analyst, report_id=report.pk).state == "proposed"
    assert reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD).state == "identified"
    audited = AuditRecord.objects.get(action="override rule", reason="father and dental records agree")
    assert audited.actor == senior
    row = report.evidence.overrides.get()
    assert (row.rule, row.actor, row.reason) == ("family_rule", senior, "father and dental records agree")


def _more_missing(registrar: Any, liaison: Any, n: int) -> None:
    """``n`` more missing persons whose families are in the domestic scope (the prior's N grows)."""
    from homecoming.app.genetics import families
    from homecoming.app.registry import services

    for i in range(n):
        other = services.create_person(
            actor=registrar,
            data={"sex": "male", "power": "UA"},
            names=[{"family_name": f"Тестовий{i}", "given_name": "Іван"}],
        )
        fam = families.create_family(actor=liaison, persons=[other.pk])
        family_records.record_consent(
            actor=liaison,
            family=fam,
            scope="domestic",
            action="given",
            on=__import__("datetime").date(2026, 1, 2),
        )


def test_the_posterior_rule_counts_the_missing_persons_in_scope(
    analyst: Any, liaison: Any, examiner: Any, person: Any, registrar: Any, settings: Any
) -> None:
    genos = w.trio(markers=w.MARKERS[:3])  # three markers: a weak LR
    w.family(liaison, person, genos)
    _more_missing(registrar, liaison, 4)
    unit = w.body(examiner, genos["body"])
    report = _draft(analyst, {"unit": unit, "person": person})
    ev = report.evidence
    assert ev is not None and ev.data["prior_n"] == 5
    lr = float(ev.lr)
    assert float(ev.posterior) == pytest.approx(lr * 0.2 / (lr * 0.2 + 0.8), rel=1e-12)
    assert float(ev.posterior) < 0.9995 and "posterior" in ev.data["failed"]


def test_an_inconsistent_marker_beyond_the_mutation_model_is_a_failed_rule(
    analyst: Any, liaison: Any, examiner: Any, person: Any, genos: Any
) -> None:
    body = {**genos["body"]}
    father = genos["father"]["D3S1358"]
    far = next(a for a in ("10", "11", "20", "21") if all(abs(int(a) - int(f)) > 3 for f in father))
    body["D3S1358"] = [far, far]  # the son shares no allele with the father, several repeats away
    w.family(liaison, person, genos)
    unit = w.body(examiner, body)
    ev = _draft(analyst, {"unit": unit, "person": person}).evidence
    assert ev is not None and ev.data["inconsistent"] == ["D3S1358"] and ev.data["unexplained"] == ["D3S1358"]
    assert "inconsistency" in ev.data["failed"]


def test_an_exclusion_signed_sends_the_body_back_and_notifies_no_family(
    analyst: Any, reviewer: Any, case: dict[str, Any]
) -> None:
    report = _draft(analyst, case, conclusion="exclusion")
    reports.propose(actor=analyst, report_id=report.pk)
    assert reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD).state == "excluded"
    assert not FamilyNotification.objects.exists() and not StatusAssertion.objects.exists()


def test_a_withdrawn_family_cannot_be_used(analyst: Any, liaison: Any, case: dict[str, Any]) -> None:
    import datetime as dt

    family_records.record_consent(
        actor=liaison, family=case["family"], scope="domestic", action="withdrawn", on=dt.date(2026, 2, 1)
    )
    with pytest.raises(StateError, match="has no consent in force for scope domestic"):
        _draft(analyst, case)


def test_equl_is_a_direct_match_of_two_bodies(analyst: Any, examiner: Any, genos: Any) -> None:
    a = w.body(examiner, genos["body"], bag="BAG-A")
    b = w.body(examiner, genos["body"], bag="BAG-B")
    report = reports.draft(actor=analyst, data={"kind": "EQUL", "unit": a.pk, "other_unit": b.pk})
    ev = report.evidence
    assert ev is not None and ev.data["inconsistent"] == [] and float(ev.lr) > 1e10
    table = FrequencyTable.builtin("norwegian")
    # a direct match of two identical profiles: LR = 1 / P(genotype) at each marker
    first = ev.data["per_marker"][0]
    alleles, freqs = table.markers[first["marker"]]
    g = genos["body"][first["marker"]]
    p = [freqs[alleles.index(x)] for x in g]
    expected = 1 / (p[0] ** 2) if g[0] == g[1] else 1 / (2 * p[0] * p[1])
    assert float(first["lr"]) == pytest.approx(expected, rel=1e-12)


def test_a_signed_frag_links_the_part_to_the_body(
    analyst: Any, reviewer: Any, examiner: Any, genos: Any
) -> None:
    from homecoming.app.remains.services import linked_units

    body = w.body(examiner, genos["body"], bag="BAG-BODY")
    part = w.body(examiner, genos["body"], bag="BAG-PART")
    report = reports.draft(actor=analyst, data={"kind": "FRAG", "unit": part.pk, "other_unit": body.pk})
    reports.propose(actor=analyst, report_id=report.pk)
    assert RemainsUnit.objects.get(pk=part.pk).state == "profiled"  # only an IDEN moves the body's state
    assert reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD).state == "identified"
    assert [(kind, u.pk) for kind, u in linked_units(part)] == [("same_individual", body.pk)]
    assert not FamilyNotification.objects.exists()


def test_histories_are_insert_only(analyst: Any, case: dict[str, Any]) -> None:
    report = _draft(analyst, case)
    for model in (ReportTransition, ReportEvidence):
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(report=report).update(
                at=None
            ) if model is ReportTransition else model.objects.filter(report=report).update(lr="1")
    with pytest.raises(DatabaseError), transaction.atomic():
        ComparisonReport.objects.filter(pk=report.pk).update(state="identified")


def _handed_over_body(examiner: Any, genos: Any, *, line_person: Any = None) -> tuple[Any, Any]:
    """A body handed over in an operation whose executed manifest lists its bag (optionally claiming a
    registry person on the line); the body and the line."""
    from datetime import date

    from homecoming.app.exchanges import services as exchanges
    from homecoming.app.exchanges.manifests import add_manifest_version
    from homecoming.app.remains import services as remains
    from homecoming.io.manifests import ManifestRow

    exchanges.ensure_party(actor=None, code="UA", name="Ukraine")
    exchanges.ensure_party(actor=None, code="RU", name="Russia")
    agreement = exchanges.create_agreement(
        actor=None,
        data={
            "reference": "AG-R",
            "title": "Synthetic",
            "party_a": "UA",
            "party_b": "RU",
            "date": date(2025, 6, 2),
        },
    )
    exchanges.add_category(
        actor=None,
        agreement=agreement,
        data={"code": "bodies", "name": "Bodies", "rule": "n_for_n", "quota": 10, "unit": "bodies"},
    )
    op = exchanges.create_operation(
        actor=None,
        data={
            "reference": "OP-R",
            "kind": "remains_repatriation",
            "agreement": agreement.pk,
            "date": date(2025, 6, 3),
            "date_qualifier": "exact",
        },
    )
    row = ManifestRow(line_no=1, category="bodies", container_number="BAG-77", outcome="transferred")
    if line_person is not None:
        row = ManifestRow(
            line_no=1,
            category="bodies",
            container_number="BAG-77",
            outcome="transferred",
            person_reference=line_person.reference,
        )
    version = add_manifest_version(
        actor=None, operation=op, sending="RU", receiving="UA", stage="executed", rows=[row]
    )
    batch = remains.create_batch(
        actor=examiner,
        data={
            "operation": op,
            "transport": "train",
            "receiving_facility": "Morgue (synthetic)",
            "handed_over_by": "A",
            "received_by": "B",
        },
    )
    return w.body(examiner, genos["body"], bag="bag-77", batch=batch), version.lines.get()


def test_a_body_identified_as_someone_else_than_its_linked_claim_contradicts_the_claim(
    analyst: Any, reviewer: Any, liaison: Any, examiner: Any, person: Any, genos: Any, registrar: Any
) -> None:
    """The line names nobody by reference; its claim was linked to another registered person later
    (exchanges.linking): the signed identification contradicts that claim."""
    from homecoming.app.exchanges.models import IdentificationResult, LineLink
    from homecoming.app.registry import services as registry

    w.family(liaison, person, genos)
    claimed = registry.create_person(
        actor=registrar,
        data={"sex": "male", "power": "UA"},
        names=[{"family_name": "Інший", "given_name": "Петро"}],
    )
    unit, line = _handed_over_body(examiner, genos)
    LineLink.objects.create(line=line, person=claimed, probability=0.995)
    report = _draft(analyst, {"unit": unit, "person": person})
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    result = IdentificationResult.objects.get(line=line)
    assert result.verdict == "contradicts" and result.person_id == person.pk


def test_signing_records_the_result_on_the_bodys_manifest_line(
    analyst: Any, reviewer: Any, liaison: Any, examiner: Any, person: Any, genos: Any, registrar: Any
) -> None:
    from homecoming.app.exchanges.models import IdentificationResult
    from homecoming.app.registry import services as registry

    w.family(liaison, person, genos)
    claimed = registry.create_person(
        actor=registrar,
        data={"sex": "male", "power": "UA"},
        names=[{"family_name": "Інший", "given_name": "Петро"}],
    )
    unit, line = _handed_over_body(examiner, genos, line_person=claimed)
    report = _draft(analyst, {"unit": unit, "person": person})
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    result = IdentificationResult.objects.get(line=line)
    assert result.verdict == "contradicts" and result.person_id == person.pk
    assert result.established_identity.startswith(person.reference) and report.reference in result.note
    # the agreement's table of delivered remains: 1 delivered, identified as someone else
    from homecoming.app.exchanges.identified import Identified, remains_identified

    agreement = line.version.manifest.operation.agreement
    assert remains_identified(agreement) == [Identified("RU", "UA", "bodies", 1, 0, 1)]
    assert remains_identified(agreement)[0].unknown == 0
    from django.test import Client

    c = Client()
    c.force_login(reviewer)
    page = c.get(f"/exchanges/agreements/{agreement.pk}/").content.decode()
    assert (
        "Identified as someone else" in page
        and "<td>RU → UA</td><td>1</td><td>0</td><td>1</td><td>0</td>" in page
    )


def test_a_second_identification_of_the_body_or_of_the_person_is_refused(
    analyst: Any, reviewer: Any, examiner: Any, case: dict[str, Any], genos: Any
) -> None:
    report = _draft(analyst, case)
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    with pytest.raises(StateError, match=f"body {case['unit'].reference} is already identified"):
        _draft(analyst, case)
    other = w.body(examiner, genos["body"])
    with pytest.raises(StateError, match=f"{case['person'].reference} is already identified") as exc:
        _draft(analyst, {"unit": other, "person": case["person"]})
    assert "FRAG" in str(exc.value.hint) and case["unit"].reference in str(exc.value.hint)
    assert ComparisonReport.objects.count() == 1  # nothing written
    excl = _draft(analyst, case, conclusion="exclusion")  # an exclusion is no identification
    assert excl.state == "draft"


def test_a_draft_already_open_for_the_person_cannot_be_signed_after_another_body(
    analyst: Any, reviewer: Any, examiner: Any, case: dict[str, Any], genos: Any, make_user: Any
) -> None:
    first = _draft(analyst, case)
    second = _draft(analyst, {"unit": w.body(examiner, genos["body"]), "person": case["person"]})
    for r in (first, second):
        reports.propose(actor=analyst, report_id=r.pk)
    reports.sign(actor=reviewer, report_id=first.pk, password=w.PASSWORD)
    other_reviewer = make_user("identification_reviewer", "reviewer2")
    with pytest.raises(StateError, match="already identified"):
        reports.sign(actor=other_reviewer, report_id=second.pk, password=w.PASSWORD)
    assert ComparisonReport.objects.get(pk=second.pk).state == "proposed"


def test_the_person_who_drafted_cannot_sign(
    analyst: Any, reviewer: Any, liaison: Any, examiner: Any, person: Any, genos: Any, make_user: Any
) -> None:
    w.family(liaison, person, genos)
    admin = make_user("admin", "admin2")
    report = reports.draft(
        actor=admin, data={"kind": "IDEN", "unit": w.body(examiner, genos["body"]).pk, "person": person.pk}
    )
    reports.propose(actor=analyst, report_id=report.pk)
    with pytest.raises(PermissionDenied, match="the person who drafted it"):
        reports.sign(actor=admin, report_id=report.pk, password=w.PASSWORD)
    assert reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD).state == "identified"


def test_the_senior_who_overrode_a_rule_cannot_also_sign(
    analyst: Any, liaison: Any, examiner: Any, person: Any, genos: Any, make_user: Any
) -> None:
    w.family(liaison, person, genos, sister=False)
    report = _draft(analyst, {"unit": w.body(examiner, genos["body"]), "person": person})
    senior = make_user("senior_identification_reviewer", "senior")
    reports.override_rule(actor=senior, report_id=report.pk, rule="family_rule", reason="dental records")
    reports.propose(actor=analyst, report_id=report.pk)
    with pytest.raises(PermissionDenied, match="overrode one of its rules"):
        reports.sign(actor=senior, report_id=report.pk, password=w.PASSWORD)


def test_the_posterior_rule_is_never_overridden_below_one_half(
    analyst: Any, liaison: Any, examiner: Any, person: Any, genos: Any, make_user: Any, registrar: Any
) -> None:
    w.family(liaison, person, genos)
    _more_missing(registrar, liaison, 4)
    stranger = w.trio(seed=99)["body"]  # not this family's missing person
    report = _draft(analyst, {"unit": w.body(examiner, stranger), "person": person})
    assert report.evidence is not None and float(report.evidence.posterior) < 0.5
    senior = make_user("senior_identification_reviewer", "senior")
    with pytest.raises(ValidationError, match=r"cannot be overridden below a posterior of 0\.5"):
        reports.override_rule(actor=senior, report_id=report.pk, rule="posterior", reason="I am sure")


def test_the_persons_claim_names_the_report_but_no_dna_result(
    analyst: Any, reviewer: Any, case: dict[str, Any]
) -> None:
    report = _draft(analyst, case)
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    claim = StatusAssertion.objects.get(person=case["person"], status="confirmed_dead")
    assert report.reference in claim.evidence and case["unit"].reference in claim.evidence
    assert report.evidence is not None
    for secret in ("LR", "posterior", report.evidence.lr[:8], report.evidence.posterior[:8]):
        assert secret not in claim.evidence
