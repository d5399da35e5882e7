"""A registrar imports person lists in a real browser: the first list registers its persons; the second,
the same soldiers written in Latin letters by another party plus one stranger, is previewed row by row —
matches with the model's evidence, the new person — and imported with the registrar's choice, creating
nobody twice (issue 14). Synthetic names only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_registry import log_in

pytestmark = pytest.mark.browser

FIRST = (
    "family_name,given_name,patronymic,sex,birth_date,unit\n"
    "Гордієнко,Остап,Тимофійович,male,1991-04-12,в/ч А1234\n"
    "Яремчук,Назар,Богданович,male,1987-09-30,\n"
)
SECOND = (
    "family_name,given_name,patronymic,sex,birth_date\n"
    "HORDIIENKO,OSTAP,TYMOFIIOVYCH,male,1991-04-12\n"
    "IAREMCHUK,NAZAR,BOHDANOVYCH,male,1987-09-30\n"
    "Зарічний,Левко,Устимович,male,1999-01-05\n"
)


def _import(page: Any, path: Path) -> None:
    page.goto("/registry/persons/import/")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Show what the import would do").click()


def test_a_registrar_previews_a_list_sees_the_evidence_and_imports_it_without_doubling_anyone(
    page: Any, server: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    log_in(page, "registrar", server.password)
    first = tmp_path / "unit-roll.csv"
    first.write_text(FIRST, encoding="utf-8")
    _import(page, first)
    expect(page.locator("h1")).to_contain_text("What importing unit-roll.csv would do")
    expect(page.locator("#rows-new")).to_contain_text("ГОРДІЄНКО Остап Тимофійович")
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Imported: 2 new persons, 0 rows linked")

    second = tmp_path / "other-party-list.csv"
    second.write_text(SECOND, encoding="utf-8")
    _import(page, second)
    matches = page.locator("#rows-match")
    expect(matches).to_contain_text("HORDIIENKO OSTAP TYMOFIIOVYCH")
    expect(matches).to_contain_text("ГОРДІЄНКО Остап Тимофійович")
    expect(matches.locator(".evidence li.for").first).to_be_visible()
    expect(matches).to_contain_text("surname: the same after transliteration")
    expect(page.locator("#rows-new")).to_contain_text("ЗАРІЧНИЙ Левко Устимович")
    expect(page.locator("#summary svg")).to_be_visible()
    # the registrar keeps Iaremchuk's row apart (say, another man of that name): registered and queued
    page.select_option("#row-3", "new")
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        "Imported: 2 new persons, 1 rows linked to registered persons, 1 possible duplicates to review"
    )
    page.goto("/registry/search/?q=Hordiienko")
    expect(page.locator("main")).to_contain_text("Остап")
    assert page.locator("main").inner_text().count("ГОРДІЄНКО") == 1  # linked, not registered twice
