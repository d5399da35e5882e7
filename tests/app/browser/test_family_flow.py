"""The pedigree editor in a real browser (issue 11): a liaison builds a family and records consent.

A registry person is imported with ``homecoming import persons``; the family liaison finds the person
in the registry, opens a reference family for them, adds the father, the mother and a sister and sees
the pedigree drawing grow (server-drawn SVG), then records the family's domestic consent. All names
are synthetic.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import PASSWORD, _finish, _start
from .test_remains_flow import log_in

pytestmark = pytest.mark.browser

NAME = "Zhuravskyi"


@pytest.fixture(scope="session")
def liaison_and_person(
    server: Any, _database: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> str:
    csv = Path(tmp_path_factory.mktemp("family-flow")) / "persons.csv"
    csv.write_text(f"family_name,given_name,sex\n{NAME},Taras,male\n", encoding="utf-8")
    _finish(
        _start(["createuser", "liaison", "--role", "family_liaison", "--password", PASSWORD], _database),
        "createuser liaison",
    )
    _finish(_start(["import", "persons", str(csv), "--as", "registrar"], _database), "import persons")
    return "liaison"


def test_the_liaison_builds_a_pedigree_and_records_consent(
    page: Any, server: Any, liaison_and_person: str
) -> None:
    from playwright.sync_api import expect

    log_in(page, liaison_and_person, server.password)
    page.goto(f"/registry/search/?q={NAME}")
    with page.expect_navigation():
        page.locator("tr", has_text=re.compile(NAME, re.I)).get_by_role("link").first.click()
    person_id = re.search(r"/registry/persons/(\d+)/", page.url).group(1)  # type: ignore[union-attr]

    page.goto("/genetics/families/")
    page.fill("#id_persons", person_id)
    page.fill("#id_label", "Zhuravskyi family")
    with page.expect_navigation():
        page.get_by_role("button", name="Create family").click()
    members = page.locator("#pedigree g.member")
    expect(members).to_have_count(1)

    def add(relation: str, sex: str = "", name: str = "") -> None:
        page.select_option("#id_relation", relation)
        page.select_option("#id_sex", sex)
        page.fill("#id_display_name", name)
        with page.expect_navigation():
            page.locator("#add-relative button").click()

    add("father", name="Petro")
    expect(members).to_have_count(3)  # the father and his untyped partner
    expect(page.locator("#pedigree rect")).to_have_count(2)  # the missing person and the father
    add("mother", name="Halyna")
    expect(members).to_have_count(3)  # the untyped mother became the mother
    expect(page.locator("#pedigree")).to_contain_text("Halyna")
    add("full_sibling", "female", "Oksana")
    expect(members).to_have_count(4)
    expect(page.locator("#pedigree circle")).to_have_count(2 + 1)  # mother, sister, the missing person's ring
    expect(page.locator("#members")).to_contain_text("Oksana")

    page.select_option("#id_scope", "domestic")
    page.select_option("#id_action", "given")
    petro = page.locator("#id_given_by option", has_text="Petro").get_attribute("value")
    page.select_option("#id_given_by", petro)
    page.fill("#id_note", "signed form 17 (synthetic)")
    with page.expect_navigation():
        page.get_by_role("button", name="Record consent").click()
    expect(page.locator("#consent-history")).to_contain_text("signed form 17 (synthetic)")
    expect(page.locator("#consent")).to_contain_text("given")
