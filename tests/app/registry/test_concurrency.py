"""Two people saving the same person at the same time, each on their own database connection.

PostgreSQL only (the production database; SQLite serialises all writers anyway). The threads commit
for real, so the test runs on ``flushable_db`` (tests/app/conftest.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from homecoming.app.audit import services as audit
from homecoming.app.audit.models import AuditRecord
from homecoming.app.registry import services
from homecoming.app.registry.models import Person
from homecoming.errors import ConflictError

pytestmark = pytest.mark.postgres

WAIT = 20.0


def in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``fn`` in a thread with its own connection; its result or error lands in the returned dict."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = fn()
        except Exception as exc:  # handed to the test, which asserts on it
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _blocked_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


@pytest.fixture
def two_registrars(flushable_db: None, make_user: Callable[..., Any]) -> tuple[Any, Any]:
    return make_user("registrar", "anna"), make_user("registrar", "borys")


@pytest.fixture
def shared_person(two_registrars: tuple[Any, Any]) -> Person:
    return services.create_person(
        actor=two_registrars[0],
        data={"sex": "male", "birth_date": "1988"},
        names=[{"family_name": "Гребенюк", "given_name": "Остап"}],
    )


def test_both_save_at_once_exactly_one_wins_and_the_other_is_told(
    two_registrars: tuple[Any, Any], shared_person: Person
) -> None:
    anna, borys = two_registrars
    start = threading.Barrier(2, timeout=WAIT)

    def save(actor: Any, field: str, value: str) -> Person:
        version = Person.objects.get(pk=shared_person.pk).version  # both load version 1
        start.wait()
        return services.update_person(
            actor=actor, person_id=shared_person.pk, expected_version=version, data={field: value}
        )

    runs = [
        in_thread(lambda: save(anna, "rank", "sergeant")),
        in_thread(lambda: save(borys, "unit", "3rd Company")),
    ]
    for thread, _ in runs:
        thread.join(WAIT)
        assert not thread.is_alive()
    outcomes = [outcome for _, outcome in runs]
    winners = [o for o in outcomes if "result" in o]
    losers = [o for o in outcomes if "error" in o]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0]["error"], ConflictError), losers[0]["error"]
    person = Person.objects.get(pk=shared_person.pk)
    assert person.version == 2
    if outcomes[0] is winners[0]:
        assert (person.rank, person.unit) == ("sergeant", "")
        assert "was changed by anna" in str(losers[0]["error"])
    else:
        assert (person.rank, person.unit) == ("", "3rd Company")
        assert "was changed by borys" in str(losers[0]["error"])
    assert (
        AuditRecord.objects.filter(
            object_type="registry.person", object_id=str(person.pk), action="update"
        ).count()
        == 1
    )
    assert audit.verify().ok


def test_the_second_save_waits_for_the_first_and_loses_nothing_of_it(
    two_registrars: tuple[Any, Any], shared_person: Person
) -> None:
    """Anna's save holds the row; Borys's save waits for it, then sees version 2 and is refused."""
    anna, borys = two_registrars
    anna_saved, anna_may_commit = threading.Event(), threading.Event()

    def anna_saves() -> Person:
        with transaction.atomic():
            person = services.update_person(
                actor=anna,
                person_id=shared_person.pk,
                expected_version=1,
                data={"rank": "sergeant", "distinguishing_marks": "scar, left hand"},
            )
            anna_saved.set()
            assert anna_may_commit.wait(WAIT)
        return person

    def borys_saves() -> Person:
        assert anna_saved.wait(WAIT)
        return services.update_person(
            actor=borys,
            person_id=shared_person.pk,
            expected_version=1,
            data={"unit": "3rd Company", "rank": "captain"},
        )

    anna_thread, anna_outcome = in_thread(anna_saves)
    borys_thread, borys_outcome = in_thread(borys_saves)
    deadline = time.monotonic() + WAIT
    while _blocked_backends() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    blocked = _blocked_backends()
    anna_may_commit.set()
    anna_thread.join(WAIT)
    borys_thread.join(WAIT)
    assert blocked == 1, "Borys's save did not wait for Anna's row lock"
    assert "result" in anna_outcome, anna_outcome
    error = borys_outcome.get("error")
    assert isinstance(error, ConflictError), borys_outcome
    assert "your version 1, now 2" in str(error) and "Nothing was saved" in str(error)
    person = Person.objects.get(pk=shared_person.pk)
    assert (person.rank, person.distinguishing_marks, person.unit, person.version) == (
        "sergeant",
        "scar, left hand",
        "",
        2,
    )
    updates = AuditRecord.objects.filter(
        object_type="registry.person", object_id=str(person.pk), action="update"
    )
    assert [u.actor_name for u in updates] == ["anna"]
    assert updates[0].after["rank"] == "sergeant" and updates[0].after["version"] == 2
    assert "unit" not in updates[0].after
    assert audit.verify().ok


@pytest.mark.django_db
def test_after_the_flush_the_history_tables_are_insert_only_again() -> None:
    """Runs after the tests above (same module): flushable_db must have put every trigger back."""
    from django.db import DatabaseError

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal"
        )
        triggers = set(cursor.fetchall())
    for table in (
        "audit_auditrecord",
        "registry_casetransition",
        "registry_assertionreview",
        "registry_statuschange",
        "captivity_detentionevent",
        "captivity_carddispatch",
    ):
        assert {(table, f"{table}_insert_only"), (table, f"{table}_no_truncate")} <= triggers, table
    record = audit.record(actor=None, action="test", object_type="test", object_id="1")
    refused = pytest.raises(DatabaseError, match="insert-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET reason = 'rewritten' WHERE id = %s", [record.pk])
