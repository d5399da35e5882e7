"""What every command shares: the consoles, Django set-up, error translation, the user, progress bars.

A Homecoming error (``homecoming.errors``) becomes one line on stderr and the error class's exit code;
a configuration error one line and exit 2. This module is light on purpose: it imports Django, Rich's
progress bars and the application only inside the functions that need them, so that ``homecoming --help``
stays fast (a test checks what ``--help`` imports).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from homecoming.errors import HomecomingError, InputError, NotFound
from homecoming.jsonable import nonfinite

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["err", "fail", "fail_first_line", "number", "out", "progress", "run", "setup_django", "user"]

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")


def number(x: Any, *, digits: int = 4, decimals: int | None = None) -> str:
    """A number for a table or a line of output: a float with ``digits`` significant digits (or, given
    ``decimals``, that many digits after the point); non-finite ones as the case files spell them
    (``NaN``, ``Inf``, ``-Inf``); ``None`` as ``-``; anything else (an integer, a count) as ``str`` gives it.
    """
    if x is None:
        return "-"
    if isinstance(x, float):
        return nonfinite(x) or (f"{x:.{digits}g}" if decimals is None else f"{x:.{decimals}f}")
    return str(x)


def existing(file: Path) -> Path:
    """``file``, or the InputError every command gives for a path that does not exist."""
    if not file.exists():
        raise InputError(f"file: {file} does not exist", field="file", value=str(file), hint="check the path")
    return file


def fail(exc: HomecomingError) -> NoReturn:
    """Print ``error: <message>`` on stderr and exit with the error's code.

    The message is printed as written: brackets in it (a file named ``list[2].csv``) are not Rich markup.
    """
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def fail_first_line(exc: HomecomingError) -> NoReturn:
    """Print the first line of the message as plain ``error: ...`` on stderr; exit with the error's code.

    The numerical commands (kinship, dvi, screen) say this much: their errors list every problem of a
    case file on the lines that follow, which the line names.
    """
    typer.echo(f"error: {str(exc).splitlines()[0]}", err=True)
    raise typer.Exit(code=exc.exit_code) from None


def run(fn: Callable[[], T]) -> T:
    """Run ``fn``; turn a Homecoming error (or a configuration error) into one line and an exit code."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        return fn()
    except HomecomingError as exc:
        fail(exc)
    except ImproperlyConfigured as exc:
        err.print(f"[bold red]configuration error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _django(debug: bool | None) -> None:
    if debug is not None:
        os.environ["HOMECOMING_DEBUG"] = "1" if debug else "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.app.settings")
    import django

    django.setup()
    from homecoming.app.audit.context import new_request_id

    new_request_id("cli-")


def setup_django(debug: bool | None = None, *, database: bool = True) -> None:
    """Set Django up (settings from the environment; ``debug`` overrides ``HOMECOMING_DEBUG``).

    With ``database`` (every command but ``migrate`` and ``demo``), a database that was never migrated, or
    lacks migrations, is one line on stderr and exit 2 — and an SQLite file that does not exist is not
    created."""
    from django.apps import apps

    from homecoming.commands import environment

    demo_env = environment.loaded()
    if demo_env is not None and debug is None and not apps.ready:  # said once (serve after demo: not)
        err.print(f"using the demo's settings in {escape(str(demo_env))}", style="dim", highlight=False)
    run(lambda: _django(debug))
    if database:
        problem = run(database_problem)
        if problem:
            err.print(f"[bold red]error:[/] {escape(problem)}", highlight=False, soft_wrap=True)
            raise typer.Exit(2)


def database_problem() -> str:
    """Why the database cannot serve a command (not there, never migrated, migrations missing), or ""."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    where = database_name()
    fix = "run `homecoming migrate` (or `make demo` for the demo)"
    name = str(connection.settings_dict.get("NAME") or "")
    memory = name == ":memory:" or name.startswith("file:") or "mode=memory" in name
    if connection.vendor == "sqlite" and not memory:
        if not Path(name).is_file():
            return f"there is no database at {where}; {fix}"
        if Path(name).stat().st_size == 0:  # not opened: SQLite would write its header (WAL) into it
            return f"the database at {where} is not initialised; {fix}"
    try:
        if "django_migrations" not in connection.introspection.table_names():
            return f"the database at {where} is not initialised; {fix}"
        executor = MigrationExecutor(connection)
        missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"the database at {where} cannot be read: {first}"
    if missing:
        app, migration = missing[0][0].app_label, missing[0][0].name
        return (
            f"the database at {where} lacks {len(missing)} migration(s) (first {app}.{migration}); "
            "run `homecoming migrate`"
        )
    return ""


def database_name() -> str:
    """The database as a user would name it: the SQLite file, or the server's URL without a password."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(db.get("NAME") or "")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    user = f"{db['USER']}@" if db.get("USER") else ""
    return f"{connection.vendor}://{user}{host}{port}/{db.get('NAME') or ''}"


def user(username: str | None) -> Any:
    """The user named ``username`` (None for no name); :class:`NotFound` naming ``--as`` otherwise."""
    from homecoming.app.accounts.models import User

    if not username:
        return None
    found = User.objects.filter(username=username).first()
    if found is None:
        raise NotFound(
            f"no user named {username!r}",
            field="--as",
            value=username,
            hint="create one with 'homecoming createuser'",
        )
    return found


def progress(*, console: Console | None = None, transient: bool = True, disable: bool = False) -> Progress:
    """A progress bar on stderr (description, bar, n/total, time elapsed), gone when done by default; off
    when the console is not a terminal (a bar is not drawn there; it left an empty line)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = err if console is None else console
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
        disable=disable or not console.is_terminal,
    )
