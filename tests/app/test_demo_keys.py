"""A demo/development run without HOMECOMING_SECRET_KEY keeps one generated key in HOMECOMING_DATA_DIR, so
the audit digests (derived from it) still verify from the CLI and after a restart (issue 10, review)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

PRINT_KEYS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SECRET_KEY); print(settings.AUDIT_KEY)"
)


def _settings_in_new_process(data_dir: Path, debug: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOMECOMING_", "DATABASE_URL"))}
    env |= {
        "HOMECOMING_DEBUG": debug,
        "HOMECOMING_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "homecoming.app.settings",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT_KEYS], env=env, capture_output=True, text=True, timeout=120
    )


def test_a_demo_without_keys_keeps_its_generated_key_across_processes(tmp_path: Path) -> None:
    first = _settings_in_new_process(tmp_path, "1")
    assert first.returncode == 0, first.stderr
    second = _settings_in_new_process(tmp_path, "1")  # the CLI, or the server after a restart
    assert second.returncode == 0, second.stderr
    secret, audit_key = first.stdout.split()
    assert secret.startswith("demo-only-") and audit_key
    assert second.stdout.split() == [secret, audit_key]
    kept = tmp_path / "demo-secret-key"
    assert kept.read_text(encoding="utf-8").strip() == secret
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    # another data folder is another demo, with its own key
    other = _settings_in_new_process(tmp_path / "other", "1")
    assert other.returncode == 0, other.stderr
    assert other.stdout.split()[0] != secret


def test_production_without_a_secret_key_still_refuses_to_start(tmp_path: Path) -> None:
    run = _settings_in_new_process(tmp_path, "0")
    assert run.returncode != 0
    assert "HOMECOMING_SECRET_KEY is not set" in run.stderr
    assert not (tmp_path / "demo-secret-key").exists()
