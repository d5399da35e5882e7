"""The database a benchmark runs on: a fresh PostgreSQL database of its own when ``DATABASE_URL`` names a
PostgreSQL server (dropped and created again each run), otherwise SQLite in a new temporary folder.

Call :func:`prepare_database` before Django is set up; it sets the environment the settings read.
"""

from __future__ import annotations

import os
import tempfile


def prepare_database(name: str, *, unlimited_api: bool = False, reuse: bool = False) -> str:
    """Point the settings at the benchmark's database ``name``; return ``"postgresql"`` or ``"sqlite"``.

    ``unlimited_api`` lifts the API rate limit (120 requests a minute per token), for benchmarks that
    send many API requests and measure something else. ``reuse``: PostgreSQL only, the database a previous
    run loaded is kept as it is (not dropped), to time again without loading again.
    """
    os.environ.setdefault("HOMECOMING_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["HOMECOMING_DEBUG"] = "0"  # DEBUG would keep every query in memory
    # the benchmarks' users log in with force_login: no authenticator code (a real server demands one)
    os.environ.setdefault("HOMECOMING_TOTP_REQUIRED", "")
    if unlimited_api:
        os.environ.setdefault("HOMECOMING_API_RATE_LIMIT", "1000000/60")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.app.settings")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        os.environ.pop("DATABASE_URL", None)
        os.environ["HOMECOMING_DATA_DIR"] = tempfile.mkdtemp(prefix=f"{name.replace('_', '-')}-")
        return "sqlite"
    import psycopg

    if not reuse:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    base, _, query = url.partition("?")
    os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")
    return "postgresql"
