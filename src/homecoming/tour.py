"""The tour of Homecoming, one section per role: ``docs/tour.md`` and its screenshots, made by this script.

``python -m homecoming.tour`` (``make tour``) builds the demo database in a temporary directory (or uses
``--data-dir`` if it holds one), starts ``homecoming serve`` on a free port, logs in as each demo user in
Debian's Chromium (Playwright), opens the pages of the tour, checks that each answered and shows what the
tour says it shows, saves a screenshot of each and writes ``docs/tour.md``. CI runs it (a slow browser
test, ``tests/app/browser/test_tour.py``) and fails when a page of the tour no longer answers, no longer
shows its text, or when ``docs/tour.md`` differs from what the script writes: the tour cannot go stale.

The steps are data (:data:`TOUR`): a role, the pages it opens and the sentence under each picture. A page
can be reached by following the first link of another page whose address matches a pattern, so that the
tour never needs a database id.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "homecoming-demo"  # the demo users' password (homecoming.app.demo)
WAIT_SECONDS = float(os.environ.get("HOMECOMING_BROWSER_TIMEOUT", "60"))
READY_SECONDS = float(os.environ.get("HOMECOMING_BROWSER_READY", "180"))
VIEWPORT = {"width": 1280, "height": 860}


@dataclass(frozen=True)
class Shot:
    """One page of the tour: where to go, what must be on it, and the sentence under its picture."""

    name: str  # the picture's file name, without .png
    title: str
    text: str
    path: str
    follow: str | None = None  # a regular expression: follow the first link in <main> whose href matches
    link: str | None = None  # or: follow the link in <main> with exactly this text
    shows: str | None = None  # a text the page must show (in English), else the tour fails
    fill: tuple[tuple[str, str], ...] = ()  # (selector, value) to fill, then submit the form
    height: int = 860  # the picture's height in pixels (the window's; 1280 wide)


@dataclass(frozen=True)
class Stop:
    """A role's part of the tour; ``user`` is the demo login (None: a family, no account)."""

    user: str | None
    heading: str
    intro: str
    shots: tuple[Shot, ...] = field(default_factory=tuple)


TOUR: tuple[Stop, ...] = (
    Stop(
        "registrar",
        "Registrar",
        "Records the missing, prisoners of war and the dead; imports the lists that arrive from the other "
        "party, the intermediary and the units.",
        (
            Shot(
                "registrar-dashboard",
                "The registrar's dashboard",
                "What waits for the registrar: capture cards overdue and claims not yet reviewed, each list "
                "short, with a link to all of it.",
                "/",
                shows="Dashboard",
            ),
            Shot(
                "registrar-person",
                "A person",
                "Name forms in both scripts, military identity, the status derived from dated and sourced "
                "claims, the tracing case and the captivity record.",
                "/registry/search/?status=captive",
                follow=r"/registry/persons/\d+/$",
            ),
            Shot(
                "registrar-import",
                "Import a list",
                "A list in CSV or XLSX is checked before anything is written: which rows are new persons, "
                "which match a registered person (with the linkage model's evidence), which are uncertain.",
                "/registry/persons/import/",
                shows="Import",
            ),
        ),
    ),
    Stop(
        "coordinator",
        "Exchange coordinator",
        "Records agreements, operations and manifests in both directions, and every figure as its source "
        "reported it.",
        (
            Shot(
                "coordinator-agreements",
                "Agreements",
                "The agreements and their quotas.",
                "/exchanges/",
            ),
            Shot(
                "coordinator-agreement",
                "An agreement and its ledger",
                "The fulfilment ledger: what each manifest delivered against the quota, the figures each "
                "source reported, and where the manifest and the figure disagree.",
                "/exchanges/",
                link="IST-2025-06",
                height=1500,
            ),
            Shot(
                "coordinator-operation",
                "An operation",
                "A repatriation: its manifests in both directions, the figures each source reported, and the "
                "link of each manifest line's claimed identity to the registry.",
                "/exchanges/",
                link="REM-2025-08-19",
            ),
        ),
    ),
    Stop(
        "examiner",
        "Forensic examiner",
        "Receives remains from an operation, records every body, part and bag with its chain of custody, "
        "examines and samples.",
        (
            Shot(
                "examiner-batches",
                "Intake batches",
                "The batches of remains received, with the count of units in each.",
                "/remains/",
            ),
            Shot(
                "examiner-batch",
                "A batch",
                "Every unit of the batch with its state, from received to DNA profile obtained.",
                "/remains/",
                follow=r"/remains/batches/\d+/$",
            ),
        ),
    ),
    Stop(
        "analyst",
        "DNA analyst",
        "Imports the laboratory's profiles, builds the reference families and screens every body against "
        "every family.",
        (
            Shot(
                "analyst-genetics",
                "Genetics",
                "Profiles, reference families, frequency tables and laboratory files in one place.",
                "/genetics/",
            ),
            Shot(
                "analyst-family",
                "A reference family",
                "The pedigree drawn from the recorded relationships, the missing person marked, typed "
                "members filled; consent per scope.",
                "/genetics/families/",
                follow=r"/genetics/families/\d+/$",
            ),
            Shot(
                "analyst-screening",
                "Screening a batch",
                "The batches that can be screened; a batch's page starts the screening and lists each body's "
                "candidates.",
                "/identification/batches/",
            ),
        ),
    ),
    Stop(
        "reviewer",
        "Reviewer",
        "The second pair of eyes: reviews claims about a person's status and signs identification reports.",
        (
            Shot(
                "reviewer-dashboard",
                "The reviewer's dashboard",
                "Claims to review and reports waiting for a signature.",
                "/",
                shows="Dashboard",
            ),
        ),
    ),
    Stop(
        "senior",
        "Senior identification reviewer",
        "Everything the reviewer does, and may override a failed rule of a report with a written reason.",
        (
            Shot(
                "senior-reports",
                "Identification reports",
                "The reports by state: drafts, proposed, signed; the PDF of each signed report.",
                "/identification/reports/",
            ),
        ),
    ),
    Stop(
        "liaison",
        "Family liaison officer",
        "Works the families' tracing requests, records reference samples and consent, and tells families "
        "what is known.",
        (
            Shot(
                "liaison-requests",
                "Tracing requests",
                "The families' requests by state, with the date each must be answered by.",
                "/tracing/requests/",
            ),
            Shot(
                "liaison-notify",
                "Families to notify",
                "Identified persons whose families are to be told, and the notifications recorded.",
                "/identification/notify/",
            ),
        ),
    ),
    Stop(
        "auditor",
        "Auditor",
        "Reads everything that happened, field by field, and verifies that nobody rewrote the audit trail.",
        (
            Shot(
                "auditor-log",
                "The audit log",
                "Every change: who, when, what, and each field before and after; filtered by object, actor, "
                "action and date.",
                "/audit/",
            ),
            Shot(
                "auditor-verify",
                "Verifying the chain",
                "The hash chain checked record by record.",
                "/audit/verify/",
            ),
        ),
    ),
    Stop(
        "admin",
        "Administrator",
        "Manages the accounts: creates users, gives them their roles, resets passwords, requires a second "
        "factor and deactivates accounts; every action is audited.",
        (
            Shot(
                "admin-users",
                "Users",
                "Every account with its role and state, found by name and filtered by role; a user's page "
                "changes the role, sets a temporary password, requires a second factor or deactivates, and "
                "shows the history of these actions.",
                "/accounts/users/",
            ),
            Shot(
                "admin-user",
                "A user",
                "One account: its role, its state and what administrators did to it, from the audit trail.",
                "/accounts/users/",
                follow=r"/accounts/users/\d+/$",
            ),
        ),
    ),
    Stop(
        None,
        "Family",
        "A family needs no account: the portal at /family/ takes a tracing request in Ukrainian, Russian or "
        "English and, with the request's code and secret, tells the family what is known.",
        (
            Shot(
                "family-portal",
                "The family portal",
                "Submit a tracing request, or check a request's status with its code and secret.",
                "/family/",
            ),
        ),
    ),
)


def markdown(tour: tuple[Stop, ...] = TOUR) -> str:
    """``docs/tour.md`` as the script writes it."""
    lines = [
        "# A tour of Homecoming, role by role",
        "",
        "<!-- Written by `python -m homecoming.tour` (`make tour`) with its pictures; do not edit by hand:",
        "     edit TOUR in src/homecoming/tour.py. CI runs the script and fails if this page differs. -->",
        "",
        "Right after `make demo`, every demo user's password is `homecoming-demo`; the language switch at "
        "the top of every page shows it in Ukrainian or English. Each role sees only what it may do: its own "
        "dashboard and its own navigation.",
        "",
    ]
    for stop in tour:
        login = f" (demo login `{stop.user}`)" if stop.user else ""
        lines += [f"## {stop.heading}{login}", "", stop.intro, ""]
        for shot in stop.shots:
            lines += [
                f"### {shot.title}",
                "",
                f"![{shot.title}](tour/{shot.name}.png)",
                "",
                f"{shot.text} (`{shot.path}`)",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


class TourError(RuntimeError):
    """A page of the tour did not answer or did not show what the tour says."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _homecoming() -> list[str]:
    script = Path(sys.executable).with_name("homecoming")
    return [str(script)] if script.exists() else [sys.executable, "-m", "homecoming.cli"]


def _environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        HOMECOMING_DATA_DIR=str(data_dir),
        HOMECOMING_DEMO="1",
        HOMECOMING_SECURE_COOKIES="0",
        HOMECOMING_SECRET_KEY="tour-" + secrets.token_hex(16),
        HOMECOMING_TOTP_REQUIRED="",
        PYTHONUNBUFFERED="1",
    )
    return env


def build_demo(data_dir: Path, *, persons: int) -> None:
    """``homecoming demo --no-serve`` into ``data_dir`` unless it already holds a demo database."""
    if (data_dir / "homecoming.sqlite3").exists():
        return
    print(f"tour: building the demo database in {data_dir} ({persons} persons)", flush=True)
    subprocess.run(
        [*_homecoming(), "demo", "--no-serve", "--persons", str(persons)],
        env=_environment(data_dir),
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextlib.contextmanager
def serving(data_dir: Path) -> Iterator[str]:
    """``homecoming serve`` on a free port against ``data_dir``; yields its address once it answers."""
    port = _free_port()
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115 (read after)
    process = subprocess.Popen(
        [*_homecoming(), "serve", "--no-worker", "--port", str(port)],
        env=_environment(data_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(url + "/accounts/login/", process, Path(log.name))
        yield url
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
        if process.poll() is None:
            process.kill()
        log.close()
        Path(log.name).unlink(missing_ok=True)


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + READY_SECONDS
    while (remaining := deadline - time.monotonic()) > 0:
        if process.poll() is not None:
            raise TourError(
                f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}"
            )
        try:
            with opener.open(url, timeout=remaining) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            raise TourError(f"the server answered {url} with {exc.code}") from exc
        except OSError:
            pass
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.2)
    raise TourError(f"the server did not answer {url} within {READY_SECONDS:.0f} s")


def _browser_path() -> str:
    return shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"


def _open(page: Any, url: str, shot: Shot) -> None:
    response = page.goto(url + shot.path, wait_until="load")
    if response is None or response.status >= 400:
        status = "no answer" if response is None else response.status
        raise TourError(f"{shot.name}: {shot.path} answered {status}")
    if shot.follow is not None:
        pattern = re.compile(shot.follow)
        hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
        target = next((h for h in hrefs if pattern.search(h.split("?")[0])), None)
        if target is None:
            raise TourError(f"{shot.name}: no link on {shot.path} matches {shot.follow}")
        response = page.goto(url + target if target.startswith("/") else target, wait_until="load")
        if response is None or response.status >= 400:
            raise TourError(f"{shot.name}: {target} did not answer")
    if shot.link is not None:
        link = page.locator("main a", has_text=re.compile(f"^{re.escape(shot.link)}$")).first
        if link.count() == 0:
            raise TourError(f"{shot.name}: no link {shot.link!r} on {shot.path}")
        with page.expect_navigation(wait_until="load"):
            link.click()
    for selector, value in shot.fill:
        page.fill(selector, value)
    if shot.fill:
        with page.expect_navigation(wait_until="load"):
            page.locator("main form button[type=submit]").first.click()
    page.locator("main").first.wait_for(state="visible")
    body = page.locator("body").inner_text()
    if "Traceback" in body or "Server Error" in body:
        raise TourError(f"{shot.name}: the page shows an error")
    if shot.shows is not None and shot.shows not in body:
        raise TourError(f"{shot.name}: the page does not show {shot.shows!r}")


def _log_in(page: Any, url: str, user: str) -> None:
    page.goto(url + "/accounts/login/", wait_until="load")
    page.fill("#id_username", user)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type=submit]").first.click()
    if "/accounts/login/" in page.url:
        raise TourError(f"{user} could not log in")


def take(url: str, out: Path, *, tour: tuple[Stop, ...] = TOUR, browser: Any = None) -> list[Path]:
    """Open every page of the tour against the server at ``url`` and save its picture in ``out``; in
    ``browser`` (a Playwright browser, e.g. the browser tests' own) or in a Chromium started for it."""
    if browser is not None:
        return _walk(browser, url, out, tour)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=_browser_path(), args=["--headless=new", "--no-sandbox", "--disable-gpu"]
        )
        try:
            return _walk(chromium, url, out, tour)
        finally:
            chromium.close()


def _walk(browser: Any, url: str, out: Path, tour: tuple[Stop, ...]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for stop in tour:
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        context.set_default_timeout(WAIT_SECONDS * 1000)
        page = context.new_page()
        try:
            if stop.user is not None:
                _log_in(page, url, stop.user)
            for shot in stop.shots:
                _open(page, url, shot)
                target = out / f"{shot.name}.png"
                page.set_viewport_size({"width": VIEWPORT["width"], "height": shot.height})
                page.screenshot(path=str(target))
                page.set_viewport_size(VIEWPORT)
                written.append(target)
                print(f"tour: {shot.name}.png", flush=True)
        finally:
            context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m homecoming.tour", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where tour.md and tour/ go")
    parser.add_argument("--data-dir", type=Path, help="a demo data directory (built there if empty)")
    parser.add_argument("--persons", type=int, default=1000, help="persons in a demo built for the tour")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        data_dir = args.data_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tour-")))
        build_demo(data_dir, persons=args.persons)
        url = stack.enter_context(serving(data_dir))
        try:
            take(url, args.out / "tour")
        except TourError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    (args.out / "tour.md").write_text(markdown(), encoding="utf-8")
    print(f"tour: wrote {args.out / 'tour.md'}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["TOUR", "Shot", "Stop", "TourError", "build_demo", "main", "markdown", "serving", "take"]
