"""The whole identification chain in a real browser, on the demo a new user gets (issue 12).

The server is what ``make demo`` gives, smaller: ``homecoming demo --persons 12 --no-serve`` into a fresh
database (SQLite, or PostgreSQL when DATABASE_URL points there), then ``homecoming serve`` — which runs
the background worker itself, so nothing else is started. Then, as the demo's users:

the examiner's intake batch (its bodies profiled) → the analyst opens its DNA identification and starts
a screening → the worker runs it while the page follows its progress → candidates appear → the analyst
drafts the report of the strongest undisputed match from its row and proposes it → the reviewer, another
person, signs it with the password → the report's PDF downloads → the exchange coordinator sees the
identification on the body's manifest line and in the agreement's table → the family liaison sees the
family to notify and, on the person's page, the status confirmed dead.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from homecoming.app.demo import DEMO_PASSWORD

from ..identification.pdf_text import pdf_text
from .conftest import (
    ON_POSTGRES,
    TIMEOUT_SECONDS,
    _command,
    _free_port,
    _wait_until_answering,
    _with_database,
)
from .test_remains_flow import log_in, log_out

pytestmark = pytest.mark.browser

# the screening job on a loaded 2-core machine (a limit, not a pause: the page shows the results at once)
JOB_SECONDS = max(TIMEOUT_SECONDS, 600.0)


@dataclass(frozen=True)
class Demo:
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-6000:]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """``homecoming demo --persons 12 --no-serve`` into a fresh database, then ``homecoming serve``."""
    data_dir = tmp_path_factory.mktemp("chain-demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "HOMECOMING_"))}
    env.update(
        HOMECOMING_DATA_DIR=str(data_dir),
        HOMECOMING_SECRET_KEY="chain-test-" + secrets.token_hex(16),
        HOMECOMING_SECURE_COOKIES="0",
        PYTHONUNBUFFERED="1",
        HOMECOMING_TOTP_REQUIRED="",  # as the demo runs (it says so when built)
    )
    database = ""
    if ON_POSTGRES:
        import psycopg

        database = f"hc_chain_{secrets.token_hex(4)}"
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = _with_database(os.environ["DATABASE_URL"], database)
    else:
        env.pop("DATABASE_URL", None)
    log = data_dir / "serve.log"
    server = None
    try:
        built = subprocess.run(
            _command() + ["demo", "--persons", "12", "--no-serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
        port = _free_port()
        with open(log, "wb") as sink:
            server = subprocess.Popen(
                _command() + ["serve", "--port", str(port), "--threads", "4"],
                env={**env, "HOMECOMING_DEBUG": "0"},
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        _wait_until_answering(f"{url}/accounts/login/", server, log)  # type: ignore[arg-type]
        yield Demo(url=url, log=log)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        if database:
            import psycopg

            with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def tab(browser: Any, demo: Demo, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context on the demo server; a Content-Security-Policy violation fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=demo.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_SECONDS * 1000)
    context.set_default_navigation_timeout(TIMEOUT_SECONDS * 1000)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None,
    )
    try:
        yield page
    finally:
        context.close()
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            print(f"--- demo server log ({demo.log}) ---\n{demo.output()}")
    assert violations == [], violations


def _strongest_undisputed(page: Any) -> dict[str, Any]:
    """The body row concluded 'identified (undisputed)' whose best candidate has the highest LR."""
    rows = page.evaluate(
        """() => Array.from(document.querySelectorAll('#bodies tbody tr.first')).map(tr => {
            const cells = tr.querySelectorAll('td');
            const link = tr.querySelector('a[href*="/identification/reports/new/"]');
            const exact = cells[5].querySelector('[title]');  // the LR shown rounded, exact in its title
            return {label: cells[2].innerText.trim(),
                    lr: parseFloat(exact ? exact.getAttribute('title') : cells[5].innerText),
                    href: link ? link.getAttribute('href') : null};
        })"""
    )
    undisputed = [r for r in rows if r["label"] == "identified (undisputed)" and r["href"]]
    assert undisputed, f"no undisputed match among {rows}"
    return max(undisputed, key=lambda r: r["lr"])


def test_batch_to_screening_to_signed_report_to_family(tab: Any, demo: Demo) -> None:
    from playwright.sync_api import expect

    page = tab
    # the examiner's intake batch: its bodies have reached "DNA profile obtained" through their evidence
    log_in(page, "examiner", DEMO_PASSWORD)
    page.goto("/remains/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^IB-")).first.click()
    batch_url = page.url
    expect(page.get_by_text("DNA profile obtained").first).to_be_visible()
    log_out(page)

    # the analyst screens the batch; the worker that `homecoming serve` runs does the job
    log_in(page, "analyst", DEMO_PASSWORD)
    page.goto(batch_url)
    with page.expect_navigation():
        page.get_by_role("link", name="DNA identification of this batch").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Start screening").click()
    expect(page.locator("#progress")).to_be_visible()
    expect(page.locator("#bodies")).to_be_visible(timeout=JOB_SECONDS * 1000)  # the page reloads when done
    best = _strongest_undisputed(page)
    unit, person = re.search(r"unit=([^&]+)&person=([^&]+)", best["href"]).groups()  # type: ignore[union-attr]

    # ... drafts the report from the candidate's row and proposes it
    with page.expect_navigation():
        page.locator(f'#bodies a[href="{best["href"]}"]').click()
    expect(page.locator("#id_unit")).to_have_value(unit)
    expect(page.locator("#id_person")).to_have_value(person)
    with page.expect_navigation():
        page.get_by_role("button", name="Compute the evidence and save the draft").click()
    expect(page.locator("#report-state")).to_have_text("draft")
    reference = page.locator("h1").inner_text().split(" ")[0]
    with page.expect_navigation():
        page.get_by_role("button", name="Propose").click()
    expect(page.locator("#report-state")).to_have_text("proposed")
    bag = re.search(r"\((DEMO-BAG-\d+)\)", page.locator("main").inner_text())
    assert bag, "the report names the body's bag"
    log_out(page)

    # the reviewer — another person — signs it with the password
    log_in(page, "reviewer", DEMO_PASSWORD)
    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("link", name=reference).first.click()
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign the report").click()
    expect(page.locator("#report-state")).to_have_text("identified")
    expect(page.get_by_text("signed by reviewer")).to_be_visible()
    # ... and its PDF downloads
    pdf = page.request.get(page.get_by_role("link", name="PDF", exact=True).get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    body = pdf.body()
    assert body.startswith(b"%PDF-")
    text = pdf_text(body)
    assert reference in text and unit in text, text[:2000]
    log_out(page)

    # the exchange coordinator: the body's manifest line and the agreement show the identification
    log_in(page, "coordinator", DEMO_PASSWORD)
    page.goto("/exchanges/")
    with page.expect_navigation():
        page.get_by_role("link", name="IST-2025-06").click()
    identified = page.locator("#identified tr", has_text="RU → UA")
    expect(identified.locator("td").nth(3)).to_have_text("1")
    with page.expect_navigation():
        page.locator("#operations").get_by_role("link", name="REM-2025-09-18").click()
    line = page.locator("#manifests tr", has_text=bag.group(1)).first
    expect(line).to_contain_text("confirms the claim")
    expect(line).to_contain_text(person)
    log_out(page)

    # the family liaison: the family to notify, and the person confirmed dead
    log_in(page, "liaison", DEMO_PASSWORD)
    page.goto("/identification/notify/")
    row = page.locator("tr", has_text=person)
    expect(row).to_contain_text(reference)
    with page.expect_navigation():
        row.get_by_role("link", name=re.compile(re.escape(person))).click()
    expect(page.locator("h1 .badge").first).to_have_text("confirmed dead")
