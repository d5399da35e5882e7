"""What the pages and the API show of lab files, profiles and proposals — and to whom.

One place decides what of a profile a user sees: everyone with ``profiles`` its kit, method, locus
names and count, flags, replicate and provenance; only ``genotypes`` (DNA analysts, identification
reviewers) the alleles and the readings behind a consensus's conflicts, each such view audited.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from homecoming.app.audit import services as audit
from homecoming.app.genetics.models import LabFile, Profile, ReassociationProposal
from homecoming.app.permissions import may

PROFILE_RELATED = ("sample__unit__batch", "reference_sample", "lab_file", "created_by")


def profiles(*, batch: str = "", kind: str = "", flag: str = "", specimen: str = "") -> QuerySet[Profile]:
    """Profiles filtered by intake batch (reference), kind, one flag and specimen id."""
    rows = Profile.objects.select_related(*PROFILE_RELATED).order_by("-created", "-id")
    if batch:
        rows = rows.filter(sample__unit__batch__reference=batch.strip().upper())
    if kind:
        rows = rows.filter(kind=kind)
    if flag:
        rows = rows.annotate(flag_text=Cast("flags", TextField())).filter(flag_text__contains=f'"{flag}"')
    if specimen:
        rows = rows.filter(specimen__icontains=specimen.strip())
    return rows


def owner_hidden(user: Any, p: Profile) -> bool:
    """Whether ``user`` may not see whose profile it is: a post-mortem sample's reference needs ``samples``,
    a relative's reference sample ``families`` (the specimen id is that reference)."""
    if p.kind == "post_mortem":
        return not may(user, "samples")
    if p.kind == "reference":
        return not may(user, "families")
    return False


def profile_summary(user: Any, p: Profile) -> dict[str, Any]:
    """A profile without its alleles; without its sample or specimen id for a role that may not see them."""
    out = _summary(p)
    if owner_hidden(user, p):
        out.update(specimen="", sample=None, unit=None, batch=None, reference_sample=None)
    return out


def _summary(p: Profile) -> dict[str, Any]:
    return {
        "id": p.pk,
        "reference": p.reference,
        "kind": p.kind,
        "specimen": p.specimen,
        "category": p.category,
        "kit": p.kit,
        "method": p.method,
        "replicate": p.replicate,
        "consensus": bool(p.consensus_of),
        "locus_count": p.locus_count,
        "flags": list(p.flags),
        "excluded_reason": p.excluded_reason,
        "sample": p.sample.reference if p.sample else None,
        "unit": p.sample.unit.reference if p.sample else None,
        "batch": p.sample.unit.batch.reference if p.sample else None,
        "reference_sample": p.reference_sample.reference if p.reference_sample else None,
        "lab_file": p.lab_file.reference if p.lab_file else None,
        "line": p.line,
        "created": p.created,
        "created_by": p.created_by.username if p.created_by else "",
    }


def profile_detail(user: Any, p: Profile) -> dict[str, Any]:
    """The profile for ``user``: the alleles and conflict readings only with ``genotypes`` (audited)."""
    out = profile_summary(user, p) | {
        "loci": [lc["locus"] for lc in p.loci],
        "consensus_of": list(p.consensus_of),
        "conflicts": [{"locus": c.get("locus", ""), "kind": c.get("kind", "")} for c in p.conflicts],
        "sha256": p.lab_file.sha256 if p.lab_file else "",
        "alleles": None,
    }
    if may(user, "genotypes"):
        audit.record_view(actor=user, obj=p, what="genotypes (alleles)")
        out["alleles"] = [
            {
                "locus": lc["locus"],
                "written_name": lc.get("written_name", ""),
                "written": list(lc.get("written", [])),
                "used": list(lc.get("used", [])),
                "flags": list(lc.get("flags", [])),
            }
            for lc in p.loci
        ]
        out["conflicts"] = list(p.conflicts)
    return out


def lab_file_out(f: LabFile) -> dict[str, Any]:
    return {
        "id": f.pk,
        "reference": f.reference,
        "file_name": f.file_name,
        "format": f.format,
        "sha256": f.sha256,
        "size": f.size,
        "source_lab": f.source_lab,
        "batch": f.batch.reference if f.batch else None,
        "profile_count": f.profile_count,
        "notes": list(f.notes),
        "imported_at": f.imported_at,
        "imported_by": f.imported_by.username if f.imported_by else "",
    }


def proposals(*, undecided: bool = False) -> QuerySet[ReassociationProposal]:
    rows = ReassociationProposal.objects.select_related(
        "profile__sample__unit__batch", "other__sample__unit__batch", "frequency_table"
    ).prefetch_related("decisions__actor")
    return rows.filter(decisions__isnull=True) if undecided else rows


def proposal_out(p: ReassociationProposal) -> dict[str, Any]:
    decision = next(iter(p.decisions.all()), None)
    return {
        "id": p.pk,
        "profile": p.profile.reference,
        "other": p.other.reference,
        "sample": p.profile.sample.reference if p.profile.sample else None,
        "other_sample": p.other.sample.reference if p.other.sample else None,
        "unit": p.profile.sample.unit.reference if p.profile.sample else None,
        "other_unit": p.other.sample.unit.reference if p.other.sample else None,
        "compared_loci": p.compared_loci,
        "mismatched_loci": p.mismatched_loci,
        "log10_lr": p.log10_lr,
        "frequency_table": p.frequency_table.reference if p.frequency_table else "builtin:norwegian",
        "at": p.at,
        "decision": decision.decision if decision else None,
        "decided_by": decision.actor.username if decision and decision.actor else None,
    }


def sample_profiles(sample_ids: list[int]) -> dict[int, list[Profile]]:
    """The DNA profiles of remains samples (quality only is shown from them), by sample id."""
    out: dict[int, list[Profile]] = {}
    rows = Profile.objects.filter(sample_id__in=sample_ids).order_by("replicate", "id")
    for p in rows.only(
        "id", "reference", "sample_id", "replicate", "locus_count", "flags", "excluded_reason", "consensus_of"
    ):
        assert p.sample_id is not None
        out.setdefault(p.sample_id, []).append(p)
    return out
