"""`homecoming audit verify` from the command line."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from typer.testing import CliRunner

from homecoming.app.audit import insert_only
from homecoming.app.audit.models import AuditRecord
from homecoming.cli import app

pytestmark = pytest.mark.django_db


def test_verify_says_intact(person: Any) -> None:
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"audit chain intact: {AuditRecord.objects.count()} records verified" in result.output


def test_verify_names_the_changed_record_and_exits_7(person: Any) -> None:
    rec = AuditRecord.objects.order_by("seq").last()
    assert rec is not None
    insert_only.remove(connection, "audit_auditrecord")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET actor_name = 'someone-else' WHERE id = %s", [rec.pk])
    insert_only.install(connection, "audit_auditrecord")
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 7
    assert f"audit chain broken at record #{rec.seq}" in result.output
