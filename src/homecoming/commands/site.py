"""``homecoming migrate`` and ``serve``: the database schema and the web server (``demo``: demo.py)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
from typing import NoReturn

import typer
from rich.markup import escape

from homecoming.commands import support


def migrate_command() -> None:
    """Create or upgrade the database schema (and the role groups)."""
    support.setup_django(database=False)
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
    import logging

    from django.conf import settings
    from waitress import create_server

    from homecoming.app.wsgi import application

    if not (settings.DEBUG or settings.DEMO):
        for warning in deploy_warnings():
            support.err.print(f"[yellow]warning:[/] {escape(warning)}")
    logging.basicConfig()  # waitress's own warnings (as waitress.serve sets them up)
    try:  # the address is taken before anything says the server is serving
        server = create_server(
            application, host=host, port=port, threads=threads, ident="homecoming", **proxy_options(settings)
        )
    except OSError as exc:
        _cannot_serve(host, port, exc, hint=f"choose another with --port {port + 1}")
    child = WorkerChild() if worker else None
    support.out.print(
        f"Homecoming serving at http://{host}:{port}/  (Ctrl-C stops)"
        + ("; background jobs: a 'homecoming worker' beside it" if child else "")
    )
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        if child is not None:
            child.start()
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child is not None:
            child.stop()


def _cannot_serve(host: str, port: int, exc: OSError, *, hint: str) -> NoReturn:
    """One line for an address the server cannot take (in use, not this machine's, not allowed); exit 2."""
    if exc.errno == errno.EADDRINUSE:
        message = f"port {port} on {host} is in use (another server, or a demo still running); {hint}"
    else:
        message = f"cannot serve at {host}:{port}: {exc.strerror or exc}; check --host and --port"
    support.err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def port_problem(host: str, port: int) -> OSError | None:
    """The error binding ``host:port`` gives now (as waitress binds: SO_REUSEADDR), or None if it is free."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        return exc
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return exc
    return None


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
