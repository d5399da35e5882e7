"""Writing and verifying the audit chain.

Every service that changes data calls :func:`record` inside its own transaction. Each record holds the
SHA-256 of its canonical content, which includes the hash of the record before it, so changing,
inserting or removing any row breaks the chain from that point on; :func:`verify` names every break,
checks the signed chain heads (:mod:`homecoming.app.audit.heads`) and compares the rows of the
conclusion tables with their last audited state (:mod:`homecoming.app.audit.state`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from homecoming.app.audit import heads
from homecoming.app.audit.context import request_id
from homecoming.app.audit.findings import Break, ChainReport, field_value
from homecoming.app.audit.models import AuditRecord
from homecoming.provenance import canonical_json

GENESIS = "0" * 64
_PG_LOCK_KEY = 720_252_025  # advisory lock serialising chain appends on PostgreSQL


def user_or_none(actor: Any) -> Any:
    """The actor as a user row to reference, or None for the system (CLI without --as, demo loaders)."""
    return actor if getattr(actor, "pk", None) else None


def snapshot(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The concrete field values of a model instance, JSON-ready (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in exclude:
            continue
        data[f.attname] = field_value(getattr(instance, f.attname))
    return data


def _content(rec: AuditRecord) -> dict[str, Any]:
    return {
        "seq": rec.seq,
        "created": rec.created.astimezone(dt.UTC).isoformat(),
        "actor_id": rec.actor_id,
        "actor_name": rec.actor_name,
        "request_id": rec.request_id,
        "action": rec.action,
        "object_type": rec.object_type,
        "object_id": rec.object_id,
        "object_repr": rec.object_repr,
        "before": rec.before,
        "after": rec.after,
        "reason": rec.reason,
        "prev_hash": rec.prev_hash,
    }


def _hash(content: dict[str, Any]) -> str:
    """SHA-256 of ``canonical_json(content)``. Content made of JSON values (string keys) whose floats are
    finite serialises the same without ``canonical_json``'s normalising walk; anything else takes it."""
    try:
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):  # non-finite floats, keys that are not strings
        text = canonical_json(content)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compute_hash(rec: AuditRecord) -> str:
    return _hash(_content(rec))


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    # SQLite: every write transaction begins IMMEDIATE (settings), so it already holds the write lock.


def _build(
    prev: AuditRecord | None,
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    reason: str,
) -> AuditRecord:
    rec = AuditRecord(
        seq=(prev.seq + 1) if prev else 1,
        created=timezone.now(),
        actor=user_or_none(actor),
        actor_name=getattr(actor, "username", "") or "system",
        request_id=request_id.get(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        before=field_value(before) if before is not None else None,
        after=field_value(after) if after is not None else None,
        reason=reason,
        prev_hash=prev.hash if prev else GENESIS,
    )
    rec.hash = compute_hash(rec)
    return rec


def _last() -> AuditRecord | None:
    return AuditRecord.objects.order_by("-seq").only("seq", "hash").first()


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditRecord:
    """Append one record to the chain, in the caller's transaction (or a new one)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    with transaction.atomic():
        _lock_chain()
        rec = _build(
            _last(),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            before=before,
            after=after,
            reason=reason,
        )
        rec.save(force_insert=True)
        heads.after_append(rec.seq, rec.seq, rec.hash)
    return rec


def record_many(
    *,
    actor: Any,
    action: str,
    objects: list[tuple[models.Model, dict[str, Any]]],
    reason: str = "",
    reprs: list[str] | None = None,
) -> int:
    """Append one record per ``(object, after)`` pair in one statement (bulk imports).

    ``reprs`` gives the objects' descriptions when ``str(object)`` would cost a query each. The records
    are the ones :func:`_build` makes (same content, same hashes), built without model instances and
    written with COPY on PostgreSQL; they share one timestamp.
    """
    with transaction.atomic():
        _lock_chain()
        last = _last()
        seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS)
        created = timezone.now()
        common = {
            "created": created.astimezone(dt.UTC).isoformat(),
            "actor_id": actor.pk if getattr(actor, "pk", None) else None,
            "actor_name": getattr(actor, "username", "") or "system",
            "request_id": request_id.get(),
            "action": action,
            "reason": reason,
            "before": None,
        }
        rows: list[tuple[Any, ...]] = []
        for i, (obj, after) in enumerate(objects):
            seq += 1
            content = common | {
                "seq": seq,
                "object_type": obj._meta.label_lower,
                "object_id": str(obj.pk),
                "object_repr": (reprs[i] if reprs is not None else str(obj))[:300],
                "after": field_value(after) if after is not None else None,
                "prev_hash": prev_hash,
            }
            prev_hash = _hash(content)
            rows.append((content, prev_hash))
        _insert(rows, created)
        if rows:
            heads.after_append(rows[0][0]["seq"], seq, prev_hash)
    return len(rows)


_COLUMNS = (
    "seq",
    "created",
    "actor_id",
    "actor_name",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "reason",
    "prev_hash",
    "hash",
)


def _insert(rows: list[tuple[dict[str, Any], str]], created: dt.datetime) -> None:
    """Write built records: COPY on PostgreSQL, ``bulk_create`` elsewhere."""
    if connection.vendor != "postgresql":
        AuditRecord.objects.bulk_create(
            [AuditRecord(**(c | {"created": created, "hash": h})) for c, h in rows], batch_size=2000
        )
        return
    table = AuditRecord._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN") as copy,
    ):
        for c, h in rows:
            copy.write_row(
                (
                    c["seq"],
                    created,
                    c["actor_id"],
                    c["actor_name"],
                    c["request_id"],
                    c["action"],
                    c["object_type"],
                    c["object_id"],
                    c["object_repr"],
                    None if c["before"] is None else json.dumps(c["before"]),
                    None if c["after"] is None else json.dumps(c["after"]),
                    c["reason"],
                    c["prev_hash"],
                    h,
                )
            )


def record_view(*, actor: Any, obj: models.Model, what: str) -> AuditRecord:
    """Audit that ``actor`` looked at sensitive data (``what``: contacts, health, dna, ...)."""
    return record(actor=actor, action="view", obj=obj, reason=f"viewed {what}")


def _walk(chunk: int = 5000) -> Iterator[AuditRecord]:
    yield from AuditRecord.objects.order_by("seq").iterator(chunk_size=chunk)


def verify(
    progress: Callable[[int], None] | None = None, *, external_heads: list[Any] | None = None
) -> ChainReport:
    """Walk the whole chain and report EVERY break: changed records, broken links, missing records
    (between two records, and after the last one when a signed head names a later record), signed
    heads whose signature or record does not hold, and rows of the conclusion tables whose current
    data differs from their last audited state (``homecoming.app.audit.state``)."""
    from homecoming.app.audit import state

    breaks: list[Break] = []
    prev = GENESIS
    expected_seq = 1
    n = 0
    signed = heads.load(external_heads or [])
    wanted = {h.seq for h in signed}
    hashes: dict[int, str] = {}  # the records the heads name
    replay = state.Replay()
    for rec in _walk():
        n += 1
        if rec.seq != expected_seq:
            first, last = expected_seq, rec.seq - 1
            gone = f"#{first}" if first == last else f"#{first}..#{last}"
            breaks.append(
                Break(
                    f"sequence jumps from {first - 1} to {rec.seq}: records are missing ({gone})",
                    rec.seq,
                    rec.pk,
                )
            )
        elif rec.prev_hash != prev:
            breaks.append(
                Break(
                    "its link to the previous record does not match "
                    "(a record before it was removed or changed)",
                    rec.seq,
                    rec.pk,
                )
            )
        if compute_hash(rec) != rec.hash:
            breaks.append(
                Break(
                    "its content does not match its hash (the row was changed after it was written)",
                    rec.seq,
                    rec.pk,
                )
            )
        if rec.seq in wanted:
            hashes[rec.seq] = rec.hash
        replay.add(rec)
        prev = rec.hash
        expected_seq = rec.seq + 1
        if progress is not None and n % 1000 == 0:
            progress(n)
    head_breaks, notes = heads.check(signed, hashes, last_seq=expected_seq - 1)
    breaks += head_breaks
    row_breaks, rows_checked = replay.compare()
    breaks += row_breaks
    from homecoming.app.accounts.checks import role_drift  # security state outside the chain (item 8)

    breaks += [Break(problem) for problem in role_drift()]
    return ChainReport(not breaks, n, tuple(breaks), len(signed), rows_checked, tuple(notes))


def history(obj: models.Model) -> models.QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
        "seq"
    )
