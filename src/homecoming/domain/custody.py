"""Chain of custody: who held an object, where, under which seal — and what is wrong with a history.

A custody history is a list of events; each says that at ``at`` the object passed from
``from_custodian`` to ``to_custodian`` (who may be the same person when it only moves), to a
location and storage unit, with the seal numbers found before and applied after. Events are never
changed; a wrong one is *superseded* by a later correction and then ignored by the checks.

:func:`check_history` finds three kinds of problem (in time order; ties by event id):

* ``gap`` — an event is handed over by someone the history never gave the object to (the holder
  was B, but C hands it on): a transfer is missing from the record.
* ``two_holders`` — two custodians hold the object at once: two events at the same instant send it
  to different custodians, or someone who had already handed it on hands it over again.
* ``broken_seal`` — the seal found (``seal_before``) differs from the seal applied by the previous
  event (``seal_after``): the packaging was opened or changed without a record.

:func:`check_new_event` refuses an event that would leave the object in two places at once, with a
message that says where the object is. :func:`signature_hash` is the digest both signers sign.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from homecoming.errors import CustodyError, Problem

ProblemKind = Literal["gap", "two_holders", "broken_seal"]
BLOCKING: frozenset[str] = frozenset({"gap", "two_holders"})


@dataclass(frozen=True, kw_only=True)
class CustodyEntry:
    """One custody event as the rules see it."""

    id: int
    at: datetime
    from_custodian: str
    to_custodian: str
    location: str = ""
    storage_unit: str = ""
    seal_before: str = ""
    seal_after: str = ""
    superseded: bool = False


@dataclass(frozen=True)
class CustodyProblem:
    kind: ProblemKind
    event_id: int
    message: str


@dataclass(frozen=True)
class Whereabouts:
    """Where the object is after an event: holder, place, storage unit, seal, since when."""

    custodian: str
    location: str
    storage_unit: str
    seal: str
    since: datetime
    event_id: int

    def describe(self) -> str:
        place = ", ".join(p for p in (self.location, self.storage_unit) if p) or "an unrecorded place"
        seal = f" under seal {self.seal}" if self.seal else ""
        return (
            f"with {self.custodian} at {place}{seal} since {self.since:%Y-%m-%d %H:%M} "
            f"(event #{self.event_id})"
        )


def live(entries: Iterable[CustodyEntry]) -> list[CustodyEntry]:
    """The events that count (not superseded), in time order."""
    return sorted((e for e in entries if not e.superseded), key=lambda e: (e.at, e.id))


def _whereabouts(entry: CustodyEntry) -> Whereabouts:
    return Whereabouts(
        entry.to_custodian, entry.location, entry.storage_unit, entry.seal_after, entry.at, entry.id
    )


def _pair_problems(prev: CustodyEntry, cur: CustodyEntry, released: set[str]) -> list[CustodyProblem]:
    found: list[CustodyProblem] = []
    if cur.at == prev.at and (cur.to_custodian, cur.location) != (prev.to_custodian, prev.location):
        found.append(
            CustodyProblem(
                "two_holders",
                cur.id,
                (
                    f"event #{cur.id}: at {cur.at:%Y-%m-%d %H:%M} the object went both to "
                    f"{prev.to_custodian} "
                    f"(event #{prev.id}) and to {cur.to_custodian}"
                ),
            )
        )
    elif cur.from_custodian != prev.to_custodian:
        if cur.from_custodian in released:
            found.append(
                CustodyProblem(
                    "two_holders",
                    cur.id,
                    (
                        f"event #{cur.id}: {cur.from_custodian} hands the object over "
                        f"at {cur.at:%Y-%m-%d %H:%M}, "
                        f"but had already handed it on; {prev.to_custodian} holds it since event #{prev.id}"
                    ),
                )
            )
        else:
            found.append(
                CustodyProblem(
                    "gap",
                    cur.id,
                    (
                        f"event #{cur.id}: {cur.from_custodian} hands the object over, "
                        "but the record last gave it to "
                        f"{prev.to_custodian} (event #{prev.id}); the transfer between them is missing"
                    ),
                )
            )
    if prev.seal_after and cur.seal_before != prev.seal_after:
        found_seal = cur.seal_before or "no seal"
        found.append(
            CustodyProblem(
                "broken_seal",
                cur.id,
                (
                    f"event #{cur.id}: found {found_seal} but event #{prev.id} "
                    f"sealed it with {prev.seal_after}"
                ),
            )
        )
    return found


def check_history(entries: Iterable[CustodyEntry]) -> list[CustodyProblem]:
    """Every gap, double holding and broken seal in a history (superseded events ignored)."""
    events = live(entries)
    problems: list[CustodyProblem] = []
    released: set[str] = set()
    for prev, cur in itertools.pairwise(events):
        if prev.from_custodian != prev.to_custodian:
            released.add(prev.from_custodian)
        released.discard(prev.to_custodian)
        problems += _pair_problems(prev, cur, released)
    return problems


def whereabouts(entries: Iterable[CustodyEntry], at: datetime | None = None) -> Whereabouts | None:
    """Where the object is at ``at`` (default: now, i.e. after the last event); None before any event."""
    current: CustodyEntry | None = None
    for e in live(entries):
        if at is not None and e.at > at:
            break
        current = e
    return _whereabouts(current) if current is not None else None


def check_new_event(history: Sequence[CustodyEntry], new: CustodyEntry, *, label: str) -> None:
    """Refuse ``new`` if it would put the object in two places (or in an unrecorded gap).

    The message says where ``label`` is, and how to record the move correctly.
    """
    if not history or not [e for e in history if not e.superseded]:
        return
    new = replace(new, id=max(e.id for e in history) + 1)  # sorts after events at the same instant
    before = {(p.kind, p.event_id) for p in check_history(history)}
    after = [
        p for p in check_history([*history, new]) if p.kind in BLOCKING and (p.kind, p.event_id) not in before
    ]
    if not after:
        return
    where = whereabouts(history, new.at) or whereabouts(history)
    assert where is not None
    latest = live(history)[-1]
    later = (
        f"; later events exist up to #{latest.id} ({latest.at:%Y-%m-%d %H:%M})" if latest.at > new.at else ""
    )
    message = (
        f"{label} is {where.describe()}{later}, so {new.from_custodian or 'nobody'} cannot hand it "
        f"to {new.to_custodian} at {new.at:%Y-%m-%d %H:%M}"
    )
    hint = (
        f"record the transfer from {where.custodian}, or supersede event #{where.event_id} "
        f"with a reason if it is wrong"
    )
    raise CustodyError(
        message,
        field="from_custodian",
        value=new.from_custodian,
        hint=hint,
        problems=[Problem("from_custodian", message, new.from_custodian, hint)],
    )


def signature_hash(content: Mapping[str, object]) -> str:
    """SHA-256 of the canonical JSON of an event's content (what both signers sign)."""
    text = json.dumps(
        {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in content.items()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


__all__ = [
    "BLOCKING",
    "CustodyEntry",
    "CustodyProblem",
    "Whereabouts",
    "check_history",
    "check_new_event",
    "live",
    "signature_hash",
    "whereabouts",
]
