"""The public surface of homecoming.kinship (its ``__all__``: tests/architecture/test_public_api.py)."""

from __future__ import annotations

import subprocess
import sys


def test_no_django_import() -> None:
    code = "import sys, homecoming.kinship, homecoming.kinship.simulate; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
