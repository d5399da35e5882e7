"""A comparison report in a real browser (issue 12): propose, sign as another person, notify the family.

The server's database is seeded through the services (a missing person whose father and sister are
typed, a body that is their son and brother with its profile, all synthetic — tests/app/identification/
report_world.py). The analyst drafts an IDEN report from the body's and the person's references and
proposes it; the reviewer finds it on the dashboard, signs it with the password again; the report page
shows it identified; the liaison records the notification, then hands the body and its sealed packet of
effects over to the family (a wrong password first), and downloads the handover record.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from .conftest import PASSWORD, ROOT
from .test_remains_flow import log_in, log_out

pytestmark = pytest.mark.browser

SEED = """
import json, sys
sys.path.insert(0, {root!r} + '/tests/app/identification')
import django
django.setup()
from homecoming.app.accounts.roles import Role
from homecoming.app.accounts.services import create_user
from homecoming.app.registry import services as registry
import report_world as w

users = {{}}
for name, role in (("rep-analyst", Role.dna_analyst), ("rep-reviewer", Role.identification_reviewer),
                   ("rep-liaison", Role.family_liaison), ("rep-examiner", Role.forensic_examiner),
                   ("rep-registrar", Role.registrar)):
    users[name] = create_user(username=name, password={password!r}, role=role, check_password=False)
person = registry.create_person(actor=users["rep-registrar"], data={{"sex": "male", "power": "UA"}},
                                names=[{{"family_name": "Berestiuk", "given_name": "Ostap"}}])
genos = w.trio()
family = w.family(users["rep-liaison"], person, genos)
unit = w.body(users["rep-examiner"], genos["body"], bag="BAG-BROWSER-1")
from homecoming.app.remains import examinations
examinations.add_effect(actor=users["rep-examiner"], unit=unit, kind="personal_item",
                        description="wedding ring (synthetic)", packet_number="PKT-BR-1")
print(json.dumps({{"person": person.reference, "unit": unit.reference, "family": family.reference}}))
"""


@pytest.fixture(scope="session")
def report_world(server: Any, _database: dict[str, str]) -> dict[str, str]:
    env = {**_database, "DJANGO_SETTINGS_MODULE": "homecoming.app.settings"}
    done = subprocess.run(
        [sys.executable, "-c", SEED.format(root=str(ROOT), password=PASSWORD)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_propose_sign_and_notify(page: Any, server: Any, report_world: dict[str, str]) -> None:
    from playwright.sync_api import expect

    log_in(page, "rep-analyst", server.password)
    page.goto("/identification/reports/new/")
    page.select_option("#id_kind", "IDEN")
    page.fill("#id_unit", report_world["unit"])
    page.fill("#id_person", report_world["person"])
    with page.expect_navigation():
        page.get_by_role("button", name="Compute the evidence and save the draft").click()
    expect(page.locator("#report-state")).to_have_text("draft")
    expect(page.get_by_text("D3S1358", exact=True)).to_be_visible()
    reference = page.locator("h1").inner_text().split(" ")[0]
    with page.expect_navigation():
        page.get_by_role("button", name="Propose").click()
    expect(page.locator("#report-state")).to_have_text("proposed")
    log_out(page)

    log_in(page, "rep-reviewer", server.password)
    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("link", name=reference).first.click()
    page.fill("#id_password", "not my password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign the report").click()
    expect(page.get_by_text("the password is not correct")).to_be_visible()
    expect(page.locator("#report-state")).to_have_text("proposed")
    page.fill("#id_password", server.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign the report").click()
    expect(page.locator("#report-state")).to_have_text("identified")
    expect(page.get_by_text("signed by rep-reviewer")).to_be_visible()
    log_out(page)

    log_in(page, "rep-liaison", server.password)
    page.goto("/identification/notify/")
    row = page.locator("tr", has_text=report_world["person"])
    expect(row).to_contain_text(report_world["family"])
    expect(row).to_contain_text(reference)
    with page.expect_navigation():
        row.get_by_role("link", name="Record the notification").click()
    page.select_option("#id_method", "in_person")
    page.fill("#id_informed_name", "Synthetic Relative")
    page.fill("#id_informed_relation", "mother")
    page.check("#id_support_psychological")
    page.fill("#id_message", "Your son was identified.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the contact").click()
    expect(page.locator("#notification-state")).to_have_text("notified")
    expect(page.locator("#contact-1")).to_contain_text("Synthetic Relative")
    # the record of the notification, printable in Russian, is linked from the page
    record = page.request.get(page.locator("#notification-pdf-ru").get_attribute("href") or "")
    assert record.status == 200 and record.headers["content-type"] == "application/pdf"
    page.goto("/identification/notify/")
    expect(page.get_by_text("No family waits to be notified.")).to_be_visible()

    # the liaison hands the body and its sealed packet over to the family, signing with the password
    page.goto("/remains/family-handovers/")
    row = page.locator("#ready tr", has_text=report_world["unit"])
    with page.expect_navigation():
        row.get_by_role("link", name="Hand over to the family").click()
    expect(page.locator("#handover-form")).to_contain_text("wedding ring (synthetic)")
    page.fill("#id_receiver_name", "Synthetic Receiver")
    page.fill("#id_receiver_relation", "mother")
    page.select_option("#id_id_document_type", "passport")
    page.fill("#id_id_document_number", "DOC-BR-1")
    page.fill("#id_place", "Morgue (synthetic), family room")
    page.fill("#id_password", "not my password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign the handover").click()
    expect(page.get_by_text("the password is not correct")).to_be_visible()
    page.fill("#id_password", server.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign the handover").click()
    expect(page.locator("#handover-receiver")).to_contain_text("Synthetic Receiver (mother)")
    expect(page.locator("#handover-units")).to_contain_text(report_world["unit"])
    expect(page.get_by_text("wedding ring (synthetic)")).to_be_visible()
    href = page.get_by_role("link", name="PDF (English)").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
