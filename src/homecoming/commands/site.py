"""``homecoming migrate``, ``serve`` and ``demo``: the database schema, the web server, the demo site."""

from __future__ import annotations

import os
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
) -> None:
    """Serve the web app and the API (waitress)."""
    support.setup_django()
    from django.conf import settings
    from waitress import serve as waitress_serve

    from homecoming.app.wsgi import application

    if not settings.DEBUG:
        for warning in deploy_warnings():
            support.err.print(f"[yellow]warning:[/] {escape(warning)}")
    support.out.print(f"Homecoming serving at http://{host}:{port}/  (Ctrl-C stops)")
    waitress_serve(
        application, host=host, port=port, threads=threads, ident="homecoming", **proxy_options(settings)
    )


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
    if created:
        support.out.print(f"demo database built in {escape(str(data_dir))}: {created} synthetic persons")
        support.out.print(f"lab files to try the DNA import with: {escape(str(data_dir / 'lab-files'))}")
    else:
        support.out.print(f"demo database in {escape(str(data_dir))} already exists (use --fresh to rebuild)")
    support.out.print(
        f"\n[bold]Open http://{host}:{port}/[/]  log in as [bold]registrar[/] "
        f"(or reviewer, auditor, liaison, coordinator, examiner, analyst, admin) with password "
        f"[bold]{DEMO_PASSWORD}[/]\n"
    )
    if totp_off:
        support.out.print(
            "demo only: no authenticator code is asked for; a real server asks one of every role that sees "
            "DNA, health or contacts (HOMECOMING_TOTP_REQUIRED)\n"
        )
    if not no_serve:
        serve_command(host=host, port=port, threads=8)
