"""The review queue and the linkage model's page in a real browser (issue 14): a roll is imported, then
another party's list naming the same soldier in Latin letters with that row kept apart — the pair goes to
the queue; a registrar opens the queue, sees the pair with the model's evidence, merges it, and undoes the
merge from the person's page. The model's page draws its weights as SVG. Synthetic names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import _start
from .test_registry import log_in

pytestmark = pytest.mark.browser

ROLL = "family_name,given_name,patronymic,sex,birth_date\nКравчук,Мирон,Степанович,male,1984-06-21\n"
OTHER = "family_name,given_name,patronymic,sex,birth_date\nKRAVCHUK,MYRON,STEPANOVYCH,male,1984-06-21\n"


def _cli_import(env: dict[str, str], path: Path, *extra: str) -> None:
    process = _start(["import", "persons", str(path), "--as", "registrar", *extra], env)
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output


def test_a_registrar_merges_a_stored_pair_from_the_queue_and_unmerges_it(
    page: Any, server: Any, _database: dict[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    # the lists come in at the command line: the other party's row is kept apart (registered, queued)
    roll = tmp_path / "kravchuk-roll.csv"
    roll.write_text(ROLL, encoding="utf-8")
    _cli_import(_database, roll)
    other = tmp_path / "kravchuk-other.csv"
    other.write_text(OTHER, encoding="utf-8")
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("row,decision\n2,new\n", encoding="utf-8")
    _cli_import(_database, other, "--decisions", str(decisions))

    log_in(page, "registrar", server.password)
    page.get_by_role("link", name="Possible duplicates").click()
    pair = page.locator("#model-pairs .card.stored").filter(has_text="KRAVCHUK")
    expect(pair).to_have_count(1)
    expect(pair).to_contain_text("Found by: import of kravchuk-other.csv, row 2")
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
