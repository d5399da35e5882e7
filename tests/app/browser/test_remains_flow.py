"""The remains flow in a real browser (issue 4): intake, split, a sample between laboratories, the ledger.

A forensic examiner opens an intake batch and scans 20 bag labels (one a commingled bag), splits the
commingled bag into two bodies, takes a sample from one body and hands it to a carrier; a DNA analyst of
a second laboratory receives it with an accession number. An exchange coordinator then opens the example
agreement (``homecoming load-ledger``) and sees its fulfilment chart. Everything goes through the pages
of a server started by ``homecoming serve`` (conftest.py); all names are synthetic.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

BAGS = [f"BAG-4{n:03d}" for n in range(1, 21)]
COMMINGLED = BAGS[6]
FACILITY = "Kyiv forensic laboratory (synthetic)"
RECEIVER = "Olena Kravets"
CARRIER = "Nova Courier, driver Petro Savchuk"
SECOND_LAB = "Lviv DNA laboratory (synthetic)"
ACCESSION = "LV-2025-0173"
SEAL = "S-88120"


def log_in(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def log_out(page: Any) -> None:
    page.context.clear_cookies()


def open_batch(page: Any) -> str:
    page.goto("/remains/")
    page.get_by_role("link", name="Open an intake batch").click()
    page.select_option("#id_source", "recovery")
    page.select_option("#id_transport", "convoy")
    page.fill("#id_containers_declared", "20")
    page.fill("#id_containers_counted", "20")
    page.fill("#id_receiving_facility", FACILITY)
    # received_at is prefilled with the time the page was opened (kept: the bags arrive as they are scanned)
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page.input_value("#id_received_at"))
    page.fill("#id_handed_over_by", "Search group 'Evacuation 200' (synthetic)")
    page.fill("#id_received_by", RECEIVER)
    invalid = page.evaluate(
        "Array.from(document.querySelectorAll('main form :invalid'))"
        ".map(e => e.name + ': ' + e.validationMessage)"
    )
    assert invalid == [], invalid
    with page.expect_navigation():
        page.get_by_role("button", name="Open batch").click()
    errors = page.locator(".errors, .errorlist").all_inner_texts()
    assert re.search(r"/remains/batches/\d+/$", page.url), f"the batch was not opened: {errors}"
    assert "opened" in page.locator("ul.messages").inner_text()
    return page.url


def scan_bags(page: Any, bags: list[str]) -> None:
    """Type each label and Enter, as a barcode scanner does; the commingled bag gets its kind first."""
    page.get_by_role("link", name="Scan bag labels").click()
    rows = page.locator("#scanned tr.scanned")
    for i, label in enumerate(bags):
        page.select_option("#id_kind", "commingled_container" if label == COMMINGLED else "container")
        field = page.locator("#id_label")
        field.fill(label)
        field.press("Enter")
        rows.nth(0).filter(has_text=label).wait_for()
        assert rows.count() == i + 1
        assert page.locator("#scan-message").inner_text().strip() == ""


def split_commingled_bag(page: Any, batch_url: str) -> str:
    page.goto(batch_url)
    page.locator("#units").get_by_role("row").filter(has_text=COMMINGLED).get_by_role("link").click()
    page.wait_for_url(re.compile(r"/remains/units/\d+/$"))
    bag_url = page.url
    assert "commingled container" in page.locator("dl.fields").inner_text()
    page.get_by_role("link", name="Split this bag").click()
    page.fill("#id_bodies", "2")
    page.fill("#id_body_parts", "0")
    page.fill("#id_reason", "two bodies found on opening the bag")
    page.get_by_role("button", name="Create units").click()
    page.wait_for_url(bag_url)
    assert "2 units created" in page.locator("ul.messages").inner_text()
    return bag_url


def take_sample(page: Any) -> str:
    page.get_by_text("Take a sample").click()
    form = page.locator("form[action$='/samples/new/']")
    form.locator("[name=kind]").select_option("bone")
    form.locator("[name=description]").fill("right femur, 6 cm section")
    form.locator("[name=seal_after]").fill(SEAL)
    form.get_by_role("button", name="Record sample").click()
    page.wait_for_url(re.compile(r"/remains/samples/\d+/$"))
    return page.url


def custody_form(page: Any, heading: str) -> Any:
    return page.locator("form", has=page.get_by_role("heading", name=heading))


def test_intake_split_sample_between_laboratories_and_the_ledger_chart(
    page: Any, server: Any, remains_users: dict[str, str], example_ledger: str
) -> None:
    log_in(page, "examiner", server.password)
    batch_url = open_batch(page)
    batch_ref = page.locator("h1").inner_text().split()[-1]
    assert re.fullmatch(r"IB-\d{4}-\d+", batch_ref) or batch_ref.startswith("IB"), batch_ref

    scan_bags(page, BAGS)
    page.get_by_role("link", name=batch_ref).click()
    page.wait_for_url(batch_url)
    units = page.locator("#units")
    assert units.get_by_role("row").count() == 1 + 20  # the header and every bag
    for label in BAGS:
        assert units.get_by_role("cell", name=label, exact=True).count() == 1, label
    details = page.locator("dl.fields").inner_text()
    assert "registered 20" in details
    assert "differs from the declared count" not in details

    # the commingled bag opened: two bodies, each linked to the bag
    bag_url = split_commingled_bag(page, batch_url)
    links = page.locator("section", has=page.get_by_role("heading", name="Links"))
    children = links.get_by_role("listitem")
    assert children.count() == 2
    link_text = links.inner_text()
    assert f"{COMMINGLED}/1" in link_text and f"{COMMINGLED}/2" in link_text
    assert link_text.count("(body)") == 2
    children.nth(0).get_by_role("link").click()
    page.wait_for_url(re.compile(r"/remains/units/\d+/$"))
    body_url = page.url
    assert body_url != bag_url
    body_fields = page.locator("dl.fields").inner_text()
    assert f"{COMMINGLED}/1" in body_fields and "body" in body_fields
    page.locator("dl.fields").get_by_role("link").click()  # back to the bag it came from
    page.wait_for_url(bag_url)
    page.goto(body_url)

    # a sample of the body, handed to a carrier by the examiner
    sample_url = take_sample(page)
    sample_ref = page.locator("h1").inner_text().split()[-1]
    assert f"{COMMINGLED}/1" in page.locator("main p").first.inner_text()
    ship = custody_form(page, "Ship to another laboratory")
    ship.locator("[name=carrier]").fill(CARRIER)
    ship.locator("[name=from_signer]").fill(RECEIVER)
    ship.locator("[name=to_signer]").fill("Petro Savchuk")
    ship.locator("[name=seal_after]").fill(SEAL)
    ship.get_by_role("button", name="Hand to carrier").click()
    page.wait_for_url(sample_url)
    assert "Custody event recorded." in page.locator("ul.messages").inner_text()
    assert CARRIER in page.locator("#custody p").first.inner_text()

    # the DNA analyst of the second laboratory receives it
    log_out(page)
    log_in(page, "analyst", server.password)
    page.goto(sample_url)
    receive = custody_form(page, "Receive (accession)")
    receive.locator("[name=laboratory]").fill(SECOND_LAB)
    receive.locator("[name=accession_number]").fill(ACCESSION)
    receive.locator("[name=from_signer]").fill("Petro Savchuk")
    receive.locator("[name=to_signer]").fill("Iryna Hnatiuk")
    receive.locator("[name=seal_before]").fill(SEAL)
    receive.locator("[name=seal_after]").fill(SEAL)
    receive.locator("[name=storage_unit]").fill("freezer 3, rack B")
    receive.get_by_role("button", name="Receive").click()
    page.wait_for_url(sample_url)
    messages = page.locator("ul.messages").inner_text()
    assert "Custody event recorded." in messages, messages
    page.reload()
    assert sample_ref in page.locator("h1").inner_text()
    custody = page.locator("#custody")
    now = custody.locator("p").first.inner_text()
    assert f"Now: {SECOND_LAB}" in now and "freezer 3, rack B" in now, now
    assert f"accession {ACCESSION}" in custody.inner_text()
    assert custody.get_by_role("row").count() == 1 + 3  # sampling, to the carrier, at the second laboratory
    assert custody.get_by_role("alert").count() == 0, custody.get_by_role("alert").all_inner_texts()
    red = custody.locator(".overdue")
    assert red.count() == 0, red.all_inner_texts()

    # the exchange coordinator and the example agreement's fulfilment chart
    assert re.match(r"loaded [1-9]\d* agreements", example_ledger), example_ledger
    log_out(page)
    log_in(page, "coordinator", server.password)
    page.get_by_role("link", name="Exchanges").click()
    page.locator("#agreements").get_by_role("link", name="IST-2025-06").click()
    page.wait_for_url(re.compile(r"/exchanges/agreements/\d+/$"))
    assert "Istanbul talks" in page.locator("h1").inner_text()
    ledger = page.locator("#ledger")
    chart = ledger.get_by_role("img", name="Bodies of soldiers: delivered against quota")
    assert chart.is_visible()
    drawn = chart.text_content()
    assert "quota 6,000" in drawn
    assert "RU → UA (Bodies of soldiers)" in drawn and "UA → RU (Bodies of soldiers)" in drawn
    points = chart.locator("circle title").all_text_contents()
    dated = [p for p in points if p.startswith("RU → UA") and "undated" not in p]
    to_ukraine = [re.search(r"→ ([\d,]+)", p).group(1) for p in dated]
    assert to_ukraine == ["1,000", "2,000", "3,000"], points
    # the undated "over 6,000" is drawn in the undated column, so the chart ends at the table's ≈ 9,000
    assert any(p.startswith("RU → UA") and "undated" in p and p.endswith("≈ 9,000") for p in points), points
    rows = ledger.locator("table").first.inner_text()
    assert re.search(r"RU → UA.*3,000", rows) and "9,000" in rows, rows


def test_a_label_scanned_twice_is_refused_and_the_scan_page_says_so(
    page: Any, server: Any, remains_users: dict[str, str]
) -> None:
    log_in(page, "examiner", server.password)
    open_batch(page)
    labels = ["BAG-7001", "BAG-7002"]
    scan_bags(page, labels)
    page.fill("#id_label", labels[0])
    page.locator("#id_label").press("Enter")
    message = page.locator("#scan-message")
    message.get_by_text("Refused").wait_for()
    assert labels[0] in message.inner_text()
    assert page.locator("#scanned tr.scanned").count() == 2


def test_the_csrf_cookie_is_hidden_from_scripts_and_an_htmx_post_still_works(
    page: Any, server: Any, remains_users: dict[str, str]
) -> None:
    """Issue 10: the CSRF cookie is HttpOnly; forms and htmx take the token from the page (``hx-headers``
    on the body in base.html), so a log-in (form POST) and scanning (htmx POSTs) still work."""
    log_in(page, "examiner", server.password)
    csrf = [c for c in page.context.cookies() if c["name"] == "csrftoken"]
    assert csrf and csrf[0]["httpOnly"] is True, csrf
    assert "csrftoken" not in page.evaluate("document.cookie")
    open_batch(page)
    scan_bags(page, ["BAG-CSRF-1", "BAG-CSRF-2"])  # each label appears, no refusal
