"""The pure packages' public surfaces (DESIGN.md §5.10): ``__all__`` is sorted, exists and is complete.

Complete means: every public name the package's ``__init__`` binds at top level (a ``def``, a
``class``, an assignment or an import; not starting with ``_``, not a module object, not a
``from __future__`` feature) is in ``__all__``. The names are read from the source with ``ast`` (what
the ``__init__`` itself binds, not what importing its submodules adds to the package).
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from types import ModuleType

import pytest

PACKAGES = ("homecoming.kinship", "homecoming.linkage")


def _targets(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Tuple | ast.List):
        return [n for e in node.elts for n in _targets(e)]
    if isinstance(node, ast.Starred):
        return _targets(node.value)
    return []


def bound_names(source: str) -> list[str]:
    """The names a module's top-level statements bind (``if``/``try`` bodies included)."""
    names: list[str] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                names.extend(a.asname or a.name for a in node.names if a.name != "*")
            elif isinstance(node, ast.Import):
                names.extend(a.asname or a.name.partition(".")[0] for a in node.names)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.append(node.name)
            elif isinstance(node, ast.Assign):
                names.extend(n for t in node.targets for n in _targets(t))
            elif isinstance(node, ast.AnnAssign | ast.AugAssign):
                names.extend(_targets(node.target))
            elif isinstance(node, ast.If | ast.Try):
                visit(node.body)
                visit(node.orelse)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)
                visit(getattr(node, "finalbody", []))

    visit(ast.parse(source).body)
    return names


def public_names(module: ModuleType) -> set[str]:
    """What ``__all__`` must hold: the public, non-module names the module binds at top level."""
    source = Path(inspect.getfile(module)).read_text(encoding="utf-8")
    return {
        name
        for name in bound_names(source)
        if not name.startswith("_") and not inspect.ismodule(getattr(module, name, None))
    }


def problems(module: ModuleType) -> list[str]:
    exported = list(getattr(module, "__all__", None) or [])
    out = []
    if not exported:
        out.append(f"{module.__name__} has no __all__")
    if exported != sorted(exported):
        out.append(f"{module.__name__}.__all__ is not sorted")
    if len(set(exported)) != len(exported):
        out.append(f"{module.__name__}.__all__ names something twice")
    out += [
        f"{module.__name__}.__all__ names {n!r}, which does not exist"
        for n in exported
        if not hasattr(module, n)
    ]
    out += [
        f"{module.__name__} binds {n!r} but leaves it out of __all__"
        for n in sorted(public_names(module) - set(exported))
    ]
    return out


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted_existing_and_complete(package: str) -> None:
    assert problems(importlib.import_module(package)) == []


def test_the_check_finds_every_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fakepkg").mkdir()
    (tmp_path / "fakepkg" / "sub.py").write_text("")
    (tmp_path / "fakepkg" / "__init__.py").write_text(
        "from __future__ import annotations\n"
        "import json\n"
        "from fakepkg import sub\n"
        "from os.path import join as joined, split\n"
        "def shown(): ...\n"
        "class Left: ...\n"
        "_hidden = 1\n"
        "LIMIT, (A, B) = 3, (1, 2)\n"
        "try:\n    from os import sep\nexcept ImportError:\n    sep = '/'\n"
        "__all__ = ['split', 'Left', 'shown', 'ghost', 'shown']\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("fakepkg")
    try:
        assert public_names(module) == {"A", "B", "LIMIT", "Left", "joined", "sep", "shown", "split"}
        assert problems(module) == [
            "fakepkg.__all__ is not sorted",
            "fakepkg.__all__ names something twice",
            "fakepkg.__all__ names 'ghost', which does not exist",
            "fakepkg binds 'A' but leaves it out of __all__",
            "fakepkg binds 'B' but leaves it out of __all__",
            "fakepkg binds 'LIMIT' but leaves it out of __all__",
            "fakepkg binds 'joined' but leaves it out of __all__",
            "fakepkg binds 'sep' but leaves it out of __all__",
        ]
    finally:
        import sys

        for name in ("fakepkg", "fakepkg.sub"):
            sys.modules.pop(name, None)
