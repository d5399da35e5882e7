"""Every tamper case of issue 10 (items 6–8): is each one detected and named?

Run:  .venv/bin/python benchmarks/tamper.py
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/tamper.py
(SQLite in a temporary folder; on PostgreSQL in its own database ``hc_bench_tamper``, dropped first.)

Builds a small world through the services (a person with an accepted "captive" claim and an enquirer, a
detention with an event and a capture card, a remains unit with an examination, a sample and an effect,
a signed chain head), then plays each case in its own transaction, rolled back afterwards: an UPDATE
refused by a table's trigger; the same UPDATE after dropping the trigger (a database owner), which
``audit verify`` must name (table, id, field); records deleted at the end, in the middle, two breaks at
once; a forged head, a head of another key, a rewritten last record; role permissions changed outside
roles.py (item 8: a permission added to or removed from a role's group, given to a user directly, a new
group holding permissions). The same cases run as tests (tests/app/audit/test_tamper.py).
Prints one line per case, then ``tamper_cases=N`` and ``tamper_detected=N`` last.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

BENCH_DB = "hc_bench_tamper"


# --- the world -------------------------------------------------------------------------------------


def build_world() -> dict[str, Any]:
    """Objects of every conclusion table, made through the services; the chain ends with a signed head.

    Needs ``settings.AUDIT_SIGNING_KEY`` pointing at a key file (see :func:`signing_key`)."""
    from django.utils import timezone

    from homecoming.app.accounts.roles import Role
    from homecoming.app.accounts.services import create_user
    from homecoming.app.audit import heads
    from homecoming.app.captivity import services as captivity
    from homecoming.app.registry import services as registry
    from homecoming.app.remains import examinations
    from homecoming.app.remains import services as remains

    def user(role: str, name: str) -> Any:
        return create_user(
            username=name, password="correct horse battery 9", role=Role(role), check_password=False
        )

    registrar = user("registrar", "t-registrar")
    reviewer = user("identification_reviewer", "t-reviewer")
    examiner = user("forensic_examiner", "t-examiner")
    person = registry.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": "1991-03", "service_number": "T123456", "power": "UA"},
        names=[{"family_name": "Коваленко", "given_name": "Петро"}],
    )
    case = registry.open_case(
        actor=registrar,
        person=person,
        data={},
        enquirers=[{"name": "Марія Коваленко", "relationship": "mother", "phone": "+380 44 123 45 67"}],
    )
    claim = registry.add_assertion(
        actor=registrar,
        person=person,
        status="captive",
        source_type="icrc",
        source_name="ICRC notification",
        source_date=date(2025, 7, 1),
        reliability="A",
    )
    registry.review_assertion(actor=reviewer, assertion_id=claim.pk, decision="accepted")
    today = timezone.localdate()
    record = captivity.create_detention(
        actor=registrar,
        person=person,
        data={"detaining_power": "RU", "capture_date": today - timedelta(days=60), "capture_place": "X"},
    )
    captivity.add_event(
        actor=registrar, record_id=record.pk, kind="transfer", on=today - timedelta(days=50), place="camp 1"
    )
    captivity.add_health_report(
        actor=registrar, record_id=record.pk, on=today - timedelta(days=40), condition="serious", report="r"
    )
    card = captivity.create_card(actor=registrar, record_id=record.pk, data={"health": "good"})
    batch = remains.create_batch(
        actor=examiner,
        data={
            "source": "recovery",
            "transport": "train",
            "vehicles": 1,
            "containers_declared": 1,
            "receiving_facility": "Facility North, hall 1",
            "handed_over_by": "Sender team lead",
            "received_by": "Morgue North",
            "received_at": timezone.now() - timedelta(days=2),
        },
    )
    bag = remains.register_unit(
        actor=examiner, batch=batch, seal="S-1", data={"bag_number": "BAG-1", "kind": "body"}
    )
    exam = examinations.record_examination(actor=examiner, unit=bag, data={"cause_of_death": "gunshot wound"})
    sample = examinations.take_sample(
        actor=examiner, unit=bag, kind="bone", description="femur", examination=exam
    )
    effect = examinations.add_effect(actor=examiner, unit=bag, kind="personal_item", description="a watch")
    examinations.set_disposition(actor=examiner, effect=effect, disposition="with_remains", reason="kept")
    enquirer = case.enquirers.get()
    head = heads.sign_last()
    return {
        "person": person,
        "claim": claim,
        "enquirer": enquirer,
        "record": record,
        "card": card,
        "exam": exam,
        "sample": sample,
        "effect": effect,
        "head": head,
        "case": case,
    }


def signing_key(folder: Path) -> Path:
    from homecoming.app.audit import heads

    path = folder / "audit-head.key"
    if not path.exists():
        heads.create_key(path)
    return path


# --- the cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    item: int
    play: Callable[[dict[str, Any]], list[str]]  # tampers; returns the texts verify must report
    refused: bool = False  # the database itself refuses the change (a trigger): detected if it raises


def _sql(sql: str, params: list[Any] | None = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _untriggered(table: str, sql: str, params: list[Any]) -> None:
    """What a database owner could do: drop the table's triggers, change the row, put them back."""
    from django.db import connection

    from homecoming.app.audit import insert_only

    insert_only.remove(connection, table)
    _sql(sql, params)
    insert_only.install(connection, table)


# table, object key in the world, column, new value
_IN_PLACE: list[tuple[str, str, str, Any]] = [
    ("registry_statusassertion", "claim", "status", "confirmed_dead"),
    ("registry_person", "person", "current_status", "confirmed_dead"),
    ("registry_person", "person", "rank", "colonel"),
    ("registry_enquirer", "enquirer", "phone", "+000 9999"),
    ("captivity_capturecard", "card", "first_names", "Іван"),
    ("captivity_detentionrecord", "record", "current_place", "camp 2"),
    ("captivity_detentionrecord", "record", "seriously_ill", False),  # its health report says serious
    ("captivity_capturecard", "card", "family_address", "(another address)"),
    ("remains_examination", "exam", "cause_of_death", "natural causes"),
    ("remains_sample", "sample", "description", "tooth 36"),
    ("remains_personaleffect", "effect", "disposition", "returned_to_family"),
]


def _refused_update(table: str, key: str, column: str, value: Any) -> Case:
    def play(w: dict[str, Any]) -> list[str]:
        _sql(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, w[key].pk])
        return []

    return Case(f"update {table}.{column} (trigger in place)", 6, play, refused=True)


def _in_place(table: str, key: str, column: str, value: Any) -> Case:
    def play(w: dict[str, Any]) -> list[str]:
        _untriggered(table, f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, w[key].pk])
        return [f"{table} id {w[key].pk} field", column]

    return Case(f"update {table}.{column} in place, trigger dropped", 6, play)


def _delete_row(w: dict[str, Any]) -> list[str]:
    _untriggered("remains_sample", "DELETE FROM remains_sample WHERE id = %s", [w["sample"].pk])
    return [f"remains_sample id {w['sample'].pk} is missing"]


def _last_seq() -> int:
    from homecoming.app.audit.models import AuditRecord

    return AuditRecord.objects.order_by("-seq").values_list("seq", flat=True)[0]


def _delete_tail(w: dict[str, Any]) -> list[str]:
    last = _last_seq()
    _untriggered("audit_auditrecord", "DELETE FROM audit_auditrecord WHERE seq > %s", [last - 3])
    return [f"records {last - 2}..{last} are missing", "signed head of"]


def _delete_tail_and_heads(w: dict[str, Any]) -> list[str]:
    """The heads in the database are deleted too: the head kept outside still finds it (verify --head)."""
    last = _last_seq()
    _untriggered("audit_auditrecord", "DELETE FROM audit_auditrecord WHERE seq > %s", [last - 3])
    _untriggered("audit_audithead", "DELETE FROM audit_audithead", [])
    return [f"records {last - 2}..{last} are missing", "given signed head"]


def _delete_middle(w: dict[str, Any]) -> list[str]:
    _untriggered("audit_auditrecord", "DELETE FROM audit_auditrecord WHERE seq = %s", [5])
    return ["sequence jumps from 4 to 6: records are missing (#5)"]


def _two_breaks(w: dict[str, Any]) -> list[str]:
    _untriggered(
        "audit_auditrecord", "UPDATE audit_auditrecord SET reason = 'nothing' WHERE seq IN (3, 9)", []
    )
    return ["#3: its content does not match", "#9: its content does not match"]


def _forged_head(w: dict[str, Any]) -> list[str]:
    from homecoming.app.audit.models import AuditHead

    h = w["head"]
    AuditHead.objects.create(
        seq=h.seq + 50, hash="f" * 64, created=h_created(h), signature="0" * 128, public_key=h.public_key
    )
    return ["signature does not verify"]


def h_created(h: Any) -> Any:
    import datetime as dt

    return dt.datetime.fromisoformat(h.created)


def _other_key(w: dict[str, Any]) -> list[str]:
    """A head signed with a key the attacker made (after rewriting the chain): not this installation's key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from homecoming.app.audit import heads

    heads.sign(_last_seq(), "e" * 64, key=Ed25519PrivateKey.generate())
    return ["not by this installation's key"]


def _rewritten_last(w: dict[str, Any]) -> list[str]:
    """The last record changed and its hash recomputed: the chain is consistent, the signed head is not."""
    from homecoming.app.audit import services
    from homecoming.app.audit.models import AuditRecord

    rec = AuditRecord.objects.get(seq=w["head"].seq)
    rec.reason = "rewritten"
    new_hash = services.compute_hash(rec)
    _untriggered(
        "audit_auditrecord",
        "UPDATE audit_auditrecord SET reason = %s, hash = %s WHERE id = %s",
        ["rewritten", new_hash, rec.pk],
    )
    return [f"record #{rec.seq} differs from the stored signed head"]


def _group_permission(w: dict[str, Any]) -> list[str]:
    """Item 8: a permission added to a role's group outside the services (the admin, or SQL)."""
    from django.contrib.auth.models import Group, Permission

    perm = Permission.objects.get(codename="view_health", content_type__app_label="captivity")
    Group.objects.get(name="dna_analyst").permissions.add(perm)
    return ["dna_analyst", "captivity.view_health"]


def _group_permission_removed(w: dict[str, Any]) -> list[str]:
    from django.contrib.auth.models import Group, Permission

    perm = Permission.objects.get(codename="review_statusassertion", content_type__app_label="registry")
    Group.objects.get(name="identification_reviewer").permissions.remove(perm)
    return ["identification_reviewer", "lacks", "registry.review_statusassertion"]


def _user_permission(w: dict[str, Any]) -> list[str]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.get(username="t-examiner")
    user.user_permissions.add(
        Permission.objects.get(codename="view_contacts", content_type__app_label="registry")
    )
    return ["user 't-examiner' holds permissions of their own"]


def _new_group(w: dict[str, Any]) -> list[str]:
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="helpers")
    group.permissions.add(Permission.objects.get(codename="view_health", content_type__app_label="captivity"))
    return ["group 'helpers' is not a role"]


def cases() -> list[Case]:
    found = [_refused_update(*c) for c in _IN_PLACE if c[2] != "current_status"]
    found += [_in_place(*c) for c in _IN_PLACE]
    found += [
        Case("delete a sample row, trigger dropped", 6, _delete_row),
        Case("delete the last 3 audit records", 7, _delete_tail),
        Case(
            "delete the last 3 records and every stored head (head kept outside)", 7, _delete_tail_and_heads
        ),
        Case("delete a record in the middle", 7, _delete_middle),
        Case("two changed records: both named", 7, _two_breaks),
        Case("forged head (bad signature)", 7, _forged_head),
        Case("head signed with another key", 7, _other_key),
        Case("last record rewritten with a recomputed hash", 7, _rewritten_last),
        Case("permission added to a role's group", 8, _group_permission),
        Case("permission removed from a role's group", 8, _group_permission_removed),
        Case("permission given to a user directly", 8, _user_permission),
        Case("a new group holding permissions", 8, _new_group),
    ]
    return found


class _Rollback(Exception):
    pass


def play(case: Case, world: dict[str, Any]) -> tuple[bool, str]:
    """Play one case in a transaction that is rolled back; (detected, what verify or the database said)."""
    from django.db import DatabaseError, transaction

    from homecoming.app.audit import heads, services

    said = ""
    detected = False
    try:
        with transaction.atomic():
            if case.refused:
                try:
                    with transaction.atomic():
                        case.play(world)
                except DatabaseError as exc:
                    detected, said = "insert-only" in str(exc), str(exc).splitlines()[0]
                raise _Rollback
            expected = case.play(world)
            given = heads.parse(world["head"].line()) if "given signed head" in expected else []
            report = services.verify(external_heads=given)
            problems = [f"#{b.seq}: {b.problem}" if b.seq is not None else b.problem for b in report.breaks]
            text = "\n".join(problems)
            detected = bool(problems) and all(e in text for e in expected)
            said = text.replace("\n", " | ")
            raise _Rollback
    except _Rollback:
        pass
    return detected, said


def run(world: dict[str, Any]) -> tuple[int, int]:
    n = detected = 0
    for case in cases():
        ok, said = play(case, world)
        n += 1
        detected += ok
        print(f"[{'detected' if ok else 'MISSED':8}] item {case.item}: {case.name}: {said[:300]}")
    return n, detected


def main() -> None:
    from bench_database import prepare_database  # here: tests/app/audit/test_tamper.py imports this file

    vendor = prepare_database(BENCH_DB)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    folder = Path(tempfile.mkdtemp(prefix="hc-tamper-key-"))
    settings.AUDIT_SIGNING_KEY = str(signing_key(folder))
    world = build_world()
    n, detected = run(world)
    print(f"database={vendor}")
    print(f"tamper_cases={n}")
    print(f"tamper_detected={detected}")
    sys.exit(0 if n == detected else 1)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main()
