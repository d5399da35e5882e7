"""Compare the rows of the conclusion tables with their last audited state.

The audit records of an object, read in chain order, say what its fields were: a ``create`` record
holds the whole row, later records (``update``, ``status``, ``review``, ``event``, ``disposition``,
``purge``) the fields they changed. :class:`Replay` keeps, per object, the last audited value of each
field and the record that set it; :meth:`Replay.compare` reads the rows and names every field whose
current value differs — so a row changed in place is found even if its table's trigger was dropped.

What the trail does not hold cannot be compared: fields withheld from the trail (health, family
addresses) and the fields of rows created by a bulk import (whose records hold the file's row) are
checked only from the first record that states them.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from homecoming.app.audit import withheld
from homecoming.app.audit.models import AuditRecord

# the tables whose rows are conclusions (issue 10, item 6), by audit object type
CONCLUSIONS = (
    "registry.person",
    "registry.statusassertion",
    "registry.enquirer",
    "captivity.capturecard",
    "captivity.detentionrecord",
    "remains.examination",
    "remains.sample",
    "remains.personaleffect",
)
# the actions whose ``after`` holds fields of the object itself (others — view, custody, dispatch, photo,
# health_report — describe something else and are not replayed)
STATE_ACTIONS = frozenset(
    {
        "create",
        "update",
        "status",
        "review",
        "event",
        "disposition",
        "purge",
        "import",
        "health_report",
        "merge",
        "unmerge",
    }
)


def _derived(label: str) -> dict[str, dict[str, Any]]:
    """Fields the services derive from other (insert-only) rows rather than state in a record of the
    object: a detention's ``seriously_ill`` follows its latest health report (whose record, by design,
    does not name the detention). Per object id: field -> the value the rows give."""
    if label != "captivity.detentionrecord":
        return {}
    from homecoming.app.captivity.models import HealthReport

    latest: dict[str, dict[str, Any]] = {}
    for record_id, condition in HealthReport.objects.order_by("record_id", "id").values_list(
        "record_id", "condition"
    ):
        latest[str(record_id)] = {"seriously_ill": condition == "serious"}
    return latest


class Replay:
    def __init__(self, types: tuple[str, ...] = CONCLUSIONS) -> None:
        self.fields: dict[str, frozenset[str]] = {}
        for label in types:
            model = apps.get_model(label)
            self.fields[label] = frozenset(f.attname for f in model._meta.concrete_fields) - {"id"}
        # (object type, object id) -> field -> (value, seq of the record that set it)
        self.state: dict[tuple[str, str], dict[str, tuple[Any, int]]] = {}
        self.created: dict[tuple[str, str], int] = {}
        # (object type, object id) -> the withheld fields -> (their keyed digest, seq of the record)
        self.digests: dict[tuple[str, str], dict[tuple[str, ...], tuple[str, int]]] = {}

    def add(self, rec: AuditRecord) -> None:
        fields = self.fields.get(rec.object_type)
        if fields is None or rec.action not in STATE_ACTIONS:
            return
        key = (rec.object_type, rec.object_id)
        if rec.action in {"create", "import"}:
            self.created.setdefault(key, rec.seq)
        after = rec.after
        if not isinstance(after, dict):
            return
        digest, hidden = after.get(withheld.DIGEST_KEY), after.get("withheld")
        if (
            isinstance(digest, str)
            and isinstance(hidden, list)
            and hidden
            and all(f in fields for f in hidden)
        ):
            self.digests.setdefault(key, {})[tuple(str(f) for f in hidden)] = (digest, rec.seq)
        known = [k for k in after if k in fields]
        if not known:
            return
        st = self.state.setdefault(key, {})
        for k in known:
            st[k] = (after[k], rec.seq)

    def compare(self) -> tuple[list[Any], int]:
        """Every difference between a row and its last audited state, and the number of rows read."""
        from homecoming.app.audit.findings import Break, field_value

        breaks: list[Any] = []
        rows = 0
        for label in self.fields:
            model = apps.get_model(label)
            table = model._meta.db_table
            ids = {oid for (t, oid) in (*self.created, *self.state, *self.digests) if t == label}
            if not ids:
                continue
            seen: set[str] = set()
            derived_values = _derived(label)
            derived = {oid: tuple(v) for oid, v in derived_values.items()}
            for row in model.objects.order_by("pk").values().iterator(chunk_size=2000):
                oid = str(row["id"])
                if oid not in ids:
                    continue
                seen.add(oid)
                rows += 1
                for field, (audited, seq) in sorted(self.state.get((label, oid), {}).items()):
                    current = field_value(row[field])
                    if current != audited:
                        breaks.append(
                            Break(
                                f"{table} id {oid} field {field}: the row says {current!r}, its last audit "
                                f"record (#{seq}) says {audited!r} (the row was changed outside the services)"
                            )
                        )
                for hidden, (digest, seq) in self.digests.get((label, oid), {}).items():
                    values = {f: field_value(row[f]) for f in hidden if f not in derived.get(oid, ())}
                    if values and withheld.keyed_digest(values) != digest:
                        breaks.append(
                            Break(
                                f"{table} id {oid} field(s) {', '.join(values)}: the row differs from the "
                                f"keyed digest in its last audit record (#{seq}) (the row was changed "
                                "outside the services)"
                            )
                        )
                for field, expected in derived_values.get(oid, {}).items():
                    if row[field] != expected:
                        breaks.append(
                            Break(
                                f"{table} id {oid} field {field}: the row says {row[field]!r}, its latest "
                                f"health report says {expected!r} (the row was changed outside the services)"
                            )
                        )
            for oid in sorted(ids - seen, key=lambda x: (len(x), x)):
                seq = self.created.get((label, oid)) or min(
                    [s for _, s in self.state.get((label, oid), {}).values()]
                    + [seq for _, seq in self.digests.get((label, oid), {}).values()]
                )
                breaks.append(
                    Break(f"{table} id {oid} is missing: audited since record #{seq}, the row was deleted")
                )
        return breaks, rows
