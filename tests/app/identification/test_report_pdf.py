"""The identification report: print view and PDF (real WeasyPrint), Ukrainian and English, access, audit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from homecoming.app.audit.models import AuditRecord
from homecoming.app.identification import numbers, reports

from . import report_world as w
from .pdf_text import page_count, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(make_user: Any, person: Any) -> dict[str, Any]:
    """A signed identification report (analyst proposes, reviewer signs) and its people."""
    liaison, examiner = make_user("family_liaison", "liaison"), make_user("forensic_examiner", "examiner")
    analyst, reviewer = make_user("dna_analyst", "analyst"), make_user("identification_reviewer", "reviewer")
    analyst.first_name, analyst.last_name = "Ольга", "Аналітикова"
    analyst.save()
    reviewer.first_name, reviewer.last_name = "Reviewer", "Signington"
    reviewer.save()
    genos = w.trio()
    w.family(liaison, person, genos)
    unit = w.body(examiner, genos["body"], bag="BAG-PDF-1")
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    return {
        "report": reports.get_report(report.pk),
        "unit": unit,
        "person": person,
        "genos": genos,
        "analyst": analyst,
        "reviewer": reviewer,
    }


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_pdf_of_a_signed_report_has_every_part(world: dict[str, Any]) -> None:
    report, reviewer = world["report"], world["reviewer"]
    c = _client(reviewer)
    pdf = c.get(f"/identification/reports/{report.pk}/report.pdf?lang=en")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and page_count(pdf.content) >= 2
    text = pdf_text(pdf.content)
    flat = re.sub(r"\s+", "", text)  # a long figure may be broken over two lines of a table cell
    ev = report.evidence.data
    with translation.override("en"):
        shown_lr, shown_posterior = numbers.lr(ev["lr"]), numbers.posterior(ev["posterior"])
    for part in (
        world["unit"].reference,
        "BAG-PDF-1",
        world["person"].reference,
        "Олександр",
        shown_lr,  # four significant digits; the exact value stays in the API
        shown_posterior,
        ev["provenance"]["frequency_table"]["sha256"],
        "Ольга Аналітикова",
        "Reviewer Signington",
        "Markers and likelihood ratios",
        "Non-DNA evidence",
        "Joint identification",
        "Signatures",
    ):
        assert re.sub(r"\s+", "", part) in flat, part
    th01 = "/".join(world["genos"]["body"]["TH01"])
    assert f"TH01{th01}" in flat, "the body's genotype beside its marker"
    assert "Identification report" in text and "Звіт" not in text
    uk = pdf_text(c.get(f"/identification/reports/{report.pk}/report.pdf?lang=uk").content)
    assert "Звіт про ідентифікацію" in uk and "Маркери та відношення правдоподібності" in uk
    assert "Identification report" not in uk
    html = c.get(f"/identification/reports/{report.pk}/print/?lang=en").content.decode()
    assert "<svg" in html and 'id="pedigree"' in html


def test_the_report_is_in_ukrainian_for_a_ukrainian_reader(world: dict[str, Any]) -> None:
    report = world["report"]
    c = _client(world["reviewer"])
    uk = c.get(f"/identification/reports/{report.pk}/print/?lang=uk").content.decode()
    assert "Звіт про ідентифікацію" in uk and "Identification report" not in uk
    assert "ідентифіковано" in uk  # the state, translated: no internal code
    c.cookies["django_language"] = "uk"
    default = c.get(f"/identification/reports/{report.pk}/print/").content.decode()
    assert "Звіт про ідентифікацію" in default
    en = c.get(f"/identification/reports/{report.pk}/print/?lang=en").content.decode()
    assert "Identification report" in en and ">identified<" in en
    bad = c.get(f"/identification/reports/{report.pk}/print/?lang=fr")
    assert bad.status_code == 400 and "lang" in bad.content.decode() and "uk" in bad.content.decode()


def test_genotypes_only_for_roles_that_may_see_them_and_every_reading_audited(
    world: dict[str, Any], make_user: Any
) -> None:
    report, genos = world["report"], world["genos"]
    th01 = "/".join(genos["body"]["TH01"])
    auditor = make_user("auditor", "auditor")
    seen = _client(world["reviewer"]).get(f"/identification/reports/{report.pk}/print/?lang=en")
    unseen = _client(auditor).get(f"/identification/reports/{report.pk}/print/?lang=en")
    assert f'<td class="geno">{th01}</td>' in seen.content.decode()
    body = unseen.content.decode()
    assert 'class="geno"' not in body and report.evidence.data["lr"] in body
    assert "Genotypes are shown only to roles that may see them" in body
    views = AuditRecord.objects.filter(action="view", object_id=str(report.pk)).order_by("seq")
    reasons = [v.reason for v in views]
    assert reasons == [
        "viewed identification report (print view, en) with genotypes",
        "viewed identification report (print view, en)",
    ]
    examiner = make_user("forensic_examiner", "examiner2")
    assert _client(examiner).get(f"/identification/reports/{report.pk}/report.pdf").status_code == 403


def test_the_api_gives_the_pdf(world: dict[str, Any], api: Any) -> None:
    report = world["report"]
    got = api(world["analyst"]).get(f"/api/v1/identification/reports/{report.pk}/pdf?lang=uk")
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert got.content.startswith(b"%PDF-")
    bad = api(world["analyst"]).get(f"/api/v1/identification/reports/{report.pk}/pdf?lang=xx")
    assert bad.status_code == 422 and "lang" in bad.content.decode()
    assert AuditRecord.objects.filter(reason="viewed identification report (PDF, uk) with genotypes").exists()


def test_the_joint_identification_context_names_the_run_its_candidates_and_other_reports(
    world: dict[str, Any],
) -> None:
    from homecoming.app.genetics.models import FamilyMember, Profile
    from homecoming.app.identification.models_screening import (
        BodyConclusion,
        ScreeningCandidate,
        ScreeningRun,
    )

    report, unit = world["report"], world["unit"]
    profile = Profile.objects.get(sample__unit=unit)
    missing = FamilyMember.objects.get(pk=report.missing_member_id)
    run = ScreeningRun.objects.create(
        reference="SR-TEST-1", batch=unit.batch, scope="domestic", status="done"
    )
    BodyConclusion.objects.create(
        run=run,
        profile=profile,
        unit=unit,
        group=[unit.reference],
        conclusion="probable",
        family=report.family,
        missing=missing,
        lr=2.5e9,
        pairing_probability=0.875,
    )
    ScreeningCandidate.objects.create(
        run=run,
        profile=profile,
        unit=unit,
        family=report.family,
        missing=missing,
        rank=1,
        lr=2.5e9,
        log10_lr=9.4,
        exclusions=0,
        markers=20,
        pairing_probability=0.875,
    )
    again = reports.draft(  # a second identification of the body is refused; an exclusion may be drafted
        actor=world["analyst"],
        data={"kind": "IDEN", "unit": unit.pk, "person": world["person"].pk, "conclusion": "exclusion"},
    )
    c = _client(world["reviewer"])
    uk = c.get(f"/identification/reports/{report.pk}/print/?lang=uk").content.decode()
    assert "Скринінг SR-TEST-1 дійшов висновку щодо цього тіла: імовірно." in uk
    assert "0.875" in uk and "2500000000.0" in uk and f"<td>{missing.code}</td>" in uk
    assert (
        f"<li>{again.reference} · " in uk and "чернетка" in uk
    )  # the other report and its state, translated
    en = c.get(f"/identification/reports/{report.pk}/print/?lang=en").content.decode()
    assert "Screening run SR-TEST-1 concluded about this body: probable." in en and "probable" in en
