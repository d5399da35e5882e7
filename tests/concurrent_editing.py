"""Many editors saving the same persons at once, each on a database connection of its own: the driver of
tests/app/registry/test_concurrent_editors.py and benchmarks/concurrent_edits.py (not a test itself).

Every editor is a thread (Django gives each thread its own connection) and a registrar of its own.
Editors with an even number work through the API (GET the person, add an alias name form to the names
it read, PATCH with the version it read); the others through the service the API calls
(``registry.services.update_person``: read the person, append a line to its notes, save with the
version read). On 409 ``edit_conflict`` an editor reads again and redoes its change. A save is
*acknowledged* when the API answers 200 or the service returns.

``verify`` then checks, for every person, that no acknowledged save was lost: each acknowledged alias
and notes line is in the final state (and nothing else is), the audit trail has one update per
acknowledged save with versions 2, 3, … without gap or repeat, the versions the editors were given
are exactly those, and the audit chain verifies.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_ATTEMPTS = 500


@dataclass(frozen=True)
class Save:
    editor: int
    person_id: int
    via: str  # "api" | "service"
    mark: str
    version: int


@dataclass
class EditRun:
    editors: int
    saves: list[Save] = field(default_factory=list)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def mark_for(editor: int, n: int) -> str:
    """A name that only letters make (name forms refuse digits): editor 7's save 3 is ``Editorahad``."""
    return "Editor" + "".join("abcdefghij"[int(d)] for d in f"{editor:02d}{n:02d}")


def prepare(editors: int, persons: int) -> tuple[list[Any], list[str], list[int]]:
    """Registrars ``editor-00``…, an API token each, and the persons they will edit."""
    from homecoming.app.accounts.models import ApiToken
    from homecoming.app.accounts.roles import Role
    from homecoming.app.accounts.services import create_user
    from homecoming.app.registry import services

    users, tokens = [], []
    for i in range(editors):
        user = create_user(
            username=f"editor-{i:02d}",
            password="correct horse battery 9",
            role=Role.registrar,
            check_password=False,
        )
        users.append(user)
        tokens.append(ApiToken.issue(user, "concurrent edits")[1])
    ids = [
        services.create_person(
            actor=users[0],
            data={"sex": "male", "birth_date": f"19{70 + k}"},
            names=[{"family_name": "Гребенюк", "given_name": f"Остап{'ій' * k}"}],
        ).pk
        for k in range(persons)
    ]
    return users, tokens, ids


def _api_save(client: Any, person_id: int, mark: str) -> tuple[str, int | str]:
    got = client.get(f"/api/v1/persons/{person_id}")
    if got.status_code != 200:
        return "error", f"GET {got.status_code} {got.content[:200]!r}"
    person = got.json()
    names = [
        {k: n[k] for k in ("family_name", "given_name", "patronymic", "script", "language", "kind")}
        for n in person["names"]
    ]
    names.append({"family_name": mark, "script": "latin", "kind": "alias"})
    saved = client.patch(
        f"/api/v1/persons/{person_id}",
        data=json.dumps({"version": person["version"], "names": names}),
        content_type="application/json",
    )
    if saved.status_code == 200:
        return "saved", int(saved.json()["version"])
    if saved.status_code == 409 and saved.json()["error"]["code"] == "edit_conflict":
        return "conflict", 0
    return "error", f"PATCH {saved.status_code} {saved.content[:300]!r}"


def _service_save(user: Any, person_id: int, mark: str) -> tuple[str, int | str]:
    from homecoming.app.registry import services
    from homecoming.app.registry.models import Person
    from homecoming.errors import ConflictError

    person = Person.objects.get(pk=person_id)
    notes = f"{person.notes}\n{mark}" if person.notes else mark
    try:
        saved = services.update_person(
            actor=user, person_id=person_id, expected_version=person.version, data={"notes": notes}
        )
    except ConflictError:
        return "conflict", 0
    return "saved", saved.version


def run_editors(
    users: list[Any],
    tokens: list[str],
    person_ids: list[int],
    *,
    saves_each: int,
    seed: int = 1,
    progress: Callable[[], None] | None = None,
) -> EditRun:
    """Every editor makes ``saves_each`` acknowledged saves, all editors starting together."""
    from django.db import connections
    from django.test import Client

    run = EditRun(editors=len(users))
    start = threading.Barrier(len(users))

    def editor(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        via = "api" if i % 2 == 0 else "service"
        client = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[i]}")
        try:
            start.wait()
            for n in range(saves_each):
                person_id = person_ids[(i + n) % len(person_ids)]
                mark = mark_for(i, n)
                for _attempt in range(MAX_ATTEMPTS):
                    try:
                        if via == "api":
                            outcome, value = _api_save(client, person_id, mark)
                        else:
                            outcome, value = _service_save(users[i], person_id, mark)
                    except Exception as exc:  # counted as an error of the run, which verify reports
                        outcome, value = "error", f"{type(exc).__name__}: {exc}"
                    if outcome == "saved":
                        with run.lock:
                            run.saves.append(Save(i, person_id, via, mark, int(value)))
                        if progress is not None:
                            progress()
                        break
                    with run.lock:
                        if outcome == "conflict":
                            run.conflicts += 1
                        else:
                            run.errors.append(f"editor {i} ({via}) {mark}: {value}")
                    if outcome == "error":
                        return
                    time.sleep(rng.uniform(0, 0.02))
                else:
                    with run.lock:
                        run.errors.append(f"editor {i} ({via}) {mark}: no save in {MAX_ATTEMPTS} attempts")
                    return
        finally:
            connections.close_all()

    started = time.monotonic()
    threads = [threading.Thread(target=editor, args=(i,), daemon=True) for i in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.monotonic() - started
    return run


def verify(run: EditRun, person_ids: list[int]) -> list[str]:
    """Every lost or unaccounted-for save, by person; [] when none was lost."""
    from homecoming.app.audit import services as audit
    from homecoming.app.audit.models import AuditRecord
    from homecoming.app.registry.models import Person

    lost: list[str] = []
    for pid in person_ids:
        person = Person.objects.get(pk=pid)
        acked = [s for s in run.saves if s.person_id == pid]
        notes = {line for line in person.notes.splitlines() if line}
        aliases = set(person.names.filter(kind="alias").values_list("family_name", flat=True))
        want_notes = {s.mark for s in acked if s.via == "service"}
        want_aliases = {s.mark for s in acked if s.via == "api"}
        lost += [f"person {pid}: notes line {m} lost" for m in sorted(want_notes - notes)]
        lost += [f"person {pid}: alias {m} lost" for m in sorted(want_aliases - aliases)]
        lost += [f"person {pid}: notes line {m} never acknowledged" for m in sorted(notes - want_notes)]
        lost += [f"person {pid}: alias {m} never acknowledged" for m in sorted(aliases - want_aliases)]
        expected_versions = list(range(2, person.version + 1))
        given = sorted(s.version for s in acked)
        if given != expected_versions:
            lost.append(f"person {pid}: versions given {given}, final version {person.version}")
        updates = AuditRecord.objects.filter(
            object_type="registry.person", object_id=str(pid), action="update"
        ).order_by("pk")
        audited = [u.after.get("version") for u in updates]
        if audited != expected_versions:
            lost.append(f"person {pid}: audit trail versions {audited}, expected {expected_versions}")
    report = audit.verify()
    if not report.ok:
        lost.append(f"audit chain does not verify: {report}")
    return lost
