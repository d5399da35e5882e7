"""The review queue and the linkage model's page in a real browser (issue 14): a registrar imports a roll,
then another party's list naming the same soldier in Latin letters and keeps that row apart — the pair
goes to the queue; the registrar opens the queue, sees the pair with the model's evidence, merges it, and
undoes the merge from the person's page. The model's page draws its weights as SVG. Synthetic names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .test_import_preview import _import
from .test_registry import log_in

pytestmark = pytest.mark.browser

ROLL = "family_name,given_name,patronymic,sex,birth_date\nКравчук,Мирон,Степанович,male,1984-06-21\n"
OTHER = "family_name,given_name,patronymic,sex,birth_date\nKRAVCHUK,MYRON,STEPANOVYCH,male,1984-06-21\n"


def test_a_registrar_merges_a_stored_pair_from_the_queue_and_unmerges_it(
    page: Any, server: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    log_in(page, "registrar", server.password)
    roll = tmp_path / "kravchuk-roll.csv"
    roll.write_text(ROLL, encoding="utf-8")
    _import(page, roll)
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()
    other = tmp_path / "kravchuk-other.csv"
    other.write_text(OTHER, encoding="utf-8")
    _import(page, other)
    page.select_option("#row-2", "new")  # kept apart at the import: registered, and queued for review
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("1 possible duplicates to review")

    page.get_by_role("link", name="Possible duplicates").click()
    pair = page.locator("#model-pairs .card.stored").filter(has_text="KRAVCHUK")
    expect(pair).to_have_count(1)
    # (the web import names its staged copy, not the uploaded file's name: importing.py, the lead's)
    expect(pair).to_contain_text(re.compile(r"Found by: import of \S+\.csv, row 2"))
    expect(pair).to_contain_text("match probability")
    evidence = pair.locator("table.model-evidence")
    expect(evidence.locator("tr").filter(has_text="surname")).to_contain_text(
        "the same after transliteration"
    )
    expect(evidence.locator("td.weight.for").first).to_be_visible()
    left, right = (t.strip() for t in pair.locator("h3 a").all_inner_texts())
    right_page = pair.locator("h3 a").nth(1).get_attribute("href")
    pair.get_by_placeholder("reason (what you checked)").fill("the same birth date and father's name")
    with page.expect_navigation():
        pair.get_by_role("button", name=f"Merge {right} into {left}").click()
    expect(page.locator(".messages")).to_contain_text(f"{right} merged into {left}.")
    expect(page.locator("#model-pairs")).not_to_contain_text(right)

    page.goto(right_page)
    expect(page.locator("#merged")).to_contain_text(left)
    page.locator("#merged input[name=reason]").fill("a namesake after all: another unit")
    with page.expect_navigation():
        page.get_by_role("button", name="Unmerge").click()
    expect(page.locator(".messages")).to_contain_text(f"{right} is a person of its own again.")
    expect(page.locator("#merged")).to_have_count(0)


def test_the_model_page_draws_its_weights(page: Any, server: Any) -> None:
    from playwright.sync_api import expect

    log_in(page, "registrar", server.password)
    page.goto("/registry/linkage-model/")
    expect(page.locator("h1")).to_have_text("Linkage model")
    chart = page.locator("#weights svg")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    assert chart.locator("rect.for").count() > 10 and chart.locator("rect.against").count() > 5
    expect(page.locator("#weights-table")).to_contain_text("day and month swapped")
    expect(page.get_by_role("button", name="Train on the registry")).to_be_visible()
