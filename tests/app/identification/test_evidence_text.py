"""The stored evidence's explanations said in the reader's language (code + parameters through gettext).

In English the words are the stored sentence's, for every kind of sentence; a row stored before codes
existed keeps its sentence; on Ukrainian pages and in the Ukrainian PDF no stored English sentence is
shown — the report page, its print view and PDF, and the screening results page, on a report whose
three factors are all assessed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from homecoming.app.identification import evidence_text, reports, screening, screening_pipeline
from homecoming.app.identification.models_screening import ScreeningCandidate
from homecoming.app.registry import services as registry
from homecoming.app.remains import recovery
from homecoming.app.remains.models import RemainsUnit
from homecoming.domain import evidence
from homecoming.domain.identification_rule import TypedRelative, check
from homecoming.domain.partial_dates import PartialDate

from . import report_world as w
from .pdf_text import pdf_text

P = PartialDate.parse
GALLERY = [
    evidence.sex_factor("male", "male"),
    evidence.sex_factor("female", "male"),
    evidence.sex_factor("unknown", "male"),
    evidence.sex_factor("male", "unknown"),
    evidence.sex_factor("undetermined", "unknown"),
    evidence.age_factor(25, 35, P("1990-05"), P("2024-06-01")),
    evidence.age_factor(25, 25, P("1990-05-01"), date(2024, 6, 1)),
    evidence.age_factor(50, 60, P("1990"), P("2024")),
    evidence.age_factor(30, 30, P("1990"), P("2020"), gamma=0.0, margin=0.0),
    evidence.age_factor(None, None, None, None),
    evidence.age_factor(25, 30, None, date(2024, 1, 1)),
    evidence.place_date_factor((48.0, 37.0), date(2024, 1, 1), (48.1, 37.1), date(2023, 12, 1)),
    evidence.place_date_factor((48.0, 37.0), None, (49.0, 39.0), None),
    evidence.place_date_factor(None, date(2023, 1, 1), None, date(2024, 1, 1)),
    evidence.place_date_factor(None, None, None, None),
]
T = TypedRelative.make
RULES = [
    check([T("F", "father", ["autosomal_str"]), T("S", "full_sibling", ["autosomal_str"])]),
    check([T("F", "father", ["autosomal_str", "y_str"])]),
    check([T("F", "father", ["autosomal_str"])]),
]
ENGLISH = re.compile(r"\b(the|was|and|not assessed|found|counts|typed|needed)\b", re.IGNORECASE)


def test_every_kind_of_sentence_has_a_code_and_says_the_stored_words_in_english() -> None:
    assert [r.route for r in RULES] == ["two_relatives", "two_methods", ""]
    codes = {f.code for f in GALLERY}
    assert codes == set(evidence.EXPLANATION_CODES)
    with translation.override("en"):
        for f in GALLERY:
            assert evidence_text.factor_explanation(f.as_dict()) == f.explanation
        for r in RULES:
            stored = {"met": r.met, "route": r.route, "explanation": r.explanation, "params": r.params}
            assert evidence_text.rule_explanation(stored) == r.explanation
    with translation.override("uk"):
        for f in GALLERY:
            said = evidence_text.factor_explanation(f.as_dict())
            assert said != f.explanation and not ENGLISH.search(said), said
        for r in RULES:
            said = evidence_text.rule_explanation({"met": r.met, "route": r.route, "params": r.params})
            assert not ENGLISH.search(said), said


def test_a_factor_stored_before_codes_keeps_its_sentence_and_round_trips() -> None:
    old = GALLERY[0].as_dict()
    del old["code"], old["params"]
    with translation.override("uk"):
        assert evidence_text.factor_explanation(old) == GALLERY[0].explanation
    assert evidence.Factor.from_dict(old).code == ""
    assert evidence.Factor.from_dict(GALLERY[5].as_dict()) == GALLERY[5]


@pytest.mark.django_db
def test_report_pages_pdf_and_screening_results_in_ukrainian_show_no_stored_english_sentence(
    make_user: Any, person: Any, registrar: Any
) -> None:
    analyst, examiner = make_user("dna_analyst", "analyst"), make_user("forensic_examiner", "examiner")
    genos = w.trio()
    w.family(make_user("family_liaison", "liaison"), person, genos)
    unit = w.body(examiner, genos["body"])
    RemainsUnit.objects.filter(pk=unit.pk).update(apparent_sex="male", age_min=30, age_max=40)
    recovery.record_recovery(
        actor=examiner,
        unit_id=unit.pk,
        data={"date_of_recovery": "2025-03-20", "recovery_latitude": "48.31", "recovery_longitude": "37.24"},
    )
    registry.open_case(
        actor=registrar,
        person=person,
        data={
            "last_contact_date": "2025-03-02",
            "last_contact_latitude": "48.282",
            "last_contact_longitude": "37.176",
        },
    )
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    assert report.evidence is not None
    factors = report.evidence.data["factors"]
    assert [f["name"] for f in factors if f["lr"] is not None] == ["sex", "age", "place_date"]
    rule = report.evidence.data["family_rule"]
    run = screening.start_run(actor=analyst, batch=unit.batch)
    screening_pipeline.execute(run.pk)
    assert ScreeningCandidate.objects.filter(run=run, unit=unit).exists()
    with translation.override("uk"):
        ukrainian = [evidence_text.factor_explanation(f) for f in factors]
        rule_uk = evidence_text.rule_explanation(rule)

    c = Client()
    c.force_login(analyst)
    c.cookies["django_language"] = "uk"
    pages = {
        "report page": c.get(f"/identification/reports/{report.pk}/").content.decode(),
        "print view": c.get(f"/identification/reports/{report.pk}/print/?lang=uk").content.decode(),
        "screening results": c.get(f"/identification/batches/{unit.batch_id}/?run={run.pk}").content.decode(),
    }
    wrong = []
    for name, page in pages.items():
        for f, uk in zip(factors, ukrainian, strict=True):
            if escape(f["explanation"]) in page or f["explanation"] in page:
                wrong.append(f"{name} shows the English {f['name']} sentence")
            if escape(uk) not in page:
                wrong.append(f"{name} lacks the Ukrainian {f['name']} sentence {uk!r}")
        rule_english = escape(rule["explanation"]) in page
        if name != "screening results" and (rule_english or escape(rule_uk) not in page):
            wrong.append(f"{name}: the family rule is not said in Ukrainian")
        for english in ("The body was examined", "The person was aged", "Place and date: found"):
            if english in page:
                wrong.append(f"{name} shows {english!r}")
    pdf = c.get(f"/identification/reports/{report.pk}/report.pdf?lang=uk").content
    flat = re.sub(r"\s+", "", pdf_text(pdf))
    for f, uk in zip(factors, ukrainian, strict=True):
        if re.sub(r"\s+", "", f["explanation"]) in flat or re.sub(r"\s+", "", uk) not in flat:
            wrong.append(f"the PDF does not say the {f['name']} factor in Ukrainian")
    assert not wrong, "\n".join(wrong)
