"""Recompute a comparison report's evidence from its stored inputs and compare every number bit for bit.

The stored inputs of an evidence version are the records and parameters it names, not what is in force
today:

* the **frequency table** by the id the version stored (not the table in force now), its SHA-256
  computed again from the stored frequencies (a changed table is named);
* **θ**, the **mutation model** and the mutation-explained floor from the version's provenance, the
  posterior threshold it stored;
* the **body's profile** and each **typed relative's profile** by the references the version stored
  (a profile imported later is not used), each digest compared;
* the **reference family** as it was when the version was computed (its members added before and not
  removed by then), the pedigree's digest compared; the identification rule from those members and the
  profiles they had then;
* **N** of the prior counted as it was then (families whose consent was in force, missing persons
  recorded and not removed; for a direct match the bodies with a usable profile);
* the **non-DNA factors** from the body's and the person's records (a changed record is named).

Everything is recomputed through the functions used when the report was drafted
(:func:`homecoming.kinship.missing_person_lr`, :mod:`homecoming.app.identification.report_evidence`,
:func:`homecoming.domain.evidence.posterior`). Each number is compared as stored (``repr`` of the float):
``identical`` means every one is the same string, that is the same float.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from homecoming.app.genetics.choices import ConsentAction, ConsentScope, Relation
from homecoming.app.genetics.family_records import closeness
from homecoming.app.genetics.frequencies import pure_table
from homecoming.app.genetics.models import ConsentEvent, FamilyMember, Profile
from homecoming.app.genetics.models import FrequencyTable as StoredTable
from homecoming.app.genetics.pedigree_view import build_pedigree
from homecoming.app.identification import report_evidence as ev
from homecoming.app.identification.models_reports import ComparisonReport, ReportEvidence
from homecoming.app.lookup import by_id
from homecoming.domain.identification_rule import TypedRelative
from homecoming.domain.identification_rule import check as check_rule
from homecoming.domain.report_states import ReportKind
from homecoming.errors import FrequencyError, NotFound, Problem, StateError
from homecoming.kinship.formats.frequencies import FrequencyTable, frequencies_sha256
from homecoming.kinship.lr import LRResult, missing_person_lr
from homecoming.kinship.model.markers import Profile as KinProfile
from homecoming.kinship.model.mutation import MutationModel, SexMutation
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.provenance import digest

__all__ = ["Compared", "Rederived", "find_report", "members_at", "rederive"]

_STR = "autosomal_str"
_ABSENT = "—"


@dataclass(frozen=True)
class Compared:
    """One number (or input digest) as stored and as recomputed."""

    name: str
    stored: str
    recomputed: str

    @property
    def same(self) -> bool:
        return self.stored == self.recomputed


@dataclass(frozen=True)
class Rederived:
    report: str
    evidence: int
    compared: tuple[Compared, ...]

    @property
    def differences(self) -> list[Compared]:
        return [c for c in self.compared if not c.same]

    @property
    def identical(self) -> bool:
        return not self.differences


def find_report(reference_or_id: str) -> ComparisonReport:
    """A report by its reference (``CR-0000001``) or its id."""
    text = reference_or_id.strip()
    found = ComparisonReport.objects.filter(reference__iexact=text).first()
    if found is not None:
        return found
    if text.isdigit():
        return by_id(ComparisonReport.objects.all(), int(text), what="comparison report", field="report")
    raise NotFound(
        f"no comparison report {text!r}",
        field="report",
        value=text,
        hint="give the report's reference (CR-0000001) or its id",
    )


def members_at(family: Any, when: dt.datetime) -> list[FamilyMember]:
    """The family's members as they were at ``when``: added by then and not removed by then."""
    qs = family.members.filter(created__lte=when).filter(Q(removed__isnull=True) | Q(removed__gt=when))
    return list(qs.order_by("id"))


def _table(prov: dict[str, Any]) -> ev.Table:
    """The frequency table the version used (by its stored id), its SHA-256 computed again from the data."""
    ref = str((prov.get("frequency_table") or {}).get("id") or "")
    row = StoredTable.objects.filter(reference=ref).first()
    if row is not None:
        return ev.Table(pure_table(row), row.reference, frequencies_sha256(row.markers))
    builtin = FrequencyTable.builtin("norwegian")
    if ref == builtin.id:
        return ev.Table(
            builtin, builtin.id, digest({k: [list(a), list(f)] for k, (a, f) in builtin.markers.items()})
        )
    raise NotFound(
        f"the frequency table {ref!r} the evidence was computed with is not stored",
        field="frequency_table",
        value=ref,
        hint="the evidence cannot be recomputed without its table; restore the table from a backup",
    )


def _mutation(spec: Any) -> SexMutation | None:
    """The mutation model from its stored description (``SexMutation.describe()``)."""
    if not spec:
        return None

    def one(d: dict[str, Any]) -> MutationModel:
        if d.get("custom_matrix"):
            raise StateError(
                "the evidence used a custom mutation matrix, which is not stored with it",
                field="mutation",
                value=d.get("model"),
                hint="recompute with the matrix by hand",
            )
        return MutationModel.make(
            str(d["model"]), rate=d["rate"], rate2=d["rate2"], range=d["range"], seed=d.get("seed")
        )

    return SexMutation(female=one(spec["female"]), male=one(spec["male"]))


def _profile(reference: str) -> Profile:
    found = Profile.objects.filter(reference=reference).first()
    if found is None:
        raise NotFound(
            f"the profile {reference} the evidence was computed from is not stored",
            field="profile",
            value=reference,
            hint="restore the profile from a backup",
        )
    return found


def _n_missing_at(scope: str, when: dt.datetime) -> int:
    """N of the prior as it was at ``when`` (``report_evidence._n_missing`` at that moment)."""
    events: dict[int, list[ConsentEvent]] = {}
    for e in ConsentEvent.objects.filter(recorded_at__lte=when):
        events.setdefault(e.family_id, []).append(e)
    keep = []
    for family_id, rows in events.items():
        last = {e.scope: e.action for e in sorted(rows, key=lambda e: (e.on, e.recorded_at, e.id))}
        if (
            last.get(scope) == ConsentAction.given
            and last.get(ConsentScope.domestic) != ConsentAction.withdrawn
        ):
            keep.append(family_id)
    n = (
        FamilyMember.objects.filter(family_id__in=keep, relation=Relation.missing, created__lte=when)
        .filter(Q(removed__isnull=True) | Q(removed__gt=when))
        .count()
    )
    return max(n, 1)


def _n_bodies_at(when: dt.datetime) -> int:
    units = Profile.objects.filter(kind="post_mortem", excluded_reason="", method=_STR, created__lte=when)
    return max(units.values("sample__unit").distinct().count(), 1)


def _rule_at(members: list[FamilyMember], missing_code: str, when: dt.datetime) -> Any:
    """The identification rule for the missing member with the members and profiles of ``when``."""
    missing = next((m for m in members if m.code == missing_code), None)
    if missing is None:
        raise StateError(
            f"the missing member {missing_code} is not in the family as it was",
            field="missing",
            value=missing_code,
        )
    typed: dict[int, set[str]] = {}
    for p in Profile.objects.filter(
        reference_sample__member__in=members, excluded_reason="", created__lte=when
    ).select_related("reference_sample"):
        assert p.reference_sample is not None
        typed.setdefault(p.reference_sample.member_id, set()).add(p.method)
    rel = closeness(members, missing)
    relatives = [
        TypedRelative.make(m.code, rel[m.pk], typed.get(m.pk, set())) for m in members if m.pk in rel
    ]
    return check_rule(relatives)


@dataclass
class _Run:
    """What the recomputation produced (named as the stored evidence names it)."""

    with_mut: LRResult
    plain: LRResult
    inconsistent: list[str]
    unexplained: list[str]
    rule_met: bool
    n: int
    post: float
    factors: list[dict[str, Any]]
    sha256: str
    digests: dict[str, str]


def _iden(report: ComparisonReport, version: ReportEvidence, data: dict[str, Any]) -> _Run:
    prov = data["provenance"]
    params = prov.get("parameters", {})
    inputs = data["inputs"]
    tab = _table(prov)
    mut = _mutation(params.get("mutation"))
    theta = float(params["theta"])
    floor = float(params["mutation_min_lr"])
    when = version.computed_at
    problems: list[Problem] = []
    body = _profile(inputs["body"]["profile"])
    poi = ev.kin_profile(body.reference, body.loci, tab.table, problems)
    fam_in = inputs["family"]
    members = members_at(report.family, when)
    pedigree = build_pedigree(members).validate()
    typed: dict[str, KinProfile] = {}
    for code, used in sorted(fam_in["profiles"].items()):
        typed[code] = ev.kin_profile(code, _profile(used["profile"]).loci, tab.table, problems)
    if problems:
        raise FrequencyError.from_problems(problems, "the stored inputs", listed=10)
    markers = sorted(set(poi.genotypes) | {m for p in typed.values() for m in p.genotypes})
    common: dict[str, Any] = {"family": typed, "theta": theta, "frequency_table": tab.reference}
    missing = fam_in["missing"]
    with_mut = missing_person_lr(pedigree, missing, poi, loci=tab.table.loci(markers, mutation=mut), **common)
    plain = missing_person_lr(pedigree, missing, poi, loci=tab.table.loci(markers), **common)
    inconsistent = [m for m, x in zip(plain.markers, plain.lrs, strict=True) if x == 0]
    mut_lr = dict(zip(with_mut.markers, with_mut.lrs, strict=True))
    unexplained = [m for m in inconsistent if not mut_lr[m] >= floor]
    rule = _rule_at(members, missing, when)
    n = _n_missing_at(report.scope, when)
    person = report.missing_member.person if report.missing_member else report.person
    post, factors, _how = ev._posterior(with_mut.lr, report.unit, person, n)
    digests = {
        "inputs.body.digest": poi.digest,
        "inputs.family.pedigree": digest(pedigree.records()),
        **{f"inputs.family.profiles[{c}].digest": p.digest for c, p in typed.items()},
    }
    return _Run(with_mut, plain, inconsistent, unexplained, rule.met, n, post, factors, tab.sha256, digests)


def _direct(report: ComparisonReport, version: ReportEvidence, data: dict[str, Any]) -> _Run:
    prov = data["provenance"]
    params = prov.get("parameters", {})
    inputs = data["inputs"]
    tab = _table(prov)
    theta = float(params["theta"])
    problems: list[Problem] = []
    a, b = _profile(inputs["body"]["profile"]), _profile(inputs["other"]["profile"])
    pa = ev.kin_profile("X", a.loci, tab.table, problems)
    pb = ev.kin_profile(b.reference, b.loci, tab.table, problems)
    if problems:
        raise FrequencyError.from_problems(problems, "the stored inputs", listed=10)
    markers = sorted(set(pa.genotypes) | set(pb.genotypes))
    result = missing_person_lr(
        Pedigree.singleton("X"),
        "X",
        pb,
        family={"X": pa},
        loci=tab.table.loci(markers),
        theta=theta,
        frequency_table=tab.reference,
    )
    inconsistent = [m for m, x in zip(result.markers, result.lrs, strict=True) if x == 0]
    n = _n_bodies_at(version.computed_at)
    post, _f, _how = ev._posterior(result.lr, report.unit, None, n)
    digests = {"inputs.body.digest": pa.digest, "inputs.other.digest": pb.digest}
    return _Run(result, result, inconsistent, inconsistent, True, n, post, [], tab.sha256, digests)


def _markers(name: str, stored: list[dict[str, str]], result: LRResult) -> list[Compared]:
    old = {r["marker"]: r["lr"] for r in stored}
    new = {m: ev.num(x) for m, x in zip(result.markers, result.lrs, strict=True)}
    return [
        Compared(f"{name}[{m}]", old.get(m, _ABSENT), new.get(m, _ABSENT))
        for m in sorted(set(old) | set(new))
    ]


def _factors(stored: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Compared]:
    old = {f["name"]: f for f in stored}
    now = {f["name"]: f for f in new}
    out = []
    for name in sorted(set(old) | set(now)):
        a, b = old.get(name, {}), now.get(name, {})
        lr_a = _ABSENT if not a else ("not assessed" if a.get("lr") is None else repr(float(a["lr"])))
        lr_b = _ABSENT if not b else ("not assessed" if b.get("lr") is None else repr(float(b["lr"])))
        out.append(Compared(f"factors[{name}].lr", lr_a, lr_b))
        for key in sorted(set(a.get("inputs", {})) | set(b.get("inputs", {}))):
            out.append(
                Compared(
                    f"factors[{name}].inputs.{key}",
                    str(a.get("inputs", {}).get(key, _ABSENT)),
                    str(b.get("inputs", {}).get(key, _ABSENT)),
                )
            )
    return out


def rederive(report: ComparisonReport, number: int | None = None) -> Rederived:
    """Recompute the evidence version ``number`` (default: the current one) and compare every number."""
    versions = report.evidence_versions.order_by("-number")
    version = versions.filter(number=number).first() if number is not None else versions.first()
    if version is None:
        raise NotFound(
            f"{report.reference} has no evidence version {number if number is not None else ''}".rstrip(),
            field="evidence",
            value=number,
            hint="give a version the report has (1, 2, ...)",
        )
    data: dict[str, Any] = version.data
    run = _iden(report, version, data) if report.kind == ReportKind.iden else _direct(report, version, data)
    threshold = float(data["posterior_threshold"])
    failed = ev.failed_rules(
        post=run.post, threshold=threshold, rule_met=run.rule_met, unexplained=run.unexplained
    )
    lr, log10_lr, post = ev.num(run.with_mut.lr), ev.num(run.with_mut.log10_lr), ev.num(run.post)
    stored_sha = str(data["provenance"].get("frequency_table", {}).get("sha256", ""))
    rows = [
        Compared("frequency_table.sha256", stored_sha, run.sha256),
        *[Compared(k, str(_stored_digest(data, k)), v) for k, v in run.digests.items()],
        Compared("lr", data["lr"], lr),
        Compared("log10_lr", data["log10_lr"], log10_lr),
        Compared("lr (report column)", version.lr, lr),
        Compared("log10_lr (report column)", version.log10_lr, log10_lr),
        *_markers("per_marker", data["per_marker"], run.with_mut),
        *_markers("per_marker_without_mutation", data["per_marker_without_mutation"], run.plain),
        Compared("inconsistent", ", ".join(data["inconsistent"]), ", ".join(run.inconsistent)),
        Compared("unexplained", ", ".join(data["unexplained"]), ", ".join(run.unexplained)),
        Compared("family_rule.met", str(bool(data["family_rule"]["met"])), str(run.rule_met)),
        Compared("prior_n", str(data["prior_n"]), str(run.n)),
        Compared("prior", data["prior"], ev.num(1.0 / run.n)),
        *_factors(data.get("factors", []), run.factors),
        Compared("posterior", data["posterior"], post),
        Compared("posterior (report column)", version.posterior, post),
        Compared("failed", ", ".join(data["failed"]), ", ".join(failed)),
    ]
    return Rederived(report.reference, version.number, tuple(rows))


def _stored_digest(data: dict[str, Any], name: str) -> str:
    """The stored digest a recomputed one is compared with (``inputs.family.profiles[F1].digest`` ...)."""
    node: Any = data
    for part in name.replace("[", ".").replace("]", "").split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return _ABSENT if node is None else str(node)
