"""The shape of the import picture (DESIGN.md §3), checked over every module of ``src/homecoming``.

* The pure packages (``kinship/``, ``linkage/``, ``domain/``, ``io/``) import no Django, no database
  and not each other, except ``io/`` using ``domain/`` values; Django lives only in ``app/`` and the
  CLI's edges.
* The ``homecoming`` package has no import cycles.

Every ``import`` and ``from … import`` anywhere in a module counts, including those inside functions
(where cycles like to hide); relative imports are resolved. Only the cycle check leaves out imports
under ``if TYPE_CHECKING:``, which never run. Each checker is also fed a synthetic offender, so a
checker that silently finds nothing cannot pass.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "homecoming"
PURE = ("kinship", "linkage", "domain", "io")
ALLOWED_SIBLINGS = {"io": {"domain"}}  # io/ parses into domain/ values
FORBIDDEN = (  # the web app, the database, the edges
    "django",
    "ninja",
    "axes",
    "django_otp",
    "dj_database_url",
    "whitenoise",
    "psycopg",
    "psycopg2",
    "sqlite3",
    "sqlalchemy",
    "homecoming.app",
    "homecoming.cli",
    "homecoming.commands",
    "homecoming.testrun",
)


@dataclass(frozen=True)
class Source:
    """One module's text, and whether it is a package's ``__init__`` (for relative imports)."""

    text: str
    is_package: bool = False
    path: str = "<synthetic>"


@dataclass(frozen=True)
class Import:
    """One imported name, dotted and absolute (``from ..a import b`` in ``p.q.m`` gives ``p.a.b``)."""

    name: str
    line: int
    type_checking: bool


def sources(root: Path = PACKAGE) -> dict[str, Source]:
    """Every module under ``root`` by dotted name (``homecoming.kinship.screen``)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        out[name] = Source(path.read_text(encoding="utf-8"), is_package, str(path.relative_to(SRC)))
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _nodes(node: ast.AST, guarded: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node below ``node`` with whether it sits in the body of an ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            yield child, guarded
            for part in child.body:
                yield part, True
                yield from _nodes(part, True)
            for part in child.orelse:
                yield part, guarded
                yield from _nodes(part, guarded)
            continue
        yield child, guarded
        yield from _nodes(child, guarded)


def _absolute(module: str, source: Source, level: int, target: str | None) -> str:
    """Resolve ``from ..x import y`` inside ``module`` to ``homecoming.…x``."""
    package = module.split(".") if source.is_package else module.split(".")[:-1]
    if level > 1:
        package = package[: len(package) - (level - 1)]
    return ".".join([*package, *([target] if target else [])])


def imports(module: str, source: Source) -> list[Import]:
    """All imports of one module, at any depth (functions, classes, ``try``, ``if``)."""
    tree = ast.parse(source.text, filename=source.path)
    found = []
    for node, guarded in _nodes(tree):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno, guarded) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = (
                (node.module or "") if node.level == 0 else _absolute(module, source, node.level, node.module)
            )
            found += [
                Import(base if a.name == "*" else f"{base}.{a.name}", node.lineno, guarded)
                for a in node.names
            ]
    return found


# ------------------------------------------------------------------------------------ dependency rule
def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(modules: Mapping[str, Source]) -> list[str]:
    """Every import of a pure package that DESIGN.md forbids, as ``path:line: module imports name``."""
    bad = []
    for module, source in modules.items():
        parts = module.split(".")
        if len(parts) < 2 or parts[0] != "homecoming" or parts[1] not in PURE:
            continue
        own, allowed = parts[1], ALLOWED_SIBLINGS.get(parts[1], set())
        for imp in imports(module, source):
            other = [
                pure
                for pure in PURE
                if pure != own and pure not in allowed and _within(imp.name, f"homecoming.{pure}")
            ]
            if other or any(_within(imp.name, f) for f in FORBIDDEN):
                bad.append(f"{source.path}:{imp.line}: {module} imports {imp.name}")
    return sorted(set(bad))


def django_outside_the_edges(modules: Mapping[str, Source]) -> list[str]:
    """Modules outside ``app/``, ``commands/`` and ``cli.py`` that import Django."""
    edges = ("homecoming.app", "homecoming.commands", "homecoming.cli")
    return sorted(
        f"{source.path}:{imp.line}: {module} imports {imp.name}"
        for module, source in modules.items()
        if not any(_within(module, e) for e in edges)
        for imp in imports(module, source)
        if _within(imp.name, "django")
    )


# ---------------------------------------------------------------------------------------------- cycles
def graph(modules: Mapping[str, Source]) -> dict[str, dict[str, int]]:
    """``{module: {imported module: first line}}`` over the given modules, TYPE_CHECKING imports left out.

    ``from a.b import c`` points at the module ``a.b.c`` if there is one, else at ``a.b``; importing a
    submodule does not count as importing its parent packages (Python runs their ``__init__`` first,
    but an ``__init__`` that re-exports its submodules is not a cycle of the design).
    """
    edges: dict[str, dict[str, int]] = {m: {} for m in modules}
    for module, source in modules.items():
        for imp in imports(module, source):
            target = imp.name  # the most specific module it names (``a.b.c`` may be a name in ``a.b``)
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != module and not imp.type_checking:
                edges[module].setdefault(target, imp.line)
    return edges


def cycles(edges: Mapping[str, Mapping[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted, smallest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, {})):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(found, key=lambda c: (len(c), c))


def describe(component: list[str], edges: Mapping[str, Mapping[str, int]]) -> str:
    """One cycle as its import edges, ``a (line 12) -> b``."""
    inside = set(component)
    arrows = [f"{a}:{line} -> {b}" for a in component for b, line in sorted(edges[a].items()) if b in inside]
    return "cycle of " + ", ".join(component) + ":\n    " + "\n    ".join(arrows)


# ----------------------------------------------------------------------------------------------- tests
@pytest.fixture(scope="module")
def modules() -> dict[str, Source]:
    return sources()


def test_every_module_is_read(modules: dict[str, Source]) -> None:
    for pure in PURE:
        assert f"homecoming.{pure}" in modules
    assert len(modules) > 50
    assert sum(len(imports(m, s)) for m, s in modules.items()) > 500


def test_pure_packages_import_no_django_no_database_and_not_each_other(modules: dict[str, Source]) -> None:
    assert violations(modules) == []


def test_django_is_imported_only_by_the_app_and_the_cli(modules: dict[str, Source]) -> None:
    assert django_outside_the_edges(modules) == []


def test_the_package_has_no_import_cycles(modules: dict[str, Source]) -> None:
    edges = graph(modules)
    found = cycles(edges)
    assert found == [], "\n".join(describe(c, edges) for c in found)


# ----------------------------------------------------------------------------- the checkers can fail
def _synthetic(**modules: str) -> dict[str, Source]:
    """``_synthetic(homecoming__kinship__x="import django")`` → modules by dotted name (``__`` = ``.``)."""
    out = {}
    for key, text in modules.items():
        name = key.replace("__", ".")
        is_package = name.endswith(".init")
        name = name.removesuffix(".init")
        out[name] = Source(
            text, is_package, name.replace(".", "/") + ("/__init__.py" if is_package else ".py")
        )
    return out


def test_the_dependency_checker_finds_every_kind_of_offence() -> None:
    modules = _synthetic(
        homecoming__kinship__a="import numpy\nfrom django.db import models\n",
        homecoming__kinship__b="def later():\n    import homecoming.linkage.names\n",  # inside a function
        homecoming__linkage__init="from ..kinship import Locus\n",  # relative, from a package
        homecoming__domain__c="class C:\n    def m(self):\n        from . import status\n"
        "        from ..io import persons\n",
        homecoming__domain__status="import sqlite3\n",
        homecoming__io__d="from homecoming.domain import status\nfrom homecoming import linkage\n",
        homecoming__io__e="try:\n    import psycopg\nexcept ImportError:\n    pass\n",
        homecoming__kinship__f="from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from homecoming.app.registry.models import Person\n",
        homecoming__app__g="import django\nfrom homecoming.kinship import lr\n",  # the app may
        homecoming__h="import django\n",
    )
    assert violations(modules) == [
        "homecoming/domain/c.py:4: homecoming.domain.c imports homecoming.io.persons",
        "homecoming/domain/status.py:1: homecoming.domain.status imports sqlite3",
        "homecoming/io/d.py:2: homecoming.io.d imports homecoming.linkage",
        "homecoming/io/e.py:2: homecoming.io.e imports psycopg",
        "homecoming/kinship/a.py:2: homecoming.kinship.a imports django.db.models",
        "homecoming/kinship/b.py:2: homecoming.kinship.b imports homecoming.linkage.names",
        "homecoming/kinship/f.py:3: homecoming.kinship.f imports homecoming.app.registry.models.Person",
        "homecoming/linkage/__init__.py:1: homecoming.linkage imports homecoming.kinship.Locus",
    ]
    assert django_outside_the_edges(modules) == [
        "homecoming/h.py:1: homecoming.h imports django",
        "homecoming/kinship/a.py:2: homecoming.kinship.a imports django.db.models",
    ]


def test_the_cycle_checker_finds_a_cycle_hidden_in_a_function() -> None:
    modules = _synthetic(
        homecoming__api="from homecoming.shop import api as shop_api\n",
        homecoming__shop__init="",
        homecoming__shop__api="def require():\n    from homecoming.api import router\n",
        homecoming__a="from . import b\n",
        homecoming__b="import homecoming.c\n",
        homecoming__c="from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from homecoming import a\n",
        homecoming__x="from .y import f\n",
        homecoming__y="def f():\n    from .z import g\n",
        homecoming__z="def g():\n    import homecoming.x\n",
    )
    edges = graph(modules)
    assert edges["homecoming.api"] == {"homecoming.shop.api": 1}
    assert edges["homecoming.c"] == {}  # only under TYPE_CHECKING
    found = cycles(edges)
    assert found == [
        ["homecoming.api", "homecoming.shop.api"],
        ["homecoming.x", "homecoming.y", "homecoming.z"],
    ]
    assert describe(found[0], edges) == (
        "cycle of homecoming.api, homecoming.shop.api:\n"
        "    homecoming.api:1 -> homecoming.shop.api\n"
        "    homecoming.shop.api:2 -> homecoming.api"
    )


def test_a_package_init_that_reexports_its_submodules_is_no_cycle() -> None:
    modules = _synthetic(
        homecoming__k__init="from homecoming.k.m import M\n",
        homecoming__k__m="from homecoming.k.n import N\n",
        homecoming__k__n="N = 1\n",
    )
    assert cycles(graph(modules)) == []
