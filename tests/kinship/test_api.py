"""The public surface of homecoming.kinship."""

from __future__ import annotations

import subprocess
import sys

import homecoming.kinship as kinship


def test_all_is_sorted_and_exported() -> None:
    assert kinship.__all__ == sorted(kinship.__all__)
    for name in kinship.__all__:
        assert hasattr(kinship, name)


def test_no_django_import() -> None:
    code = "import sys, homecoming.kinship, homecoming.kinship.simulate; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
