"""What a Ukrainian reader reads on the identification pages, the print view and the PDF: numbers in the
locale (four significant digits, scientific for large LRs, the exact value in a title), labels instead of
codes (consent scope, mutation model, report states, remains kinds, the input digests' keys), the
candidates' rank headed as a place in the list (not a military rank), a person's reference said once,
the status line without a repeated stage, the wide table in a scrolling box, and pedigree labels that
never overlap their neighbours'.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from homecoming.app.genetics.choices import ConsentScope
from homecoming.app.genetics.pedigree_view import Node, build_pedigree, draw, wrap
from homecoming.app.identification import numbers, reports, screening, screening_pipeline
from homecoming.app.identification.models_reports import FamilyNotification
from homecoming.app.remains.models import RemainsUnit

from . import report_world as w
from .pdf_text import pdf_text

TITLES = re.compile(r'\s(title|aria-label|href|value|data-[a-z-]+)="[^"]*"')
LONG_NUMBER = re.compile(r"\d[.,]\d{7,}")  # a float printed with all its digits
DOT_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")


def _visible(html: str) -> str:
    """The page without the attributes that hold exact values (titles) and links."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return TITLES.sub("", html)


def _table(html: str, table_id: str) -> str:
    m = re.search(rf'<table id="{table_id}".*?</table>', html, re.S)
    assert m, f"no table #{table_id}"
    return m.group(0)


def test_numbers_follow_the_locale_with_four_significant_digits() -> None:
    with translation.override("uk"):
        assert numbers.lr(3.317) == "3,317"
        assert numbers.lr(0.000556) == "0,000556"
        assert numbers.lr(323029506448395.94) == "3,23 × 10¹⁴"
        assert numbers.lr(1234.5678) == "1235"
        assert numbers.log10(14.509242193855698) == "14,51"
        assert numbers.posterior(0.9999999999998269) == "1 − 1,7 × 10⁻¹³"
        assert numbers.posterior(0.9995) == "0,9995"
        assert numbers.posterior(0.99999) == "0,99999"
        assert numbers.posterior(1.0) == "1"
        assert numbers.lr(None) == "—" and numbers.lr(float("inf")) == "∞"
        assert str(numbers.shown("3,317", 3.3171234)) == '<span class="num" title="3.3171234">3,317</span>'
    with translation.override("en"):
        assert numbers.lr(323029506448395.94) == "3.23 × 10¹⁴"
        assert numbers.posterior(0.25) == "0.25"


def test_labels_are_wrapped_into_short_lines() -> None:
    assert wrap("рідний брат або сестра") == ["рідний брат", "або сестра"]
    assert wrap("зникла особа") == ["зникла особа"]
    long = wrap("БГИДЕНКО Іван Петрович Олександрович")
    assert len(long) == 2 and long[-1].endswith("…") and all(len(x) <= 14 for x in long)
    assert all(len(x) <= 14 for x in wrap("Надзвичайнодовгесловобезпробілів"))


@dataclass
class _M:
    pk: int | None
    code: str
    sex: str
    father_id: int | None
    mother_id: int | None


def test_pedigree_labels_of_neighbours_never_overlap() -> None:
    members = [
        _M(1, "F", "male", None, None),
        _M(2, "M", "female", None, None),
        _M(3, "MP", "male", 1, 2),
        _M(4, "S1", "female", 1, 2),
        _M(5, "S2", "male", 1, 2),
    ]
    labels = {
        "F": "батько",
        "M": "мати",
        "MP": "зникла особа",
        "S1": "рідний брат або сестра",
        "S2": "рідний брат або сестра",
    }
    nodes = {
        m.code: Node(m.code, labels[m.code], "ШЕВЧЕНКО-КОВАЛЕНКО Олександра Іванівна", True, m.code == "MP")
        for m in members
    }
    svg = str(draw(build_pedigree(members), nodes, title="Родовід"))
    spans = [
        (float(x), float(y), text)
        for x, y, text in re.findall(r'<tspan x="([\d.]+)" y="([\d.]+)">([^<]*)</tspan>', svg)
    ]
    assert spans and "рідний брат" in {t for _, _, t in spans}
    size = re.search(r'width="(\d+)" height="(\d+)"', svg)
    assert size is not None
    width, height = int(size.group(1)), int(size.group(2))
    assert all(y < height and x < width for x, y, _ in spans), "a label is outside the drawing"
    char = 0.72 * 11  # a generous advance per glyph at font-size 11
    by_line: dict[float, list[tuple[float, float]]] = {}
    for x, y, text in spans:
        half = len(text) * char / 2
        by_line.setdefault(y, []).append((x - half, x + half))
    for y, extents in by_line.items():
        extents.sort()
        for (_, right), (left, _) in itertools.pairwise(extents):
            assert right < left, f"labels overlap on the line at y={y}: {extents}"


@pytest.mark.django_db
def test_ukrainian_reader_sees_labels_and_locale_numbers_everywhere(
    make_user: Any, person: Any, reviewer: Any
) -> None:
    analyst, examiner = make_user("dna_analyst", "analyst"), make_user("forensic_examiner", "examiner")
    liaison = make_user("family_liaison", "liaison")
    genos = w.trio()
    w.family(liaison, person, genos)
    unit = w.body(examiner, genos["body"])
    RemainsUnit.objects.filter(pk=unit.pk).update(kind="container")
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    run = screening.start_run(actor=analyst, batch=unit.batch)
    screening_pipeline.execute(run.pk)
    assert FamilyNotification.objects.filter(report=report).exists()
    with translation.override("uk"):
        scope_uk = str(dict(ConsentScope.choices)["domestic"])
    ref = person.reference

    c = Client()
    c.force_login(reviewer)
    c.cookies["django_language"] = "uk"

    wrong: list[str] = []

    # 1. the screening results
    batch = c.get(f"/identification/batches/{unit.batch_id}/?run={run.pk}").content.decode()
    components = _table(batch, "components")
    if "<th>Родини</th>" not in components or "<th>Families</th>" in components:
        wrong.append("the components' Families column is not in Ukrainian")
    bodies = _table(batch, "bodies")
    if not re.search(r'<div class="table-scroll"><table id="bodies"', batch):
        wrong.append("the candidates table is not in a scrolling box")
    shown = _visible(bodies)
    if DOT_DECIMAL.search(shown):
        wrong.append(f"a number with a decimal dot in the candidates: {DOT_DECIMAL.findall(shown)}")
    if LONG_NUMBER.search(shown):
        wrong.append(f"a number with all its digits in the candidates: {LONG_NUMBER.findall(shown)}")
    progress = re.search(r'<div id="progress".*?</p>', batch, re.S)
    assert progress
    if progress.group(0).count("завершено") != 1:
        wrong.append(f"the status line repeats itself: {progress.group(0)!r}")

    # 2. the report page
    page = c.get(f"/identification/reports/{report.pk}/").content.decode()
    shown = _visible(page)
    for code in (">domestic<", ">stepwise<", "<td>draft</td>", "<td>proposed</td>", "<td>signed</td>"):
        if code in shown:
            wrong.append(f"the report page shows the code {code}")
    for label in (scope_uk, "покрокова", "<td>чернетка</td>", "<td>запропоновано</td>"):
        if label not in shown:
            wrong.append(f"the report page lacks {label!r}")
    if LONG_NUMBER.search(shown) or DOT_DECIMAL.search(shown):
        wrong.append(f"full-precision or dotted numbers on the report page: {LONG_NUMBER.findall(shown)}")
    if "log10 " not in shown or not re.search(r"log10 <span[^>]*>\d+,\d\d<", shown):
        wrong.append("the log10 of the LR is not shown with two decimals")
    if f"{ref} {ref}" in shown or shown.count(ref) != 1:
        wrong.append(f"the report page says the person's reference {shown.count(ref)} times")

    # the print view and the PDF
    printed = _visible(c.get(f"/identification/reports/{report.pk}/print/?lang=uk").content.decode())
    pdf = pdf_text(c.get(f"/identification/reports/{report.pk}/report.pdf?lang=uk").content)
    for name, text in (("print view", printed), ("PDF", pdf)):
        for english in (
            "container (bag)",
            "Дайджест вхідних даних: body",
            "Дайджест вхідних даних: family",
            "Звання",
            "stepwise",
            "domestic",
        ):
            if english in text:
                wrong.append(f"the {name} shows {english!r}")
        for ukrainian in ("контейнер (мішок)", "Місце в списку", "покрокова", scope_uk):
            if re.sub(r"\s+", "", ukrainian) not in re.sub(r"\s+", "", text):
                wrong.append(f"the {name} lacks {ukrainian!r}")
        if LONG_NUMBER.search(text):
            wrong.append(f"the {name} prints full precision: {LONG_NUMBER.findall(text)[:3]}")
        if re.search(rf"{re.escape(ref)}\s+{re.escape(ref)}", text):
            wrong.append(f"the {name} says the person's reference twice in a row")
    name_cell = re.search(r'id="person-name">([^<]*)<', printed)
    if name_cell is None or ref in name_cell.group(1):
        wrong.append("the print view's name row repeats the person's reference")
    if "× 10" not in pdf:
        wrong.append("the PDF does not show the large total LR in scientific notation")

    # the families to notify
    c.force_login(liaison)
    notify = _visible(c.get("/identification/notify/").content.decode())
    if notify.count(ref) != 1:
        wrong.append(f"the notify list says the person's reference {notify.count(ref)} times")
    assert not wrong, "\n".join(wrong)
