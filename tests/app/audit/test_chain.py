"""The audit chain: every change writes a record; nobody can rewrite one without `verify` noticing."""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import math
import uuid
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from homecoming.app.audit import insert_only, services
from homecoming.app.audit.models import AuditRecord
from homecoming.app.registry import services as registry
from homecoming.app.registry.models import Person

pytestmark = pytest.mark.django_db


def test_each_record_links_to_the_previous_one(person: Any) -> None:
    records = list(AuditRecord.objects.order_by("seq"))
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    assert records[0].prev_hash == services.GENESIS
    for before, after in itertools.pairwise(records):
        assert after.prev_hash == before.hash
        assert services.compute_hash(after) == after.hash
    assert services.verify().ok


def test_creating_a_person_is_audited_with_actor_and_content(person: Any, registrar: Any) -> None:
    rec = services.history(person).get(action="create")
    assert rec.actor_id == registrar.pk
    assert rec.actor_name == registrar.username
    assert rec.after["names"][0]["family_name"] == "Шевченко"
    assert rec.after["service_number"] == "A123456"


def test_update_records_before_and_after(person: Any, registrar: Any) -> None:
    updated_before = person.updated.isoformat()
    registry.update_person(
        actor=registrar,
        person_id=person.pk,
        expected_version=1,
        data={"rank": "sergeant"},
        reason="rank from unit list",
    )
    rec = services.history(person).get(action="update")
    assert rec.before == {"rank": "", "version": 1, "updated": updated_before}
    assert rec.after["rank"] == "sergeant"
    assert rec.reason == "rank from unit list"


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_auditrecord SET reason = 'x'", "DELETE FROM audit_auditrecord"]
)
def test_the_database_refuses_update_and_delete(person: Any, sql: str) -> None:
    before = list(AuditRecord.objects.values_list("seq", "reason"))
    with (
        pytest.raises(DatabaseError, match="insert-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert list(AuditRecord.objects.values_list("seq", "reason")) == before


def _tamper(sql: str, params: list[Any]) -> None:
    """What a DBA with rights to drop triggers could do."""
    insert_only.remove(connection, "audit_auditrecord")
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        insert_only.install(connection, "audit_auditrecord")


def test_a_row_changed_with_raw_sql_is_named_by_verify(person: Any, registrar: Any) -> None:
    registry.update_person(actor=registrar, person_id=person.pk, expected_version=1, data={"rank": "captain"})
    target = AuditRecord.objects.get(action="update")
    _tamper("UPDATE audit_auditrecord SET reason = %s WHERE id = %s", ["nothing happened here", target.pk])
    report = services.verify()
    assert not report.ok
    assert report.first_broken_seq == target.seq
    assert "content does not match its hash" in report.problem


def test_a_deleted_row_is_found(person: Any, registrar: Any) -> None:
    registry.update_person(actor=registrar, person_id=person.pk, expected_version=1, data={"rank": "captain"})
    first = AuditRecord.objects.order_by("seq").first()
    assert first is not None
    _tamper("DELETE FROM audit_auditrecord WHERE seq = %s", [first.seq + 1])
    report = services.verify()
    assert not report.ok
    assert report.first_broken_seq == first.seq + 2
    assert "records are missing" in report.problem


def test_history_tables_are_insert_only_too(person: Any, registrar: Any) -> None:
    case = registry.open_case(actor=registrar, person=person, data={})
    with (
        pytest.raises(DatabaseError, match="insert-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE registry_casetransition SET reason = 'rewritten' WHERE case_id = %s", [case.pk]
        )
    with (
        pytest.raises(DatabaseError, match="insert-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM registry_statuschange")


def test_non_finite_numbers_are_stored_as_text_and_hash_as_before() -> None:
    rec = services.record(actor=None, action="test", object_type="x", object_id="1", after={"lr": math.inf})
    rec.refresh_from_db()  # PostgreSQL's jsonb refuses the number Infinity; the text is stored
    assert rec.after == {"lr": "Inf"}
    # the hash is the one the number itself gave before the shared walk (canonical JSON spells it "Inf")
    assert services.compute_hash(rec) == rec.hash
    content = services._content(rec) | {"after": {"lr": math.inf}}
    assert services._hash(content) == rec.hash
    assert services.verify().ok


def test_field_values_hash_byte_for_byte_as_before() -> None:
    after = {
        "name": "Олена",
        "born": dt.date(1990, 5, 17),
        "at": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "amount": decimal.Decimal("1.10"),
        "ref": uuid.UUID(int=5),
        "lr": math.inf,
        "p": math.nan,
        "x": 0.1,
        "person": Person(pk=42),
        "tags": ("a", "b"),
        "n": 3,
        "ok": True,
        "none": None,
        "nested": {1: [2.5, -math.inf]},
    }
    content = {
        "seq": 1,
        "created": "2024-01-02T03:04:05+00:00",
        "actor_id": None,
        "actor_name": "system",
        "request_id": "r",
        "action": "create",
        "object_type": "registry.person",
        "object_id": "42",
        "object_repr": "P",
        "before": None,
        "after": services.field_value(after),
        "reason": "",
        "prev_hash": services.GENESIS,
    }
    # computed with the audit's own walk before it was shared (homecoming.jsonable)
    assert services._hash(content) == "a4ff4e290a8e8d4dc1ca334c63b2d60c79b3a0179fcd04d8fd66e10dfe603a88"
