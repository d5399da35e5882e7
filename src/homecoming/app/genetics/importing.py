"""Importing a laboratory file: every profile on its sample, reference sample or as an elimination profile.

:func:`import_lab_file` reads the bytes (``read_lab_file``: CMF, genotype tables, ``.fam``), then checks
the whole file against the database and reports every problem at once — the reader's (bad alleles,
unknown loci, a specimen twice) and the database's (a specimen id that names no remains sample or
reference sample; a remains sample of another batch than the one given). A file with any problem
imports nothing. Otherwise, in one transaction: the :class:`LabFile`, its ``import_file`` audit record
and registration (the same bytes again are refused unless ``again_reason`` says why), the profiles
(bulk: 100,000 in one file), a consensus profile for every sample that now has replicates, and the
comparisons of every new post-mortem profile with the elimination profiles (:class:`EliminationMatch`,
flag ``elimination_match``) and with every other post-mortem profile (:class:`ReassociationProposal`,
flag ``duplicate``) — see :mod:`homecoming.app.genetics.matching`; and every sampled remains unit that
now has a usable post-mortem profile moves to ``profiled`` (one audited state row each). A dry run checks
and compares everything and writes nothing. No allele ever reaches the audit trail.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from homecoming.app.audit import imported
from homecoming.app.audit import services as audit
from homecoming.app.genetics import matching
from homecoming.app.genetics.models import (
    EliminationMatch,
    LabFile,
    Profile,
    ReassociationProposal,
    ReferenceSample,
)
from homecoming.app.genetics.profile_rows import Json, insert_profiles, loci_json
from homecoming.app.genetics.replicates import Replicate, consensus
from homecoming.app.registry.services import allocate
from homecoming.app.remains import services as remains_services
from homecoming.app.remains.models import IntakeBatch, Sample
from homecoming.errors import ImportFileError, Problem
from homecoming.kinship.formats.lab import ELIMINATION_CATEGORIES, LabProfile
from homecoming.kinship.formats.lab import LabFile as ReadFile
from homecoming.kinship.formats.lab_read import read_lab_file

KIND = "lab_file"
CHUNK = 2000


class Owner(NamedTuple):
    """The sample (or reference sample) a profile lands on, as read for the checks."""

    pk: int
    reference: str
    unit_id: int | None = None
    unit_reference: str = ""
    batch_id: int | None = None
    batch_reference: str = ""


@dataclass
class Planned:
    """One profile of the file on its way into the database."""

    lab: LabProfile
    kind: str
    sample: Owner | None = None
    reference_sample: Owner | None = None
    replicate: int = 1
    flags: list[str] = field(default_factory=list)
    reference: str = ""
    pk: int | None = None
    locus_count: int = 0

    def __post_init__(self) -> None:
        self.locus_count = sum(1 for lc in self.lab.loci if lc.used)

    @property
    def owner(self) -> str:
        if self.sample is not None:
            return self.sample.reference
        if self.reference_sample is not None:
            return self.reference_sample.reference
        return ""


@dataclass(frozen=True)
class ProfileSummary:
    """What one profile of the file is (or would be): no alleles."""

    line: int
    specimen: str
    kind: str
    category: str
    owner: str
    method: str
    kit: str
    locus_count: int
    replicate: int
    flags: tuple[str, ...]
    excluded_reason: str
    reference: str = ""


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    sha256: str
    format: str
    dry_run: bool
    counts: dict[str, int]
    profiles: tuple[ProfileSummary, ...]
    notes: tuple[str, ...] = ()
    frequency_table: str = ""
    lab_file: str = ""
    lab_file_id: int | None = None


@contextmanager
def _without_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_lab_file(
    *,
    actor: Any,
    data: bytes,
    name: str,
    format: str | None = None,
    batch: IntakeBatch | str | None = None,
    dry_run: bool = False,
    again_reason: str | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> ImportReport:
    """Import one lab file whole (or, as a dry run, say what it would write); see the module's text."""
    digest = imported.Digest.of_bytes(data, name)
    imported.check(KIND, digest, again=again_reason or "")
    # a big file is millions of small objects: the cyclic collector would rescan them again and again
    with _without_gc():
        lab = read_lab_file(data, name=name, format=format)
        return import_read(
            actor=actor,
            lab=lab,
            digest=digest,
            batch=batch,
            dry_run=dry_run,
            again_reason=again_reason,
            progress=progress,
        )


def import_read(
    *,
    actor: Any,
    lab: ReadFile,
    digest: imported.Digest,
    batch: IntakeBatch | str | None = None,
    dry_run: bool = False,
    again_reason: str | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> ImportReport:
    """:func:`import_lab_file` after the read: ``lab`` is what the reader made of the bytes of ``digest``."""
    again = again_reason or ""
    imported.check(KIND, digest, again=again)
    the_batch, problems = _batch(batch)
    planned, owner_problems = plan(lab.profiles, the_batch)
    problems = list(lab.problems) + problems + owner_problems
    if problems:
        raise ImportFileError.from_problems(problems, f"laboratory file {digest.name}", listed=5)
    _number_replicates(planned)
    freq = matching.frequencies_in_force()
    found = compare(planned, freq)
    if progress is not None:
        progress("compared", len(planned))
    if dry_run:
        return _report(
            lab, digest, planned, found, freq, dry_run=True, consensus_count=_consensus_count(planned)
        )
    with transaction.atomic():
        return _write(actor, lab, digest, the_batch, planned, found, freq, again=again, progress=progress)


# ---------------------------------------------------------------- checks


def _batch(batch: IntakeBatch | str | None) -> tuple[IntakeBatch | None, list[Problem]]:
    if batch is None or isinstance(batch, IntakeBatch):
        return batch, []
    text = batch.strip().upper()
    found = IntakeBatch.objects.filter(reference=text).first()
    if found is None:
        return None, [
            Problem("batch", "is not an intake batch of Homecoming", batch, "give the batch's reference IB-…")
        ]
    return found, []


def _lookup(model: Any, field_name: str, keys: list[str], columns: tuple[str, ...]) -> dict[str, Owner]:
    out: dict[str, Owner] = {}
    for i in range(0, len(keys), CHUNK):
        rows = model.objects.filter(**{f"{field_name}__in": keys[i : i + CHUNK]}).values_list(
            field_name, *columns
        )
        out.update((row[0], Owner(*row[1:])) for row in rows)
    return out


def _kind(category: str) -> str:
    if category in ELIMINATION_CATEGORIES:
        return "elimination"
    return "post_mortem" if category == "unidentified_person" else "reference"


def plan(profiles: Iterable[LabProfile], batch: IntakeBatch | None) -> tuple[list[Planned], list[Problem]]:
    """Each profile with its owner (sample, reference sample, none), and every owner problem."""
    planned = [Planned(p, _kind(p.category)) for p in profiles if p.category]
    pm = [p.lab.specimen.strip().upper() for p in planned if p.kind == "post_mortem"]
    refs = [p.lab.specimen.strip() for p in planned if p.kind == "reference"]
    samples = _lookup(
        Sample,
        "reference",
        pm,
        ("pk", "reference", "unit_id", "unit__reference", "unit__batch_id", "unit__batch__reference"),
    )
    ref_samples = _lookup(ReferenceSample, "lab_reference", refs, ("pk", "reference"))
    problems: list[Problem] = []
    for p in planned:
        sid, where = p.lab.specimen, f"specimen {p.lab.specimen}"
        if p.kind == "post_mortem":
            p.sample = samples.get(sid.strip().upper())
            if p.sample is None:
                problems.append(
                    Problem(
                        where,
                        "is a post-mortem specimen (Unidentified Person) but names no remains sample",
                        sid,
                        "write the sample's reference (SM-YYYY-NNNNNN-CC) as the specimen id, "
                        "or register the sample on its remains unit first",
                        p.lab.line,
                    )
                )
            elif batch is not None and p.sample.batch_id != batch.pk:
                problems.append(
                    Problem(
                        where,
                        f"is sample {p.sample.reference} of unit {p.sample.unit_reference} in batch "
                        f"{p.sample.batch_reference}, not of batch {batch.reference}",
                        sid,
                        "import the file without a batch, or with the batch its samples belong to",
                        p.lab.line,
                    )
                )
        elif p.kind == "reference":
            p.reference_sample = ref_samples.get(sid.strip())
            if p.reference_sample is None:
                problems.append(
                    Problem(
                        where,
                        f"is a reference specimen ({p.lab.category_written or p.lab.category}) but names no "
                        "reference sample",
                        sid,
                        "record the relative's reference sample with this laboratory reference first, "
                        "or correct the specimen id",
                        p.lab.line,
                    )
                )
    return planned, problems


def _number_replicates(planned: list[Planned]) -> None:
    """Replicate numbers continue each specimen's (and method's) earlier ones, in the file's order."""
    keys = sorted({p.lab.specimen for p in planned})
    last: dict[tuple[str, str], int] = {}
    for i in range(0, len(keys), CHUNK):
        rows = (
            Profile.objects.filter(specimen__in=keys[i : i + CHUNK], replicate__gte=1)
            .values("specimen", "method")
            .annotate(top=Max("replicate"))
        )
        last.update(((r["specimen"], r["method"]), r["top"]) for r in rows)
    for p in planned:
        key = (p.lab.specimen, p.lab.method)
        p.replicate = last.get(key, 0) + 1
        last[key] = p.replicate


# ---------------------------------------------------------------- comparisons


@dataclass(frozen=True)
class Found:
    eliminations: list[matching.Match]
    duplicates: list[matching.Match]


def _typed(key: Any, owner: Any, loci: Iterable[Any]) -> matching.Typed:
    genotypes: dict[str, tuple[str, ...]] = {}
    for lc in loci:
        name, used = (lc.locus, lc.used) if not isinstance(lc, dict) else (lc["locus"], lc.get("used") or ())
        if used:
            genotypes[matching.locus_key(str(name))] = tuple(str(a) for a in used)
    return matching.Typed(key, owner, genotypes)


def _comparable(p: Planned) -> bool:
    return p.lab.usable and p.lab.method == "autosomal_str"


def _stored(kind: str) -> list[matching.Typed]:
    rows = (
        Profile.objects.filter(kind=kind, excluded_reason="", replicate__gte=1, method="autosomal_str")
        .values_list("pk", "sample__unit_id", "loci")
        .iterator(chunk_size=CHUNK)
    )
    return [_typed(("db", pk), ("unit", unit) if unit else ("db", pk), loci) for pk, unit, loci in rows]


def compare(planned: list[Planned], freq: matching.Frequencies) -> Found:
    """Elimination matches and duplicates of the new post-mortem profiles; their flags set."""
    new_pm = [
        _typed(("new", i), ("unit", p.sample.unit_id) if p.sample else ("new", i), p.lab.loci)
        for i, p in enumerate(planned)
        if p.kind == "post_mortem" and _comparable(p)
    ]
    if not new_pm:
        return Found([], [])
    new_elim = [
        _typed(("new", i), ("new", i), p.lab.loci)
        for i, p in enumerate(planned)
        if p.kind == "elimination" and _comparable(p)
    ]
    eliminations = matching.matches(new_pm, _stored("elimination") + new_elim, freq)
    duplicates = matching.matches(new_pm, new_pm, freq, triangle=True)
    duplicates += matching.matches(new_pm, _stored("post_mortem"), freq)
    for m in eliminations:
        _flag(planned[m.a[1]], "elimination_match")
    for m in duplicates:
        _flag(planned[m.a[1]], "duplicate")
        if m.b[0] == "new":
            _flag(planned[m.b[1]], "duplicate")
    return Found(eliminations, duplicates)


def _flag(p: Planned, flag: str) -> None:
    if flag not in p.flags and flag not in p.lab.flags:
        p.flags.append(flag)


# ---------------------------------------------------------------- writing


def _row(p: Planned, lab_file: LabFile, user: Any, now: Any) -> dict[str, Any]:
    lab = p.lab
    return {
        "reference": p.reference,
        "kind": p.kind,
        "sample_id": p.sample.pk if p.sample else None,
        "reference_sample_id": p.reference_sample.pk if p.reference_sample else None,
        "specimen": lab.specimen[:64],
        "category": lab.category,
        "category_written": lab.category_written[:64],
        "kit": lab.kit[:64],
        "method": lab.method,
        "replicate": p.replicate,
        "loci": Json(loci_json(lab.loci)),
        "locus_count": p.locus_count,
        "flags": list(lab.flags) + p.flags,
        "excluded_reason": lab.excluded_reason,
        "consensus_of": [],
        "conflicts": [],
        "source_lab": lab.source_lab[:200],
        "raw": dict(lab.raw),
        "lab_file_id": lab_file.pk,
        "line": lab.line or None,
        "created": now,
        "created_by_id": user.pk if user else None,
    }


def _references(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{n:07d}" for n in allocate(f"genetics:{prefix}", count)] if count else []


def _write(
    actor: Any,
    lab: ReadFile,
    digest: imported.Digest,
    batch: IntakeBatch | None,
    planned: list[Planned],
    found: Found,
    freq: matching.Frequencies,
    *,
    again: str,
    progress: Callable[[str, int], None] | None,
) -> ImportReport:
    user, now = audit.user_or_none(actor), timezone.now()
    notes = list(lab.notes) + [f"compared with allele frequencies of {freq.label}"]
    lab_file = LabFile.objects.create(
        reference=_references("LF", 1)[0],
        file_name=digest.name[:255],
        format=lab.format,
        sha256=digest.sha256,
        size=digest.size,
        source_lab=(lab.header.get("SOURCELAB", "") or next((p.source_lab for p in lab.profiles), ""))[:200],
        batch=batch,
        profile_count=len(planned),
        notes=notes,
        imported_at=now,
        imported_by=user,
    )
    report = _report(
        lab, digest, planned, found, freq, dry_run=False, consensus_count=_consensus_count(planned)
    )
    imported.register(
        actor=actor,
        kind=KIND,
        digest=digest,
        rows=len(planned),
        counts=report.counts | freq.provenance(),
        description=f"laboratory file {digest.name} ({lab.format})",
        target=batch.reference if batch else "",
        again=again,
        obj=lab_file,
    )
    for p, ref in zip(planned, _references("DP", len(planned)), strict=True):
        p.reference = ref
    for i in range(0, len(planned), CHUNK):
        chunk = planned[i : i + CHUNK]
        ids = insert_profiles([_row(p, lab_file, user, now) for p in chunk])
        for p, pk in zip(chunk, ids, strict=True):
            p.pk = pk
        if progress is not None:
            progress("written", len(chunk))
    consensus_rows = _write_consensus(planned, lab_file, user, now)
    _write_matches(planned, found, freq, now)
    remains_services.mark_profiled(
        actor=actor,
        unit_ids=Profile.objects.filter(lab_file=lab_file, kind="post_mortem").values("sample__unit_id"),
        reason=f"DNA profile imported from laboratory file {lab_file.reference} ({digest.name[:100]})",
    )
    return _report(
        lab, digest, planned, found, freq, dry_run=False, consensus_count=consensus_rows, lab_file=lab_file
    )


def _pk(planned: list[Planned], key: tuple[str, int]) -> int:
    if key[0] == "db":
        return key[1]
    pk = planned[key[1]].pk
    assert pk is not None
    return pk


def _write_matches(planned: list[Planned], found: Found, freq: matching.Frequencies, now: Any) -> None:
    EliminationMatch.objects.bulk_create(
        [
            EliminationMatch(
                profile_id=_pk(planned, m.a),
                elimination_id=_pk(planned, m.b),
                compared_loci=m.compared,
                mismatched_loci=m.mismatched,
                log10_lr=m.log10_lr,
                at=now,
            )
            for m in found.eliminations
        ],
        batch_size=CHUNK,
    )
    ReassociationProposal.objects.bulk_create(
        [
            ReassociationProposal(
                profile_id=_pk(planned, m.a),
                other_id=_pk(planned, m.b),
                compared_loci=m.compared,
                mismatched_loci=m.mismatched,
                log10_lr=m.log10_lr,
                frequency_table=freq.table,
                at=now,
            )
            for m in found.duplicates
        ],
        batch_size=CHUNK,
    )


def _consensus_targets(planned: list[Planned]) -> dict[tuple[str, str], list[Planned]]:
    by_key: dict[tuple[str, str], list[Planned]] = {}
    for p in planned:
        if p.kind != "elimination":
            by_key.setdefault((p.lab.specimen, p.lab.method), []).append(p)
    return {k: v for k, v in by_key.items() if len(v) > 1 or v[0].replicate > 1}


def _consensus_count(planned: list[Planned]) -> int:
    return len(_consensus_targets(planned))


def _write_consensus(planned: list[Planned], lab_file: LabFile, user: Any, now: Any) -> int:
    """A consensus profile for every specimen (and method) that now has two or more replicates."""
    targets = _consensus_targets(planned)
    if not targets:
        return 0
    rows: list[dict[str, Any]] = []
    refs = iter(_references("DP", len(targets)))
    for (specimen, method), news in targets.items():
        earlier = list(
            Profile.objects.filter(specimen=specimen, method=method, replicate__gte=1).order_by("replicate")
        )
        made = consensus([Replicate(r.reference, r.loci, r.excluded_reason) for r in earlier])
        row = _row(news[0], lab_file, user, now) | {
            "reference": next(refs),
            "replicate": 0,
            "loci": made.loci,
            "locus_count": len(made.loci),
            "flags": sorted({f for r in earlier for f in r.flags if f in ("elimination_match", "duplicate")}),
            "consensus_of": made.consensus_of,
            "conflicts": made.conflicts,
            "raw": {},
            "line": None,
        }
        rows.append(row)
    insert_profiles(rows)
    return len(rows)


def _report(
    lab: ReadFile,
    digest: imported.Digest,
    planned: list[Planned],
    found: Found,
    freq: matching.Frequencies,
    *,
    dry_run: bool,
    consensus_count: int,
    lab_file: LabFile | None = None,
) -> ImportReport:
    counts = {"profiles": len(planned), "post_mortem": 0, "reference": 0, "elimination": 0}
    for p in planned:
        counts[p.kind] += 1
    counts |= {
        "excluded": sum(1 for p in planned if not p.lab.usable),
        "replicates": sum(1 for p in planned if p.replicate > 1),
        "consensus": consensus_count,
        "elimination_matches": len(found.eliminations),
        "proposals": len(found.duplicates),
    }
    summaries = tuple(
        ProfileSummary(
            line=p.lab.line,
            specimen=p.lab.specimen,
            kind=p.kind,
            category=p.lab.category,
            owner=p.owner,
            method=p.lab.method,
            kit=p.lab.kit,
            locus_count=p.locus_count,
            replicate=p.replicate,
            flags=tuple(p.lab.flags) + tuple(p.flags),
            excluded_reason=p.lab.excluded_reason,
            reference=p.reference,
        )
        for p in planned
    )
    return ImportReport(
        file_name=digest.name,
        sha256=digest.sha256,
        format=lab.format,
        dry_run=dry_run,
        counts=counts,
        profiles=summaries,
        notes=tuple(lab.notes),
        frequency_table=freq.label,
        lab_file=lab_file.reference if lab_file else "",
        lab_file_id=lab_file.pk if lab_file else None,
    )
