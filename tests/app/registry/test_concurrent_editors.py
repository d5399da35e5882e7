"""Ten editors saving the same persons at once (half through the API, half through the service), each
on a connection of its own, retrying on edit_conflict: no acknowledged save is lost.

PostgreSQL only (the production database). The threads commit for real, so the test runs on
``flushable_db`` (tests/app/conftest.py). ``benchmarks/concurrent_edits.py`` runs 50 editors.
"""

from __future__ import annotations

import pytest

from concurrent_editing import prepare, run_editors, verify

pytestmark = pytest.mark.postgres


def test_ten_editors_on_two_persons_lose_no_acknowledged_save(flushable_db: None) -> None:
    users, tokens, person_ids = prepare(editors=10, persons=2)
    run = run_editors(users, tokens, person_ids, saves_each=3)
    assert run.errors == []
    assert len(run.saves) == 30
    assert {s.via for s in run.saves} == {"api", "service"}
    assert run.conflicts > 0, "the editors never met: the test did not test concurrency"
    assert verify(run, person_ids) == []
