"""What a screening run reads from the database: the batch's bodies and the families in scope.

**Bodies.** A batch's usable post-mortem autosomal STR profiles, one per *person*: units that are one
individual — a part of a body (``parent_link = part_of``), units linked ``same_individual`` (and not
retracted), several samples of one unit — form one group, screened once with the group's best profile
(its consensus if it has one, else its fullest replicate). The group's units are listed with it.

**Families.** One screening target per missing person of every family of
:func:`~homecoming.app.genetics.family_records.families_in_scope` that has a missing person and at least
one typed relative: the pedigree of its live members (node ids are member codes), each typed member's
fullest usable autosomal STR profile. Everything is read in a few queries (100,000 families are read
at once, not one family at a time).

Alleles are read as the profile's ``used`` alleles, on the markers of the frequency table in force (the
built-in Norwegian table without one); a marker whose allele the table lacks is left out of that profile
(as for the family-power ranking), so every allele screened has a frequency.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.db.models import JSONField
from django.db.models.expressions import RawSQL

from homecoming.app.genetics.family_power import table_marker
from homecoming.app.genetics.family_records import family_ids_in_scope
from homecoming.app.genetics.models import FamilyMember, Profile, ReferenceFamily
from homecoming.app.genetics.pedigree_view import build_pedigree
from homecoming.app.remains.models import IntakeBatch, RemainsUnit, UnitLink
from homecoming.kinship.dvi.joint import Family
from homecoming.kinship.formats.frequencies import FrequencyTable
from homecoming.kinship.model.markers import Genotype
from homecoming.kinship.model.markers import Profile as KinProfile
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.kinship.screen import ReferenceFamily as KinFamily

STR = "autosomal_str"


@dataclass(frozen=True)
class Body:
    """One person of the batch: the profile screened, its unit, every unit of the group, the sex."""

    profile_pk: int
    profile: str  # the profile's reference: the body's name in the screen
    unit_pk: int
    unit: str
    group: tuple[str, ...]
    sex: str
    kin: KinProfile


@dataclass(eq=False)
class Target:
    """One missing person of one family in scope, as the screen and the joint identification see it.

    Read lazily (:func:`scope_targets`): the family's members and which profile each typed member
    contributes are read for every family, the profiles' alleles only for the families whose table must
    be built or that take part in the joint identification (:func:`load_targets`)."""

    family_pk: int
    family: str
    missing_pk: int
    missing_code: str
    missing_sex: int
    members: tuple[tuple[Any, ...], ...]  # live members: (pk, code, relation, sex, father_id, mother_id)
    typed: tuple[tuple[int, int], ...]  # (member pk, profile pk) of each typed member's profile
    source: str  # digest of what the family is in the database (module docstring)
    _kin: KinFamily | None = None

    @property
    def name(self) -> str:
        return f"{self.family}/{self.missing_code}"

    @property
    def dvi_name(self) -> str:
        """The missing person's node in the joint identification (``<family>:<code>``)."""
        return f"{self.family}:{self.missing_code}"

    @property
    def digest(self) -> str:
        """What the family's table is cached under (with the loci): see the module docstring."""
        return self.source

    @property
    def loaded(self) -> bool:
        return self._kin is not None

    @property
    def kin(self) -> KinFamily:
        """The family as the screen takes it (pedigree, missing node, typed profiles); load first."""
        if self._kin is None:
            raise RuntimeError(f"target {self.name}: its profiles were not loaded (load_targets)")
        return self._kin


class MarkerNames:
    """Profile locus names to the table's (memoised: the same dozen names come 100,000 times)."""

    def __init__(self, table: FrequencyTable) -> None:
        self.table = table
        self.names: dict[str, str | None] = {}
        self.pairs: dict[tuple[str, str], Genotype | None] = {}  # parsed once: the same pairs recur

    def profile(self, name: str, loci_json: Iterable[Mapping[str, Any]]) -> KinProfile:
        genos: dict[str, Genotype | None] = {}
        for entry in loci_json:
            written = str(entry.get("locus"))
            if written not in self.names:
                self.names[written] = table_marker(self.table, written)
            marker, used = self.names[written], [str(a) for a in entry.get("used") or []]
            if marker is None or not used:
                continue
            pair = (used * 2)[:2] if len(used) == 1 else used[:2]
            alleles = self.table.markers[marker][0]
            if all(a in alleles for a in pair):
                key = (pair[0], pair[1])
                if key not in self.pairs:
                    self.pairs[key] = KinProfile.from_mapping(name, {marker: pair}).genotypes[marker]
                genos[marker] = self.pairs[key]
        return KinProfile(name, genos)


def _sex(loci: Iterable[Mapping[str, Any]], apparent: str) -> str:
    for entry in loci:
        if str(entry.get("locus", "")).upper().startswith("AMEL"):
            alleles = {str(a).upper() for a in entry.get("used") or []}
            if "Y" in alleles:
                return "male"
            if alleles == {"X"}:
                return "female"
    return apparent if apparent in ("male", "female") else "unknown"


def unit_groups(batch: IntakeBatch) -> dict[int, int]:
    """Unit id -> the id of its group's first unit (parts of one person and same-individual links)."""
    units = list(RemainsUnit.objects.filter(batch=batch).values_list("pk", "parent_id", "parent_link"))
    parent = {pk: pk for pk, _p, _l in units}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: int, b: int) -> None:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            parent[max(ra, rb)] = min(ra, rb)

    for pk, up, link in units:
        if up is not None and link == "part_of":
            join(pk, up)
    links = UnitLink.objects.filter(unit__batch=batch)
    retracted = set(links.exclude(retracts=None).values_list("retracts_id", flat=True))
    for link_pk, a, b, kind, retracts in links.values_list(
        "pk", "unit_id", "other_id", "kind", "retracts_id"
    ):
        if kind == "same_individual" and retracts is None and link_pk not in retracted:
            join(a, b)
    return {pk: find(pk) for pk in parent}


def batch_bodies(batch: IntakeBatch, names: MarkerNames) -> list[Body]:
    """One :class:`Body` per person of the batch with a usable profile (see the module docstring)."""
    groups = unit_groups(batch)
    rows = (
        Profile.objects.filter(kind="post_mortem", excluded_reason="", method=STR, sample__unit__batch=batch)
        .order_by("reference")
        .values(
            "pk",
            "reference",
            "loci",
            "locus_count",
            "replicate",
            "sample__unit_id",
            "sample__unit__apparent_sex",
        )
    )
    refs = dict(RemainsUnit.objects.filter(batch=batch).values_list("pk", "reference"))
    best: dict[int, dict[str, Any]] = {}
    for r in rows:
        g = groups[r["sample__unit_id"]]
        held = best.get(g)
        if held is None or (r["replicate"] == 0, r["locus_count"]) > (
            held["replicate"] == 0,
            held["locus_count"],
        ):
            best[g] = r
    members: dict[int, list[str]] = defaultdict(list)
    for pk, g in sorted(groups.items(), key=lambda kv: refs[kv[0]]):
        members[g].append(refs[pk])
    out = []
    for g, r in sorted(best.items(), key=lambda kv: kv[1]["reference"]):
        unit = r["sample__unit_id"]
        out.append(
            Body(
                r["pk"],
                r["reference"],
                unit,
                refs[unit],
                tuple(members[g]),
                _sex(r["loci"], r["sample__unit__apparent_sex"]),
                names.profile(r["reference"], r["loci"]),
            )
        )
    return out


def scope_family_ids(scope: str) -> dict[int, str]:
    """Family id -> reference of every family in ``scope`` (the consent rule of ``families_in_scope``)."""
    keep = family_ids_in_scope(scope)
    return {pk: ref for pk, ref in ReferenceFamily.objects.values_list("pk", "reference") if pk in keep}


_FIELDS = ("pk", "family_id", "code", "relation", "sex", "father_id", "mother_id")


def scope_targets(scope: str, names: MarkerNames) -> list[Target]:
    """Every missing person of every family in ``scope`` with a typed relative (module docstring); the
    profiles' alleles are not read here (:func:`load_targets`)."""
    in_scope = scope_family_ids(scope)
    members: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    rows = FamilyMember.objects.filter(removed__isnull=True).order_by("family_id", "id").values_list(*_FIELDS)
    for row in rows.iterator(chunk_size=20_000):
        if row[1] in in_scope:
            members[row[1]].append((row[0], *row[2:]))
    typed: dict[int, tuple[int, int, int, int]] = {}  # member -> (count, profile, family, created)
    profiles = Profile.objects.filter(
        kind="reference",
        excluded_reason="",
        method=STR,
        locus_count__gt=0,
        reference_sample__member__removed__isnull=True,
    ).values_list("reference_sample__member_id", "reference_sample__member__family_id", "locus_count", "pk")
    for member, family, count, pk in profiles.iterator(chunk_size=20_000):
        if family in in_scope and (member not in typed or (count, -pk) > typed[member][:2]):
            typed[member] = (count, -pk, family, pk)
    used: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for member, (_count, _neg, family, pk) in typed.items():
        used[family].append((member, pk))
    out = []
    for family, live in sorted(members.items(), key=lambda kv: in_scope[kv[0]]):
        refs = tuple(sorted(used.get(family, ())))
        if not refs:
            continue
        ref = in_scope[family]
        members_t = tuple(live)
        for m in live:
            if m[2] == "missing":
                sex = 1 if m[3] == "male" else 2 if m[3] == "female" else 0
                out.append(
                    Target(family, ref, m[0], m[1], sex, members_t, refs, _source(ref, m[1], live, refs))
                )
    return out


def _source(ref: str, missing: str, live: Sequence[tuple[Any, ...]], refs: Sequence[tuple[int, int]]) -> str:
    """SHA-256 of the family as the database holds it (``repr`` of ints, strings and None: one text for
    one value), 100,000 times in a screen: the canonical JSON of :func:`homecoming.provenance.digest` is
    ten times slower here. Profiles are never edited in place (a new profile is a new row), so a profile's
    id stands for its alleles."""
    return hashlib.sha256(repr(("family-v1", ref, missing, tuple(live), tuple(refs))).encode()).hexdigest()


def _loci(pks: Sequence[int]) -> dict[int, Any]:
    """Profile id -> its loci (``locus`` and ``used`` of each; only those, computed by PostgreSQL there)."""
    out: dict[int, Any] = {}
    if connection.vendor == "postgresql":
        pairs = (
            "(SELECT jsonb_agg(jsonb_build_array(e->'locus', e->'used')) FROM jsonb_array_elements(loci) e)"
        )
        rows = Profile.objects.filter(pk__in=pks).annotate(pairs=RawSQL(pairs, (), output_field=JSONField()))
        for pk, got in rows.values_list("pk", "pairs"):
            out[pk] = [{"locus": n, "used": u} for n, u in got or ()]
        return out
    for lo in range(0, len(pks), 500):  # SQLite's limit on parameters
        out.update(Profile.objects.filter(pk__in=pks[lo : lo + 500]).values_list("pk", "loci"))
    return out


def load_targets(targets: Sequence[Target], names: MarkerNames, markers: Sequence[str] | None = None) -> None:
    """Read the profiles of ``targets`` not loaded yet (a few queries for all) and build each family's
    pedigree; a profile keeps only ``markers`` (all of the table's when None)."""
    todo = [t for t in targets if t._kin is None]
    loci = _loci(sorted({pk for t in todo for _m, pk in t.typed}))
    keep = None if markers is None else set(markers)
    built: dict[int, tuple[Pedigree, tuple[KinProfile, ...]]] = {}
    for t in todo:
        if t.family_pk not in built:
            live = [
                SimpleNamespace(**dict(zip(_FIELDS, (m[0], t.family_pk, *m[1:]), strict=True)))
                for m in t.members
            ]
            code = {m[0]: m[1] for m in t.members}
            refs = []
            for member, pk in t.typed:
                prof = names.profile(code[member], loci[pk])
                if keep is not None:
                    prof = KinProfile(prof.sample, {k: g for k, g in prof.genotypes.items() if k in keep})
                if prof.genotypes:
                    refs.append(prof)
            order = {m[1]: i for i, m in enumerate(t.members)}
            refs.sort(key=lambda p: order[p.sample])
            built[t.family_pk] = (build_pedigree(live), tuple(refs))
        pedigree, profs = built[t.family_pk]
        t._kin = KinFamily(t.name, pedigree, t.missing_code, profs)


def dvi_families(targets: Sequence[Target]) -> tuple[list[Family], dict[str, Target]]:
    """The joint identification's families (node ids ``<family>:<code>``) and missing name -> target."""
    by_family: dict[int, list[Target]] = defaultdict(list)
    for t in targets:
        by_family[t.family_pk].append(t)
    families, named = [], {}
    for group in by_family.values():
        first = group[0].kin
        ped = first.pedigree
        ref = group[0].family
        pedigree = Pedigree(tuple(f"{ref}:{i}" for i in ped.ids), ped.father, ped.mother, ped.sex)
        refs = {f"{ref}:{p.sample}": KinProfile(f"{ref}:{p.sample}", p.genotypes) for p in first.profiles}
        missing = tuple(t.dvi_name for t in group)
        families.append(Family(ref, pedigree, refs, missing))
        named.update({t.dvi_name: t for t in group})
    return families, named
