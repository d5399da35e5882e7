"""``homecoming demo`` (``make demo``): build a demo database with synthetic persons, then serve it.

Before it builds anything it makes sure it can serve at the address asked for (a port in use is one line
and exit 2, not a traceback after minutes of work). While it builds, a line ``building demo: step i/n:
what`` for each part, and the persons made: under a progress bar on a terminal, every tenth as a line
otherwise (``make demo | tee``, CI: Rich draws no bar there). Then it writes the demo's settings
(``DATA_DIR/homecoming.env``, read by the commands run beside it: commands/environment.py), its files to
try (lab files, person lists, a kinship case) and prints the address and every demo login.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import typer
from rich.markup import escape

from homecoming.commands import environment, support
from homecoming.commands.site import _cannot_serve, port_problem, serve_command

STEPS = 6  # the schema, build_demo's four parts (its ``stage`` calls), the files to try


def demo_command(
    host: str = typer.Option("127.0.0.1", "--host", help="the address to serve at (make demo HOST=...)"),
    port: int = typer.Option(8000, "--port", help="the port to serve at (make demo PORT=8001)"),
    persons: int = typer.Option(1000, "--persons", help="how many synthetic persons"),
    fresh: bool = typer.Option(False, "--fresh", help="rebuild the demo database from scratch"),
    no_serve: bool = typer.Option(False, "--no-serve", help="build the database and stop"),
    seed: int = typer.Option(2025, "--seed"),
) -> None:
    """Build a demo database with synthetic persons and serve it (demo settings: HOMECOMING_DEMO=1)."""
    if not no_serve:
        problem = port_problem(host, port)
        if problem is not None:
            hint = f"run `make demo PORT={port + 1}` (or `--port {port + 1}`)"
            _cannot_serve(host, port, problem, hint=hint)
    data_dir = Path(os.environ.get("HOMECOMING_DATA_DIR") or environment.DEMO_DATA_DIR)
    if fresh and data_dir.exists():
        for f in data_dir.glob("homecoming.sqlite3*"):
            f.unlink()
        (data_dir / "demo-portal-pairs.json").unlink(missing_ok=True)  # demo_tracing.PAIRS_FILE
    os.environ["HOMECOMING_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("HOMECOMING_SECURE_COOKIES", "0")
    os.environ["HOMECOMING_DEMO"] = "1"  # a generated key, any host; the error pages of production
    # the demo's shared users log in with the password alone; a real server demands an authenticator of
    # the roles that see DNA, health or contacts (HOMECOMING_TOTP_REQUIRED, docs/settings.md)
    os.environ.setdefault("HOMECOMING_TOTP_REQUIRED", "")
    totp_off = not os.environ["HOMECOMING_TOTP_REQUIRED"].strip()
    support.setup_django(database=False)
    from homecoming.app.demo import DEMO_PASSWORD, DEMO_USERS

    created = _build(data_dir, persons=persons, seed=seed)
    from homecoming.app.demo_tracing import DEMO_PAIRS, keep_pairs, kept_pairs

    if created:
        keep_pairs(data_dir, DEMO_PAIRS)  # the secrets exist nowhere else: printed again on every start
        support.out.print(f"demo database built in {escape(str(data_dir))}: {created} synthetic persons")
    else:
        support.out.print(f"demo database in {escape(str(data_dir))} already exists (use --fresh to rebuild)")
    settings_file = environment.write_demo_env(
        data_dir,
        {
            name: os.environ[name]
            for name in (
                "HOMECOMING_DATA_DIR",
                "HOMECOMING_DEMO",
                "HOMECOMING_SECURE_COOKIES",
                "HOMECOMING_TOTP_REQUIRED",
            )
        },
    )
    support.out.print(f"lab files to try the DNA import with: {escape(str(data_dir / 'lab-files'))}")
    support.out.print(f"person lists to try the import preview with: {escape(str(data_dir / 'lists'))}")
    support.out.print(f"a kinship case to try `homecoming kinship` with: {escape(str(data_dir / 'kinship'))}")
    where = (
        "in this folder"
        if data_dir == environment.DEMO_DATA_DIR
        else f"with HOMECOMING_DATA_DIR={escape(str(data_dir))}"
    )
    support.out.print(
        f"`homecoming` commands run {where} use this demo (its settings: {escape(str(settings_file))}), "
        "e.g. [bold].venv/bin/homecoming audit verify[/]",
        highlight=False,
    )
    support.out.print(
        f"\n[bold]Open http://{host}:{port}/[/]  log in with password [bold]{DEMO_PASSWORD}[/] as:"
    )
    from homecoming.app.accounts.roles import ROLE_LABELS

    width = max(len(name) for name in DEMO_USERS)
    for name, role in DEMO_USERS.items():
        support.out.print(f"  [bold]{name:<{width}}[/]  {escape(str(ROLE_LABELS[role]))}", highlight=False)
    support.out.print(
        f"\n[bold]Families: http://{host}:{port}/family/[/]  (no account; Ukrainian, Russian, English)"
    )
    pairs = kept_pairs(data_dir)
    for lang, code, secret in pairs:
        support.out.print(
            f"  try the status page ({lang} request): code [bold]{code}[/], secret [bold]{secret}[/]"
        )
    if not pairs:
        support.out.print("  (no request code and secret kept for this demo database: --fresh rebuilds it)")
    support.out.print("")
    if totp_off:
        support.out.print(
            "demo only: no authenticator code is asked for; a real server asks one of every role that sees "
            "DNA, health or contacts (HOMECOMING_TOTP_REQUIRED)\n"
        )
    if not no_serve:
        serve_command(host=host, port=port, threads=8, worker=True)


def _build(data_dir: Path, *, persons: int, seed: int) -> int:
    """Migrate, build the demo (0 if it was built before) and write its files to try; with progress."""
    from django.core.management import call_command

    from homecoming.app.demo import build_demo
    from homecoming.app.demo_kinship import write_kinship_case
    from homecoming.app.demo_lists import write_lists

    step = Steps(terminal=support.err.is_terminal)
    step("the database schema")
    call_command("migrate", interactive=False, verbosity=0)
    with support.progress(disable=not step.terminal) as bar:
        task = bar.add_task(f"building demo 1/{STEPS}", total=persons)

        if step.terminal:
            step.printer = bar.console.print  # the lines above the bar

        def stage(what: str) -> None:
            step(what)
            bar.update(task, description=f"building demo {min(step.number, STEPS)}/{STEPS}")

        created = build_demo(
            persons=persons,
            seed=seed,
            progress=lambda n: (bar.advance(task, n), step.count(n, persons)),
            lab_files=data_dir / "lab-files",
            stage=stage,
        )
    if created or not (data_dir / "lists").exists():
        step("the files to try: person lists, a kinship case")
        write_lists(data_dir / "lists")
    if created or not (data_dir / "kinship").exists():
        write_kinship_case(data_dir / "kinship", seed=seed)
    step.done(built=bool(created))
    return created


class Steps:
    """Progress lines: ``building demo: step i/n: what``; where no bar is drawn (not a terminal), the
    persons made every tenth too."""

    def __init__(self, *, terminal: bool) -> None:
        self.terminal = terminal
        self.printer: Callable[..., None] = support.out.print
        self.number = 0
        self.done_persons = 0
        self.started = time.monotonic()

    def __call__(self, what: str) -> None:
        self.number += 1
        self._line(f"step {min(self.number, STEPS)}/{STEPS}: {what}")

    def count(self, n: int, total: int) -> None:
        if self.terminal:
            return  # the bar counts them
        before, self.done_persons = self.done_persons, self.done_persons + n
        tenth = max(total // 10, 1)
        if self.done_persons // tenth != before // tenth or self.done_persons == total:
            self._line(f"{self.done_persons}/{total} persons")

    def done(self, *, built: bool) -> None:
        if built:
            self._line("done")

    def _line(self, text: str) -> None:
        elapsed = time.monotonic() - self.started
        self.printer(f"building demo: {text} ({elapsed:.0f} s)", highlight=False, markup=False)
