"""Post-mortem examinations, samples and personal effects.

An examination follows the sections of the INTERPOL DVI post-mortem form (external examination;
anthropology: sex, age, stature; odontology in FDI notation; fingerprints; marks and tattoos;
clothing; cause of death). Its details are health data: only roles with
``remains.view_examination_details`` see them, and every view is audited. Samples and effects start
their own custody chain where the unit is.

Recording the evidence moves the unit's state where that is the natural next step (one audited row each):
an examination moves a registered or stored unit to ``examined``, a sample an examined unit to ``sampled``
(a DNA profile, imported from the laboratory's file, moves a sampled unit to ``profiled``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.audit import withheld as audit_withheld
from homecoming.app.remains import custody
from homecoming.app.remains.models import EffectPhoto, Examination, PersonalEffect, RemainsUnit, Sample
from homecoming.app.remains.references import new_references
from homecoming.app.remains.services import advance, age_range_problems
from homecoming.errors import PermissionDenied, Problem, ValidationError

EXAM_FIELDS = (
    "examined_at",
    "place",
    "external",
    "sex",
    "age_min",
    "age_max",
    "stature_cm",
    "anthropology_notes",
    "dental",
    "fingerprints_taken",
    "marks",
    "clothing",
    "cause_of_death",
    "notes",
)
DETAIL_PERMISSION = "remains.view_examination_details"
_EXAM_SHOWN = frozenset(
    {"id", "unit_id", "examiner_id", "examined_at", "created"}
)  # in the trail as they are
PERMANENT_TEETH = frozenset(q * 10 + t for q in (1, 2, 3, 4) for t in range(1, 9))
DECIDUOUS_TEETH = frozenset(q * 10 + t for q in (5, 6, 7, 8) for t in range(1, 6))
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
MAX_PHOTO = 10 * 1024 * 1024


def tooth_problem(key: object) -> str:
    """Why ``key`` is not an FDI tooth number ('' when it is one: 11-48 permanent, 51-85 deciduous)."""
    text = str(key).strip()
    if not text.isdigit() or len(text) != 2:
        return "is not a two-digit FDI tooth number"
    number = int(text)
    if number in PERMANENT_TEETH or number in DECIDUOUS_TEETH:
        return ""
    return "is not a tooth in FDI notation (quadrant 1-4 with tooth 1-8, or deciduous 5-8 with tooth 1-5)"


def dental_problems(dental: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for key, finding in dental.items():
        why = tooth_problem(key)
        if why:
            problems.append(
                Problem(f"dental.{key}", why, key, "use 11-18, 21-28, 31-38, 41-48 or 51-55 ... 81-85")
            )
        elif not str(finding or "").strip():
            problems.append(
                Problem(
                    f"dental.{key}",
                    "has no finding",
                    finding,
                    "write the finding: present, missing post-mortem, filling, crown ...",
                )
            )
    return problems


def parse_dental(text: str) -> dict[str, str]:
    """``"11: crown; 36 missing ante-mortem"`` lines or semicolons → ``{"11": "crown", ...}``."""
    out: dict[str, str] = {}
    for part in text.replace(";", "\n").splitlines():
        part = part.strip()
        if not part:
            continue
        key, _, finding = part.replace(":", " ", 1).partition(" ")
        out[key.strip()] = finding.strip()
    return out


def _exam_problems(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in EXAM_FIELDS}
    problems = [
        Problem(k, "is not an examination field", v, "use one of: " + ", ".join(EXAM_FIELDS))
        for k, v in data.items()
        if k not in EXAM_FIELDS
    ]
    problems += dental_problems(clean.get("dental") or {})
    if clean.get("sex") not in (None, "", "male", "female", "undetermined"):
        problems.append(Problem("sex", "is not allowed", clean["sex"], "use male, female or undetermined"))
    problems += age_range_problems(clean.get("age_min"), clean.get("age_max"))
    stature = clean.get("stature_cm")
    if stature is not None and not 40 <= int(stature) <= 230:
        problems.append(
            Problem("stature_cm", "is outside 40-230 cm", stature, "give the stature in centimetres")
        )
    return {k: v for k, v in clean.items() if v is not None}, problems


@transaction.atomic
def record_examination(*, actor: Any, unit: RemainsUnit, data: Mapping[str, Any]) -> Examination:
    if not actor.has_perm("remains.add_examination"):
        raise PermissionDenied(
            "your role does not allow recording examinations (remains.add_examination)",
            field="permission",
            value="remains.add_examination",
        )
    clean, problems = _exam_problems(data)
    if problems:
        raise ValidationError.from_problems(problems, "the examination")
    exam = Examination.objects.create(unit=unit, examiner=actor, **clean)
    values = audit.snapshot(exam)
    audit.record(
        actor=actor,
        action="create",
        obj=exam,
        object_repr=f"examination of {unit.reference}",
        # the content stays out of the trail; its keyed digest lets `audit verify` find a changed row
        after={"unit": unit.reference, "sections": sorted(k for k, v in clean.items() if v)}
        | audit_withheld.withheld(values, tuple(k for k in values if k not in _EXAM_SHOWN)),
        reason="post-mortem examination (content withheld from the audit trail)",
    )
    advance(
        actor=actor,
        unit=unit,
        target="examined",
        when=("registered", "stored"),
        reason="post-mortem examination recorded",
    )
    return exam


def examination_details(*, actor: Any, exam: Examination) -> Examination:
    """The examination with its details, for roles allowed to see them; the view is audited."""
    if not actor.has_perm(DETAIL_PERMISSION):
        raise PermissionDenied(
            f"your role does not allow viewing examination details ({DETAIL_PERMISSION})",
            field="permission",
            value=DETAIL_PERMISSION,
            hint="forensic examiners, identification reviewers and auditors may",
        )
    audit.record_view(actor=actor, obj=exam, what="post-mortem examination")
    return exam


@transaction.atomic
def take_sample(
    *,
    actor: Any,
    unit: RemainsUnit,
    kind: str,
    description: str = "",
    examination: Examination | None = None,
    custody_data: Mapping[str, Any] | None = None,
) -> Sample:
    if kind not in ("bone", "tooth", "tissue", "other"):
        raise ValidationError.from_problems(
            [Problem("kind", "is not a sample kind", kind, "use bone, tooth, tissue or other")]
        )
    if kind == "tooth" and description and tooth_problem(description.split()[0]):
        raise ValidationError.from_problems(
            [
                Problem(
                    "description",
                    "should start with the FDI tooth number",
                    description,
                    "e.g. 36 (lower left first molar)",
                )
            ]
        )
    sample = Sample(
        unit=unit,
        kind=kind,
        description=description,
        examination=examination,
        taken_by=audit.user_or_none(actor),
    )
    sample.reference = new_references("SM")[0]
    sample.save(force_insert=True)
    custody.start_chain(actor=actor, obj=sample, data={"purpose": "sampling", **(custody_data or {})})
    audit.record(actor=actor, action="create", obj=sample, after=audit.snapshot(sample))
    advance(
        actor=actor,
        unit=unit,
        target="sampled",
        when=("examined",),
        reason=f"sample {sample.reference} taken",
    )
    return sample


@transaction.atomic
def add_effect(
    *,
    actor: Any,
    unit: RemainsUnit,
    kind: str,
    description: str,
    packet_number: str = "",
    custody_data: Mapping[str, Any] | None = None,
) -> PersonalEffect:
    problems = []
    if kind not in ("identity_disc_half", "identity_document", "document", "personal_item"):
        problems.append(
            Problem(
                "kind",
                "is not an effect kind",
                kind,
                "use identity_disc_half, identity_document, document or personal_item",
            )
        )
    if not description.strip():
        problems.append(
            Problem("description", "is required", description, "describe the item and any text on it")
        )
    if problems:
        raise ValidationError.from_problems(problems, "the personal effect")
    effect = PersonalEffect(
        unit=unit,
        kind=kind,
        description=description.strip(),
        packet_number=packet_number,
        recorded_by=audit.user_or_none(actor),
        found_at=timezone.now(),
    )
    effect.reference = new_references("PE")[0]
    effect.save(force_insert=True)
    seal = {"seal_after": packet_number} if packet_number else {}
    custody.start_chain(
        actor=actor, obj=effect, data={"purpose": "found with remains", **seal, **(custody_data or {})}
    )
    audit.record(actor=actor, action="create", obj=effect, after=audit.snapshot(effect))
    return effect


@transaction.atomic
def set_disposition(
    *, actor: Any, effect: PersonalEffect, disposition: str, reason: str = ""
) -> PersonalEffect:
    if disposition not in {c for c, _ in PersonalEffect._meta.get_field("disposition").choices}:
        raise ValidationError.from_problems([Problem("disposition", "is not a disposition", disposition)])
    before = audit.snapshot(effect)
    effect.disposition = disposition
    effect.version += 1
    audit.record(  # first: the table accepts an UPDATE only right after the row's audit record
        actor=actor,
        action="disposition",
        obj=effect,
        before=before,
        after=audit.snapshot(effect),
        reason=reason,
    )
    effect.save(update_fields=["disposition", "version"])
    return effect


@transaction.atomic
def add_effect_photo(*, actor: Any, effect: PersonalEffect, upload: UploadedFile) -> EffectPhoto:
    ctype = (upload.content_type or "").lower()
    if ctype not in PHOTO_TYPES or (upload.size or 0) > MAX_PHOTO:
        raise ValidationError.from_problems(
            [
                Problem(
                    "image",
                    "must be a JPEG, PNG or WebP of at most 10 MB",
                    upload.name,
                    "export the photo as JPEG",
                )
            ]
        )
    photo = EffectPhoto.objects.create(
        effect=effect,
        image=upload,
        content_type=ctype,
        uploaded_by=audit.user_or_none(actor),
    )
    audit.record(actor=actor, action="photo", obj=effect, after={"photo": photo.pk, "file": photo.image.name})
    return photo
