"""``homecoming migrate``, ``serve`` and ``demo``: the database schema, the web server, the demo site."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import typer
from rich.markup import escape

from homecoming.commands import support


def migrate_command() -> None:
    """Create or upgrade the database schema (and the role groups)."""
    support.setup_django()
    from django.core.management import call_command

    support.run(lambda: call_command("migrate", interactive=False, verbosity=1))


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    threads: int = typer.Option(8, "--threads"),
    worker: bool = typer.Option(
        True,
        "--worker/--no-worker",
        help="Also run the background jobs (screening, messages to families) in a child 'homecoming worker', "
        "stopped with the server; --no-worker when 'homecoming worker' runs as its own service.",
    ),
) -> None:
    """Serve the web app and the API (waitress), with a background-job worker beside it by default."""
    support.setup_django()
    from django.conf import settings
    from waitress import serve as waitress_serve

    from homecoming.app.wsgi import application

    if not settings.DEBUG:
        for warning in deploy_warnings():
            support.err.print(f"[yellow]warning:[/] {escape(warning)}")
    child = WorkerChild() if worker else None
    support.out.print(
        f"Homecoming serving at http://{host}:{port}/  (Ctrl-C stops)"
        + ("; background jobs: a 'homecoming worker' beside it" if child else "")
    )
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        if child is not None:
            child.start()
        waitress_serve(
            application, host=host, port=port, threads=threads, ident="homecoming", **proxy_options(settings)
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child is not None:
            child.stop()


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # the server stops as on Ctrl-C, and the worker with it


class WorkerChild:
    """``homecoming worker`` as a child process of the server, with the server's environment (so the same
    database and settings). If it ends while the server runs (a crash, a kill), it is started again after
    :data:`RESTART_SECONDS`; it is stopped when the server stops (and, on Linux, if the server is killed)."""

    RESTART_SECONDS = 5.0

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.watch = threading.Thread(target=self._watch, name="homecoming-worker-watch", daemon=True)

    def start(self) -> None:
        self._spawn()
        self.watch.start()

    def _spawn(self) -> None:
        with self.lock:
            if self.stopping.is_set():
                return
            self.process = subprocess.Popen(
                [sys.executable, "-m", "homecoming.cli", "worker"],
                env=dict(os.environ),
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )

    def _watch(self) -> None:
        while not self.stopping.is_set():
            process = self.process
            if process is None:
                return
            code = process.wait()
            if self.stopping.is_set():
                return
            support.err.print(
                f"[yellow]warning:[/] the background worker ended ({code}); starting it again in "
                f"{self.RESTART_SECONDS:.0f} s"
            )
            if self.stopping.wait(self.RESTART_SECONDS):
                return
            self._spawn()

    def stop(self) -> None:
        with self.lock:
            self.stopping.set()
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _die_with_parent() -> None:
    """In the child, before exec: be sent SIGTERM when the parent dies (Linux ``PR_SET_PDEATHSIG``)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1


def deploy_warnings() -> list[str]:
    """Homecoming's own deployment checks that fail (e.g. unsigned audit heads), as message + hint."""
    from django.core import checks

    return [
        f"{m.msg} ({m.id}); {m.hint}"
        for m in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
        if str(m.id).startswith("homecoming.")
    ]


def proxy_options(settings: object) -> dict[str, object]:
    """waitress's options for the TLS proxy in front (``HOMECOMING_PROXY_ADDRESS``), or none.

    From the proxy's address only, waitress takes the client's address from ``X-Forwarded-For`` (the
    ``HOMECOMING_PROXY_COUNT`` right-most entries being proxies) and the scheme from
    ``X-Forwarded-Proto``, so Django sees the real client and knows the request came over HTTPS (CSRF
    origin check, HSTS, secure cookies). From any other peer those headers are removed.
    """
    address = str(getattr(settings, "PROXY_ADDRESS", "") or "")
    if not address:
        return {"clear_untrusted_proxy_headers": True}
    return {
        "trusted_proxy": address,
        "trusted_proxy_count": int(getattr(settings, "PROXY_COUNT", 1)),
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        "clear_untrusted_proxy_headers": True,
    }


def demo_command(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    persons: int = typer.Option(1000, "--persons", help="how many synthetic persons"),
    fresh: bool = typer.Option(False, "--fresh", help="rebuild the demo database from scratch"),
    no_serve: bool = typer.Option(False, "--no-serve", help="build the database and stop"),
    seed: int = typer.Option(2025, "--seed"),
) -> None:
    """Build a demo database with synthetic persons and serve it (DEBUG on: demo only)."""
    data_dir = Path(os.environ.get("HOMECOMING_DATA_DIR", "var/demo"))
    if fresh and data_dir.exists():
        for f in data_dir.glob("homecoming.sqlite3*"):
            f.unlink()
        (data_dir / "demo-portal-pairs.json").unlink(missing_ok=True)  # demo_tracing.PAIRS_FILE
    os.environ["HOMECOMING_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("HOMECOMING_SECURE_COOKIES", "0")
    # the demo's shared users log in with the password alone; a real server demands an authenticator of
    # the roles that see DNA, health or contacts (HOMECOMING_TOTP_REQUIRED, docs/settings.md)
    totp_off = "HOMECOMING_TOTP_REQUIRED" not in os.environ
    os.environ.setdefault("HOMECOMING_TOTP_REQUIRED", "")
    support.setup_django(debug=True)
    from django.core.management import call_command

    from homecoming.app.demo import DEMO_PASSWORD, build_demo

    call_command("migrate", interactive=False, verbosity=0)
    with support.progress() as bar:
        task = bar.add_task("building demo data", total=persons)
        created = build_demo(
            persons=persons,
            seed=seed,
            progress=lambda n: bar.advance(task, n),
            lab_files=data_dir / "lab-files",
        )
    from homecoming.app.demo_tracing import DEMO_PAIRS, keep_pairs, kept_pairs

    if created:
        keep_pairs(data_dir, DEMO_PAIRS)  # the secrets exist nowhere else: printed again on every start
        support.out.print(f"demo database built in {escape(str(data_dir))}: {created} synthetic persons")
        support.out.print(f"lab files to try the DNA import with: {escape(str(data_dir / 'lab-files'))}")
        from homecoming.app.demo_lists import write_lists

        write_lists(data_dir / "lists")
        support.out.print(f"person lists to try the import preview with: {escape(str(data_dir / 'lists'))}")
    else:
        support.out.print(f"demo database in {escape(str(data_dir))} already exists (use --fresh to rebuild)")
    support.out.print(
        f"\n[bold]Open http://{host}:{port}/[/]  log in as [bold]registrar[/] "
        f"(or reviewer, senior, auditor, liaison, coordinator, examiner, analyst, admin) with password "
        f"[bold]{DEMO_PASSWORD}[/]\n"
    )
    support.out.print(
        f"[bold]Families: http://{host}:{port}/family/[/]  (no account; Ukrainian, Russian, English)"
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
