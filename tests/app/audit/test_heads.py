"""Signed chain heads (issue 10 item 7) and guarded updates of conclusion rows (item 6), from the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from typer.testing import CliRunner

from homecoming.app.audit import heads, insert_only, services
from homecoming.app.audit.models import AuditHead, AuditRecord
from homecoming.app.registry import services as registry
from homecoming.app.registry.models import Person
from homecoming.cli import app

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "audit-head.key"
    result = CliRunner().invoke(app, ["audit", "keygen", str(path)])
    assert result.exit_code == 0, result.output
    assert "public key fingerprint: SHA256:" in result.output
    assert path.stat().st_mode & 0o777 == 0o600
    settings.AUDIT_SIGNING_KEY = str(path)
    return path


def test_keygen_never_overwrites_a_key(key: Path) -> None:
    before = key.read_bytes()
    result = CliRunner().invoke(app, ["audit", "keygen", str(key)])
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert key.read_bytes() == before


def test_audit_head_without_a_key_says_how_to_make_one(person: Any, settings: Any) -> None:
    settings.AUDIT_SIGNING_KEY = ""
    result = CliRunner().invoke(app, ["audit", "head"])
    assert result.exit_code == 2
    assert "HOMECOMING_AUDIT_SIGNING_KEY is not set" in result.output
    assert "homecoming audit keygen" in result.output


def test_audit_head_prints_and_stores_a_signed_head(person: Any, key: Path) -> None:
    result = CliRunner().invoke(app, ["audit", "head"])
    assert result.exit_code == 0, result.output
    last = AuditRecord.objects.order_by("-seq").first()
    assert last is not None
    assert f"seq: {last.seq}" in result.output
    assert f"hash: {last.hash}" in result.output
    assert "public key fingerprint: SHA256:" in result.output
    (line,) = [x for x in result.output.splitlines() if x.startswith(heads.PREFIX)]
    (head,) = heads.parse(line)
    assert head.signature_holds()
    assert AuditHead.objects.get().seq == last.seq


def test_tail_deletion_is_found_by_a_head_kept_in_a_file(
    person: Any, registrar: Any, key: Path, tmp_path: Path
) -> None:
    registry.update_person(actor=registrar, person_id=person.pk, expected_version=1, data={"rank": "major"})
    printed = CliRunner().invoke(app, ["audit", "head"]).output
    kept = tmp_path / "head.txt"
    kept.write_text(printed, encoding="utf-8")
    last = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True)[0]
    for table in ("audit_auditrecord", "audit_audithead"):
        insert_only.remove(connection, table)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE seq >= %s", [last - 1])
        cursor.execute("DELETE FROM audit_audithead")
    for table in ("audit_auditrecord", "audit_audithead"):
        insert_only.install(connection, table)
    # the chain that is left is consistent, and the stored heads are gone: only the kept head knows
    assert not [b for b in services.verify().breaks if "records" in b.problem]
    result = CliRunner().invoke(app, ["audit", "verify", "--head", str(kept)])
    assert result.exit_code == 7
    assert f"records {last - 1}..{last} are missing from the end of the chain" in result.output
    assert "given signed head of" in result.output


def test_verify_reports_every_break_and_signs_a_head_when_intact(
    person: Any, registrar: Any, key: Path
) -> None:
    for rank in ("captain", "major", "colonel"):
        p = Person.objects.get(pk=person.pk)
        registry.update_person(
            actor=registrar, person_id=p.pk, expected_version=p.version, data={"rank": rank}
        )
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "signed head #" in result.output
    assert AuditHead.objects.count() == 1
    insert_only.remove(connection, "audit_auditrecord")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET reason = 'x' WHERE seq IN (2, 4)")
    insert_only.install(connection, "audit_auditrecord")
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 7
    assert "audit chain broken at record #2" in result.output
    assert "#2: its content does not match its hash" in result.output
    assert "#4: its content does not match its hash" in result.output
    assert AuditHead.objects.count() == 1  # no head is signed over a broken chain


def test_a_head_is_signed_automatically_every_n_records(
    person: Any, registrar: Any, key: Path, settings: Any
) -> None:
    settings.AUDIT_HEAD_EVERY = 2
    before = AuditRecord.objects.count()
    for rank in ("captain", "major", "colonel", "general"):
        p = Person.objects.get(pk=person.pk)
        registry.update_person(
            actor=registrar, person_id=p.pk, expected_version=p.version, data={"rank": rank}
        )
    seqs = list(AuditHead.objects.values_list("seq", flat=True))
    assert seqs == [s for s in range(before + 1, before + 5) if s % 2 == 0]
    assert services.verify().ok


def test_services_change_guarded_rows_and_nothing_else_can(person: Any, registrar: Any) -> None:
    registry.update_person(actor=registrar, person_id=person.pk, expected_version=1, data={"rank": "major"})
    person.refresh_from_db()
    assert (person.rank, person.version) == ("major", 2)
    # right after the service's own UPDATE, the same row cannot be changed again without a new record
    for sql in (
        "UPDATE registry_person SET rank = 'general' WHERE id = %s",
        "UPDATE registry_person SET rank = 'general', version = version + 1 WHERE id = %s",
        "UPDATE registry_person SET current_status = 'confirmed_dead' WHERE id = %s",
        "DELETE FROM registry_person WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="insert-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [person.pk])
    person.refresh_from_db()
    assert (person.rank, person.version, person.current_status) == ("major", 2, "unknown")
    assert services.verify().ok


def test_an_unreadable_signing_key_stops_start_up(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = os.environ | {
        "HOMECOMING_DEBUG": "1",
        "HOMECOMING_DATA_DIR": str(tmp_path),
        "HOMECOMING_AUDIT_SIGNING_KEY": str(tmp_path / "missing.key"),
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "homecoming.cli", "audit", "head"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "HOMECOMING_AUDIT_SIGNING_KEY" in done.stderr
    assert "cannot be read" in done.stderr
