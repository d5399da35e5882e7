"""The evidence of a comparison report, computed from the stored inputs (one immutable version each time).

**IDEN** (a body is a missing person): the DNA likelihood ratio is
:func:`homecoming.kinship.missing_person_lr` of the body's post-mortem profile against the missing
person's reference family (its live pedigree, each typed relative's fullest usable autosomal STR
profile), with the frequency table in force (else the built-in Norwegian table), the mutation model
and θ of the settings (``IDENTIFICATION_MUTATION``, ``IDENTIFICATION_THETA``). The same LR is computed
without mutation: a marker whose LR is 0 there is *inconsistent*; it is *explained* by the mutation model
when its LR with mutation is at least ``IDENTIFICATION_MUTATION_MIN_LR`` (a one- or two-step change of
the stepwise model), else *unexplained*. The family rule is :func:`homecoming.domain.identification_rule.
check` for the missing member (relations read from the pedigree). The prior is 1/N, N = the missing
persons of the families in the consent scope; the posterior (:func:`homecoming.domain.evidence.posterior`)
combines the DNA LR with the non-DNA factors (sex, age, place and date: the examination's and the
recovery's against the registry's and the tracing case's last contact,
:mod:`homecoming.app.identification.place_evidence`; one without data counts as 1 and says so).

**EQUL / FRAG** (two post-mortem records, a part and its body): the direct-match LR of the two profiles
(both placed on one person against two unrelated people); every marker where they differ is inconsistent
and unexplained (one person has one genotype); N = the bodies with a usable post-mortem profile.

Every figure is stored as ``repr`` of the float (exact); the version carries its provenance: software
version, input digests, frequency table id and SHA-256, mutation model, θ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from homecoming.app.genetics import family_records
from homecoming.app.genetics.family_power import table_marker
from homecoming.app.genetics.frequencies import pure_table, table_in_force
from homecoming.app.genetics.models import FamilyMember, Profile, ReferenceFamily
from homecoming.app.genetics.pedigree_view import build_pedigree
from homecoming.app.identification import body_estimates, place_evidence
from homecoming.app.remains.models import RemainsUnit
from homecoming.domain import evidence
from homecoming.domain.partial_dates import PartialDate
from homecoming.errors import FrequencyError, HomecomingError, Problem, StateError
from homecoming.kinship.formats.frequencies import FrequencyTable
from homecoming.kinship.lr import LRResult, missing_person_lr
from homecoming.kinship.model.markers import Profile as KinProfile
from homecoming.kinship.model.mutation import MutationModel, SexMutation
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.provenance import Provenance, digest

_STR = "autosomal_str"
RULES = ("posterior", "family_rule", "inconsistency")


@dataclass(frozen=True)
class Table:
    table: FrequencyTable
    reference: str
    sha256: str


def num(x: float) -> str:
    """A float as stored: its ``repr`` (``inf`` and ``nan`` included), read back exactly by ``float``."""
    return repr(float(x))


def frequency_table() -> Table:
    """The table in force with its id and SHA-256, else the built-in Norwegian table (digest of its data)."""
    stored = table_in_force()
    if stored is not None:
        return Table(pure_table(stored), stored.reference, stored.sha256)
    builtin = FrequencyTable.builtin("norwegian")
    return Table(
        builtin, builtin.id, digest({k: [list(a), list(f)] for k, (a, f) in builtin.markers.items()})
    )


def mutation() -> SexMutation:
    spec = dict(settings.IDENTIFICATION_MUTATION)
    return SexMutation.same(MutationModel.make(str(spec.pop("model")), **spec))


def body_profile(unit: RemainsUnit) -> Profile:
    """The unit's usable post-mortem autosomal STR profile: its consensus, else its fullest replicate."""
    profiles = list(
        Profile.objects.filter(sample__unit=unit, kind="post_mortem", excluded_reason="", method=_STR)
    )
    if not profiles:
        raise StateError(
            f"{unit.reference} has no usable DNA profile; a report cannot be proposed without one",
            field="unit",
            value=unit.reference,
            hint="take a sample and import its profile first",
        )
    return max(profiles, key=lambda p: (p.replicate == 0, p.locus_count, p.pk))


def kin_profile(
    name: str, loci: list[dict[str, Any]], table: FrequencyTable, problems: list[Problem]
) -> KinProfile:
    """A kinship profile; a marker or allele the table lacks is a problem (named), never dropped silently."""
    genos: dict[str, object] = {}
    for entry in loci:
        written, used = str(entry.get("locus")), [str(a) for a in entry.get("used") or []]
        if not used or written.upper().startswith("AMEL"):
            continue
        marker = table_marker(table, written)
        if marker is None:
            problems.append(
                Problem(
                    f"{name}: {written}",
                    f"marker is not in the frequency table {table.id}",
                    written,
                    "put in force a frequency table that has the marker",
                )
            )
            continue
        lacking = [a for a in used if a not in table.markers[marker][0]]
        problems += [
            Problem(
                f"{name}: {marker}",
                f"allele {a} has no frequency in table {table.id}",
                a,
                "import a version of the table that lists the allele",
            )
            for a in lacking
        ]
        if not lacking:
            genos[marker] = (used * 2)[:2] if len(used) == 1 else used[:2]
    return KinProfile.from_mapping(name, genos)


def missing_member(family: ReferenceFamily, person_id: int) -> FamilyMember:
    member = family.members.filter(removed__isnull=True, relation="missing", person_id=person_id).first()
    if member is None:
        raise StateError(
            f"family {family.reference} has no missing member for this person",
            field="person",
            value=person_id,
            hint="choose the family of the missing person",
        )
    return member


def family_inputs(
    family: ReferenceFamily, missing: FamilyMember, table: FrequencyTable, problems: list[Problem]
) -> tuple[Pedigree, dict[str, KinProfile], dict[str, str]]:
    """The family's pedigree, its typed relatives' profiles (by member code) and their profile references."""
    live = list(family.members.filter(removed__isnull=True).order_by("id"))
    pedigree = build_pedigree(live).validate()
    codes = {m.pk: m.code for m in live}
    typed: dict[str, KinProfile] = {}
    used: dict[str, str] = {}
    for pk, profiles in sorted(family_records.typed_members(family).items()):
        strs = [p for p in profiles if p.method == _STR]
        if strs and pk != missing.pk:
            best = max(strs, key=lambda p: (p.locus_count, p.pk))
            typed[codes[pk]] = kin_profile(codes[pk], best.loci, table, problems)
            used[codes[pk]] = best.reference
    if not typed:
        problems.append(
            Problem(
                "family",
                "no relative of the missing person is typed",
                family.reference,
                "import a reference profile of a relative first",
            )
        )
    return pedigree, typed, used


def per_marker(result: LRResult) -> list[dict[str, str]]:
    return [{"marker": m, "lr": num(x)} for m, x in zip(result.markers, result.lrs, strict=True)]


def _date(text: str) -> PartialDate | None:
    try:
        return PartialDate.parse(text) if text else None
    except HomecomingError:
        return None


def _posterior(
    dna_lr: float, unit: RemainsUnit, person: Any, n: int
) -> tuple[float, list[dict[str, Any]], str]:
    """(posterior, the non-DNA factors as stored, how): :func:`homecoming.domain.evidence.posterior` with
    the sex, age and place/date factors for an IDEN (the examination's against the registry's), none for a
    direct match. A factor whose data are missing is stored with ``lr`` null (counts as 1)."""
    factors: list[evidence.Factor] = []
    if person is not None:
        death = _date(unit.date_of_death) or _date(unit.date_of_recovery)
        est = body_estimates.estimates([unit.pk])[unit.pk]  # the examination's, where it said
        factors = [
            evidence.sex_factor(est["sex"], person.sex or "unknown"),
            evidence.age_factor(est["age_min"], est["age_max"], _date(person.birth_date or ""), death),
            place_evidence.place_date(
                place_evidence.unit_values(unit), place_evidence.last_seen([person.pk]).get(person.pk)
            ),
        ]
    if math.isnan(dna_lr):
        return math.nan, [f.as_dict() for f in factors], "DNA LR undefined (0/0): no posterior"
    if math.isinf(dna_lr):
        return 1.0, [f.as_dict() for f in factors], "DNA LR infinite: posterior 1"
    got = evidence.posterior(dna_lr, factors, n)
    how = "DNA LR × non-DNA factors × prior 1/N" if factors else "DNA LR × prior 1/N"
    return got.posterior, [f.as_dict() for f in factors], how


def _n_missing(scope: str) -> int:
    families = family_records.families_in_scope(scope)
    n = FamilyMember.objects.filter(family__in=families, relation="missing", removed__isnull=True).count()
    return max(n, 1)


def _n_bodies() -> int:
    units = Profile.objects.filter(kind="post_mortem", excluded_reason="", method=_STR)
    return max(units.values("sample__unit").distinct().count(), 1)


def compute_iden(
    unit: RemainsUnit, family: ReferenceFamily, missing: FamilyMember, scope: str
) -> dict[str, Any]:
    """The evidence of "``unit`` is the missing member ``missing`` of ``family``" (every problem at once)."""
    body = body_profile(unit)
    tab = frequency_table()
    problems: list[Problem] = []
    poi = kin_profile(body.reference, body.loci, tab.table, problems)
    pedigree, typed, used = family_inputs(family, missing, tab.table, problems)
    if problems:
        raise FrequencyError.from_problems(problems, "the report's evidence", listed=10)
    markers = sorted(set(poi.genotypes) | {m for p in typed.values() for m in p.genotypes})
    theta = float(settings.IDENTIFICATION_THETA)
    mut = mutation()
    common = {"family": typed, "theta": theta, "frequency_table": tab.reference}
    with_mut = missing_person_lr(
        pedigree, missing.code, poi, loci=tab.table.loci(markers, mutation=mut), **common
    )
    plain = missing_person_lr(pedigree, missing.code, poi, loci=tab.table.loci(markers), **common)
    floor = float(settings.IDENTIFICATION_MUTATION_MIN_LR)
    inconsistent = [m for m, x in zip(plain.markers, plain.lrs, strict=True) if x == 0]
    mut_lr = dict(zip(with_mut.markers, with_mut.lrs, strict=True))
    unexplained = [m for m in inconsistent if not mut_lr[m] >= floor]
    rule = next(r for m, r in family_records.rule_check(family) if m.pk == missing.pk)
    n = _n_missing(scope)
    person = missing.person
    post, factors, how = _posterior(with_mut.lr, unit, person, n)
    inputs = {
        "body": {"profile": body.reference, "digest": poi.digest},
        "family": {
            "reference": family.reference,
            "version": family.version,
            "missing": missing.code,
            "pedigree": digest(pedigree.records()),
            "profiles": {c: {"profile": used[c], "digest": p.digest} for c, p in sorted(typed.items())},
        },
    }
    return _snapshot(
        with_mut,
        plain,
        inconsistent,
        unexplained,
        rule_met=rule.met,
        rule={
            "met": rule.met,
            "route": rule.route,
            "explanation": rule.explanation,
            "params": dict(rule.params),
            "close_typed": list(rule.close_typed),
            "multi_method": list(rule.multi_method),
        },
        n=n,
        post=post,
        factors=factors,
        how=how,
        tab=tab,
        mut=mut,
        theta=theta,
        inputs=inputs,
    )


def compute_direct(unit: RemainsUnit, other: RemainsUnit) -> dict[str, Any]:
    """The evidence of "``unit`` and ``other`` are one person" (EQUL, FRAG): a direct match."""
    a, b = body_profile(unit), body_profile(other)
    tab = frequency_table()
    problems: list[Problem] = []
    pa = kin_profile("X", a.loci, tab.table, problems)
    pb = kin_profile(b.reference, b.loci, tab.table, problems)
    if problems:
        raise FrequencyError.from_problems(problems, "the report's evidence", listed=10)
    markers = sorted(set(pa.genotypes) | set(pb.genotypes))
    theta = float(settings.IDENTIFICATION_THETA)
    one = Pedigree.singleton("X")
    result = missing_person_lr(
        one,
        "X",
        pb,
        family={"X": pa},
        loci=tab.table.loci(markers),
        theta=theta,
        frequency_table=tab.reference,
    )
    inconsistent = [m for m, x in zip(result.markers, result.lrs, strict=True) if x == 0]
    n = _n_bodies()
    post, _f, _how = _posterior(result.lr, unit, None, n)
    inputs = {
        "body": {"profile": a.reference, "digest": pa.digest},
        "other": {"profile": b.reference, "digest": pb.digest},
    }
    return _snapshot(
        result,
        result,
        inconsistent,
        inconsistent,
        rule_met=True,
        rule={
            "met": True,
            "route": "",
            "explanation": "not applicable to a direct match",
            "close_typed": [],
            "multi_method": [],
        },
        n=n,
        post=post,
        factors=[],
        how="DNA LR alone (prior 1/N, N = bodies with a profile)",
        tab=tab,
        mut=None,
        theta=theta,
        inputs=inputs,
    )


def _snapshot(
    result: LRResult,
    plain: LRResult,
    inconsistent: list[str],
    unexplained: list[str],
    *,
    rule_met: bool,
    rule: dict[str, Any],
    n: int,
    post: float,
    factors: list[dict[str, Any]],
    how: str,
    tab: Table,
    mut: SexMutation | None,
    theta: float,
    inputs: dict[str, Any],
) -> dict[str, Any]:
    threshold = float(settings.IDENTIFICATION_POSTERIOR_MIN)
    prov = Provenance.make(
        "homecoming.app.identification.report_evidence",
        parameters={
            "theta": theta,
            "mutation": mut.describe() if mut else None,
            "frequency_table": tab.reference,
            "mutation_min_lr": float(settings.IDENTIFICATION_MUTATION_MIN_LR),
        },
        inputs=inputs,
    ).as_dict()
    prov["frequency_table"] = {"id": tab.reference, "sha256": tab.sha256}
    prov["engine"] = result.provenance.as_dict()
    return {
        "lr": num(result.lr),
        "log10_lr": num(result.log10_lr),
        "per_marker": per_marker(result),
        "per_marker_without_mutation": per_marker(plain),
        "inconsistent": inconsistent,
        "unexplained": unexplained,
        "family_rule": rule,
        "prior_n": n,
        "prior": num(1.0 / n),
        "posterior": num(post),
        "posterior_threshold": num(threshold),
        "factors": factors,
        "posterior_from": how,
        "failed": failed_rules(post=post, threshold=threshold, rule_met=rule_met, unexplained=unexplained),
        "inputs": inputs,
        "provenance": prov,
    }


def failed_rules(*, post: float, threshold: float, rule_met: bool, unexplained: list[str]) -> list[str]:
    """The rules an identification on this evidence does not meet (``RULES`` order)."""
    failed = []
    if not post >= threshold:
        failed.append("posterior")
    if not rule_met:
        failed.append("family_rule")
    if unexplained:
        failed.append("inconsistency")
    return failed
