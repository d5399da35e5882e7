"""The pure packages import no Django, no database and not each other (DESIGN.md §3)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "homecoming"
PURE = ("kinship", "linkage", "domain", "io")
FORBIDDEN = (
    "django",
    "ninja",
    "psycopg",
    "psycopg2",
    "sqlite3",
    "dj_database_url",
    "homecoming.app",
    "homecoming.cli",
    "axes",
    "django_otp",
)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _violations(package: str) -> list[str]:
    allowed_siblings = {"domain"} if package == "io" else set()
    bad = []
    for path in sorted((SRC / package).rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN) or (
                top[0] == "homecoming"
                and len(top) > 1
                and top[1] in PURE
                and top[1] != package
                and top[1] not in allowed_siblings
            ):
                bad.append(f"{path.relative_to(SRC)} imports {name}")
    return bad


@pytest.mark.parametrize("package", PURE)
def test_pure_package_has_no_forbidden_imports(package: str) -> None:
    assert (SRC / package).is_dir()
    assert _violations(package) == []


def test_the_checker_catches_a_django_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from django.db import models\nimport homecoming.app.registry\n")
    assert _imports(bad) == ["django.db", "homecoming.app.registry"]
    assert any(n.startswith("django") for n in _imports(bad))


def test_django_is_imported_only_under_app() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] in ("app", "commands") or rel.name in ("cli.py",):  # the edges: web app and CLI
            continue
        if any(n == "django" or n.startswith("django.") for n in _imports(path)):
            offenders.append(str(rel))
    assert offenders == []
