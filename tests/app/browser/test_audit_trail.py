"""The audit trail in a browser: a person recorded by the registrar reads, for the auditor, as fields and
values (no dictionaries), the page stays short, and "all changes of this object" narrows it to the person."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .test_registry import log_in, record_person

pytestmark = pytest.mark.browser


def test_the_auditor_reads_a_recorded_person_field_by_field(page: Any, server: Any) -> None:
    log_in(page, "registrar", server.password)
    person_path = re.sub(
        r"^https?://[^/]+",
        "",
        record_person(
            page, names=("Левченко", "Остап", "Ярославович"), born="1987-03-14", service_number="C550184"
        ),
    )
    page.context.clear_cookies()
    log_in(page, "auditor", server.password)
    page.goto("/audit/?object_type=registry.person")
    table = page.locator("#audit-records")
    text = table.inner_text()
    assert "{'" not in text and '{"' not in text, text
    assert "Place of birth" in text and "Полтава" in text, text
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 8000, height
    link = table.locator(f'a.object-link[href="{person_path}"]').first
    assert link.is_visible()
    with page.expect_navigation():
        table.locator("tr", has=page.locator(f'a.object-link[href="{person_path}"]')).first.locator(
            "a.object-history"
        ).click()
    assert "object_id=" in page.url
    rows = page.locator("#audit-records tr[id^=record-]")
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert rows.nth(i).locator(f'a.object-link[href="{person_path}"]').count() == 1
    assert page.locator("select[name=object_type]").input_value() == "registry.person"
