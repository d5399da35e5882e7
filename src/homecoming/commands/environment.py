"""The demo's settings file: how the command line finds the database ``make demo`` built.

``homecoming demo`` writes ``DATA_DIR/homecoming.env`` (``var/demo/homecoming.env`` by default): the
settings the demo runs with (its data folder, debug on), one ``NAME=value`` a line. When a command starts
with neither ``HOMECOMING_SECRET_KEY`` nor ``DATABASE_URL`` in the environment — nothing says which
installation it is — it reads that file from ``$HOMECOMING_DATA_DIR`` or, unset, from ``var/demo`` under the
current folder; a variable already in the environment keeps its value. So, right after ``make demo``, the
commands of the README work in the repository's folder as printed, and a configured installation (a secret
key, a database URL) never reads a demo's settings. Nothing here imports Django (``--help`` stays light).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, MutableMapping
from pathlib import Path

__all__ = ["DEMO_DATA_DIR", "ENV_FILE", "demo_env_file", "load_demo_env", "loaded", "write_demo_env"]

DEMO_DATA_DIR = Path("var") / "demo"
ENV_FILE = "homecoming.env"
_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_loaded: Path | None = None


def demo_env_file(environ: Mapping[str, str] | None = None) -> Path | None:
    """The demo's settings file to read, or None: the environment names an installation (a secret key or a
    database URL), or no demo's settings file is there."""
    env = os.environ if environ is None else environ
    if env.get("HOMECOMING_SECRET_KEY") or env.get("DATABASE_URL"):
        return None
    path = Path(env.get("HOMECOMING_DATA_DIR") or DEMO_DATA_DIR) / ENV_FILE
    return path if path.is_file() else None


def read_env(path: Path) -> dict[str, str]:
    """``NAME=value`` lines (blank lines and ``#`` comments skipped); other lines are ignored."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = (part.strip() for part in line.split("=", 1))
        if _NAME.match(name):
            found[name] = value
    return found


def load_demo_env(environ: MutableMapping[str, str] | None = None) -> Path | None:
    """Read the demo's settings file into the environment (values already set are kept); its path, or None."""
    global _loaded
    env = os.environ if environ is None else environ
    path = demo_env_file(env)
    if path is None:
        return None
    for name, value in read_env(path).items():
        env.setdefault(name, value)
    _loaded = path
    return path


def loaded() -> Path | None:
    """The demo's settings file this process read, if it read one."""
    return _loaded


def write_demo_env(data_dir: Path, settings: Mapping[str, str]) -> Path:
    """Write ``data_dir/homecoming.env``: the demo's settings, for the commands run beside the demo."""
    path = data_dir / ENV_FILE
    lines = [
        "# written by `homecoming demo` (make demo): the demo's settings. A `homecoming` command started",
        "# without HOMECOMING_SECRET_KEY and DATABASE_URL reads them from here (var/demo, or",
        "# $HOMECOMING_DATA_DIR); a variable set in the environment wins. Never use them for real data.",
        *(f"{name}={value}" for name, value in settings.items()),
    ]
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
