"""Remains services: batches, units (one by one or scanned), state moves, links, splitting a bag.

Each function runs in one transaction, checks the rules in ``homecoming.domain``, writes its history
rows, the custody events it implies and one audit record per change. Views, the API, the CLI and
imports call only these.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.lookup import by_id
from homecoming.app.remains import custody
from homecoming.app.remains.models import IntakeBatch, RemainsUnit, UnitLink, UnitTransition
from homecoming.app.remains.models_handover import HandoverItem
from homecoming.app.remains.references import check_reference, new_references
from homecoming.domain import remains_states
from homecoming.domain.coordinates import coordinate_problems
from homecoming.domain.custody import signature_hash
from homecoming.domain.partial_dates import MAX_AGE, AgeRange, PartialDate
from homecoming.domain.remains_states import check_transition
from homecoming.errors import ConflictError, NotFound, Problem, StateError, ValidationError
from homecoming.io.intake import ApparentSex, Completeness, Condition, UnitKind

BATCH_FIELDS = (
    "operation",
    "source",
    "transport",
    "vehicles",
    "containers_declared",
    "containers_counted",
    "receiving_facility",
    "received_at",
    "handed_over_by",
    "received_by",
    "notes",
)
UNIT_FIELDS = (
    "bag_number",
    "kind",
    "sender_reference",
    "condition",
    "completeness",
    "apparent_sex",
    "age_min",
    "age_max",
    "date_of_death",
    "date_of_recovery",
    "place",
    "recovery_latitude",
    "recovery_longitude",
    "region",
    "notes",
)
CONTAINERS = (UnitKind.container.value, UnitKind.commingled_container.value)


_user = audit.user_or_none


def batch_signature(batch: IntakeBatch) -> str:
    return signature_hash(
        {
            "batch": batch.reference,
            "operation": batch.operation_id,
            "received_at": batch.received_at,
            "facility": batch.receiving_facility,
            "declared": batch.containers_declared,
            "counted": batch.containers_counted,
            "handed_over_by": batch.handed_over_by,
            "received_by": batch.received_by,
        }
    )


def _batch_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems = [
        Problem(k, "is not a batch field", v, "use one of: " + ", ".join(BATCH_FIELDS))
        for k, v in data.items()
        if k not in BATCH_FIELDS
    ]
    for key, what in (
        ("receiving_facility", "the facility that receives the remains"),
        ("handed_over_by", "who hands over (name, organisation) — they sign the record"),
        ("received_by", "who receives — they sign the record"),
    ):
        if not str(data.get(key) or "").strip():
            problems.append(Problem(key, "is required", data.get(key), f"write {what}"))
    if data.get("source") == "operation" and not data.get("operation"):
        problems.append(
            Problem(
                "operation",
                "is required for remains handed over in an operation",
                None,
                "choose the operation, or set source to recovery",
            )
        )
    return problems


def check_batch_data(data: dict[str, Any]) -> None:
    """Refuse batch data with every problem named (``data`` gets its default ``source``)."""
    data.setdefault("source", "operation" if data.get("operation") else "recovery")
    problems = _batch_problems(data)
    if problems:
        raise ValidationError.from_problems(problems, "the intake batch")


@transaction.atomic
def create_batch(*, actor: Any, data: Mapping[str, Any]) -> IntakeBatch:
    data = dict(data)
    check_batch_data(data)
    batch = IntakeBatch(**data, created_by=_user(actor))
    batch.reference = new_references("IB", year=(batch.received_at or timezone.now()).year)[0]
    batch.signature_hash = batch_signature(batch)
    batch.save(force_insert=True)
    audit.record(actor=actor, action="create", obj=batch, after=audit.snapshot(batch))
    return batch


def get_batch(batch_id: int | str) -> IntakeBatch:
    batch = (
        IntakeBatch.objects.filter(reference=str(batch_id)).first()
        if not str(batch_id).isdigit()
        else IntakeBatch.objects.filter(pk=int(batch_id)).first()
    )
    if batch is None:
        raise NotFound(
            f"no intake batch {batch_id}",
            field="batch",
            value=batch_id,
            hint="give the batch id or its reference IB-YYYY-NNNNNN-CC",
        )
    return batch


def get_unit(key: int | str) -> RemainsUnit:
    """A unit by id or by reference (a mistyped reference is named as such, not just 'not found')."""
    if isinstance(key, int) or str(key).isdigit():
        unit = RemainsUnit.objects.filter(pk=int(key)).first()
    else:
        unit = RemainsUnit.objects.filter(reference=check_reference(str(key))).first()
    if unit is None:
        raise NotFound(f"no remains unit {key}", field="unit", value=key, hint="check the reference")
    return unit


def unit_problems(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Clean the fields of one unit; every problem named by field."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        if key not in UNIT_FIELDS:
            problems.append(
                Problem(key, "is not a remains field", value, "use one of: " + ", ".join(UNIT_FIELDS))
            )
        else:
            clean[key] = value.strip() if isinstance(value, str) else value
    if not clean.get("bag_number"):
        problems.append(
            Problem("bag_number", "is required", clean.get("bag_number"), "scan or type the bag label")
        )
    for key, enum in (
        ("kind", UnitKind),
        ("condition", Condition),
        ("completeness", Completeness),
        ("apparent_sex", ApparentSex),
    ):
        value = clean.get(key)
        if value in (None, "") and key != "kind":
            clean.pop(key, None)
        elif value not in {e.value for e in enum}:
            problems.append(
                Problem(
                    key, "is not an allowed value", value, "use one of " + ", ".join(e.value for e in enum)
                )
            )
    for key in ("date_of_death", "date_of_recovery"):
        if clean.get(key):
            try:
                clean[key] = str(PartialDate.parse(str(clean[key]), field=key))
            except ValidationError as exc:
                problems.extend(exc.problems)
    problems += age_range_problems(clean.get("age_min"), clean.get("age_max"))
    problems += recovery_coordinates(clean)
    return clean, problems


def recovery_coordinates(clean: dict[str, Any]) -> list[Problem]:
    """Check and normalise ``recovery_latitude`` / ``recovery_longitude`` of ``clean`` in place (decimal
    degrees, both or neither; blanks become None); the problems, each naming field, value and fix."""
    keys = ("recovery_latitude", "recovery_longitude")
    if not any(k in clean for k in keys):
        return []
    pair, problems = coordinate_problems(
        clean.get(keys[0]), clean.get(keys[1]), latitude_field=keys[0], longitude_field=keys[1]
    )
    if not problems:
        clean[keys[0]], clean[keys[1]] = pair if pair else (None, None)
    return problems


def age_range_problems(age_min: Any, age_max: Any) -> list[Problem]:
    """The problems of an age range ``age_min``-``age_max`` in years, of a unit or an examination.

    Each bound that is given is a whole number from 0 to 130 (else the database would refuse it, or keep
    an impossible age); when both are given, the range runs from the lower to the higher.
    """
    problems = [
        Problem(name, f"is not an age in years from 0 to {MAX_AGE}", value, "give the age in whole years")
        for name, value in (("age_min", age_min), ("age_max", age_max))
        if value is not None and _years(value) is None
    ]
    if problems or age_min is None or age_max is None:
        return problems
    try:
        AgeRange(int(age_min), int(age_max))
    except ValidationError:
        return [
            Problem(
                "age_max",
                "must not be below age_min (and at most 130)",
                age_max,
                "give the range as from ≤ to",
            )
        ]
    return []


def _years(value: Any) -> int | None:
    """``value`` as whole years from 0 to MAX_AGE, or None when it is not such a number."""
    text = str(value).strip()
    return int(text) if text.isdigit() and int(text) <= MAX_AGE else None


def _duplicate(batch: IntakeBatch, bag: str) -> Problem | None:
    existing = RemainsUnit.objects.filter(batch=batch, bag_number__iexact=bag).only("reference").first()
    if existing is None:
        return None
    return Problem(
        "bag_number",
        f"is already registered in {batch.reference} as {existing.reference}",
        bag,
        "scan the next bag; a label may be registered once per batch",
    )


def _initial_transition(unit: RemainsUnit, actor: Any, reason: str) -> UnitTransition:
    return UnitTransition(
        unit=unit, from_state="", to_state="received", at=unit.created, actor=_user(actor), reason=reason
    )


@transaction.atomic
def register_unit(
    *,
    actor: Any,
    batch: IntakeBatch,
    data: Mapping[str, Any],
    seal: str = "",
    parent: RemainsUnit | None = None,
    parent_link: str = "",
) -> RemainsUnit:
    """Register one unit in a batch (a scanned label or a form); duplicates are refused."""
    clean, problems = unit_problems(data)
    dup = _duplicate(batch, clean.get("bag_number", "")) if clean.get("bag_number") else None
    if dup:
        problems.insert(0, dup)
    if problems:
        raise ValidationError.from_problems(problems, "the remains unit")
    unit = RemainsUnit(batch=batch, **clean, parent=parent, parent_link=parent_link, created_by=_user(actor))
    unit.reference = new_references("RU")[0]
    unit.save(force_insert=True)
    _initial_transition(unit, actor, f"received in {batch.reference}").save(force_insert=True)
    if parent is None:
        custody.intake_event(actor=actor, batch=batch, unit=unit, seal=seal)
    audit.record(actor=actor, action="create", obj=unit, after=audit.snapshot(unit))
    return unit


def _lock(unit_id: int, expected_version: int | None) -> RemainsUnit:
    unit = by_id(RemainsUnit.objects.select_for_update(), unit_id, what="remains unit", field="unit")
    if expected_version is not None and unit.version != expected_version:
        raise ConflictError(
            f"{unit.reference} was changed by someone else (version {unit.version}, "
            f"you had {expected_version})",
            field="version",
            value=expected_version,
            hint="reload the page and apply your change again",
        )
    return unit


def unit_evidence(unit: RemainsUnit) -> frozenset[str]:
    """What the unit has of the evidence its states name: examination, sample, profile, handover (to the
    family)."""
    have = set()
    if unit.examinations.exists():
        have.add("examination")
    samples = unit.samples.all()
    if samples.exists():
        have.add("sample")
        # the reverse relation of genetics.Profile.sample (remains does not import genetics)
        if samples.filter(profiles__kind="post_mortem", profiles__excluded_reason="").exists():
            have.add("profile")
    if HandoverItem.objects.filter(unit=unit).exists():
        have.add("handover")
    return frozenset(have)


def open_moves(unit: RemainsUnit) -> list[str]:
    """The states a user may move the unit to by hand (what the state-change form offers)."""
    return [s.value for s in remains_states.open_moves(unit.state, unit_evidence(unit))]


def _move(
    *,
    actor: Any,
    unit: RemainsUnit,
    target: str,
    reason: str = "",
    grave: str = "",
    at: datetime | None = None,
    by_identification: bool = False,
) -> RemainsUnit:
    """Move the locked ``unit``: the rules, one insert-only row, one audit record."""
    check_transition(
        unit.state,
        target,
        reason=reason,
        grave=grave,
        evidence=unit_evidence(unit),
        by_identification=by_identification,
    )
    before = audit.snapshot(unit)
    UnitTransition.objects.create(
        unit=unit,
        from_state=unit.state,
        to_state=target,
        at=at or timezone.now(),
        actor=_user(actor),
        reason=reason,
        grave=grave,
    )
    unit.state = target
    if grave:
        unit.grave = grave
    unit.version += 1
    unit.save(update_fields=["state", "grave", "version"])
    audit.record(
        actor=actor, action="transition", obj=unit, before=before, after=audit.snapshot(unit), reason=reason
    )
    return unit


@transaction.atomic
def transition(
    *,
    actor: Any,
    unit_id: int,
    target: str,
    reason: str = "",
    grave: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> RemainsUnit:
    """Move a unit to another state by hand: one insert-only row and one audit record.

    Refused: the moves of the identification report (proposing, signing, rejecting an identification)
    and the states whose evidence the unit lacks (examined, sampled, profiled).
    """
    unit = _lock(unit_id, expected_version)
    return _move(actor=actor, unit=unit, target=target, reason=reason, grave=grave, at=at)


def advance(*, actor: Any, unit: RemainsUnit, target: str, when: tuple[str, ...], reason: str) -> None:
    """Move ``unit`` to ``target`` if it is in one of the states ``when`` (the evidence was just recorded,
    inside the caller's transaction); ``unit`` is brought up to date."""
    locked = _lock(unit.pk, None)
    if locked.state in when:
        _move(actor=actor, unit=locked, target=target, reason=reason)
    unit.state, unit.version = locked.state, locked.version


def _report_reference(report_reference: str) -> str:
    text = str(report_reference or "").strip()
    if not text:
        raise ValidationError.from_problems(
            [
                Problem(
                    "report_reference",
                    "is required",
                    report_reference,
                    "give the reference of the identification report",
                )
            ]
        )
    return text


@transaction.atomic
def mark_identification_proposed(*, actor: Any, unit: RemainsUnit, report_reference: str) -> RemainsUnit:
    """The identification report ``report_reference`` proposes who the unit is.

    A profiled unit passes through ``candidate`` first (two rows, each audited, both naming the report).
    """
    ref = _report_reference(report_reference)
    locked = _lock(unit.pk, None)
    if locked.state == "profiled":
        _move(actor=actor, unit=locked, target="candidate", reason=f"candidate match in report {ref}")
    return _move(
        actor=actor,
        unit=locked,
        target="identification_proposed",
        reason=f"identification proposed in report {ref}",
        by_identification=True,
    )


@transaction.atomic
def mark_identified(*, actor: Any, unit: RemainsUnit, report_reference: str) -> RemainsUnit:
    """The identification report ``report_reference`` was signed: the unit is identified."""
    ref = _report_reference(report_reference)
    locked = _lock(unit.pk, None)
    if locked.state != "identification_proposed":
        raise StateError(
            f"state: {locked.reference} is {locked.state}, not identification_proposed; "
            "only a proposed identification can be signed",
            field="state",
            value=locked.state,
            hint="propose the identification first (mark_identification_proposed)",
        )
    return _move(
        actor=actor,
        unit=locked,
        target="identified",
        reason=f"identified by signed report {ref}",
        by_identification=True,
    )


@transaction.atomic
def return_to_candidate(*, actor: Any, unit: RemainsUnit, reason: str) -> RemainsUnit:
    """The proposed identification was rejected or withdrawn: the unit is a candidate again.

    ``reason`` (required) names the report and why.
    """
    locked = _lock(unit.pk, None)
    return _move(actor=actor, unit=locked, target="candidate", reason=reason, by_identification=True)


def mark_profiled(*, actor: Any, unit_ids: Any, reason: str) -> int:
    """Move the sampled units among ``unit_ids`` (ids or a query of them) that now have a usable post-mortem
    profile to ``profiled``, in the caller's transaction: one row and one audit record each. Returns how
    many moved."""
    units = list(
        RemainsUnit.objects.select_for_update(of=("self",))
        .filter(
            pk__in=unit_ids,
            state="sampled",
            samples__profiles__kind="post_mortem",
            samples__profiles__excluded_reason="",
        )
        .order_by("pk")
        .only("pk", "reference", "state", "version")
    )
    units = list({u.pk: u for u in units}.values())
    if not units:
        return 0
    now, user = timezone.now(), _user(actor)
    UnitTransition.objects.bulk_create(
        [
            UnitTransition(
                unit=u, from_state="sampled", to_state="profiled", at=now, actor=user, reason=reason
            )
            for u in units
        ],
        batch_size=2000,
    )
    for i in range(0, len(units), 2000):
        RemainsUnit.objects.filter(pk__in=[u.pk for u in units[i : i + 2000]]).update(
            state="profiled", version=F("version") + 1
        )
    return audit.record_many(
        actor=actor,
        action="transition",
        objects=[
            (u, {"state": "profiled", "from_state": "sampled", "version": u.version + 1}) for u in units
        ],
        reason=reason,
        reprs=[u.reference for u in units],
    )


@transaction.atomic
def link_units(*, actor: Any, unit: RemainsUnit, other: RemainsUnit, kind: str, reason: str = "") -> UnitLink:
    """Record that two units are the same individual (across bags and batches) or were commingled."""
    if unit.pk == other.pk:
        raise ValidationError.from_problems(
            [Problem("other", "is the unit itself", other.reference, "choose a different unit")]
        )
    if kind not in ("same_individual", "commingled_with"):
        raise ValidationError.from_problems(
            [Problem("kind", "is not a link kind", kind, "use same_individual or commingled_with")]
        )
    a, b = sorted((unit, other), key=lambda u: u.pk)
    if UnitLink.objects.filter(unit=a, other=b, kind=kind, retracts__isnull=True).exists():
        raise StateError(
            f"{a.reference} and {b.reference} are already linked ({kind})",
            field="other",
            value=other.reference,
            hint="nothing to do",
        )
    link = UnitLink.objects.create(unit=a, other=b, kind=kind, reason=reason, actor=_user(actor))
    audit.record(
        actor=actor,
        action="link",
        obj=unit,
        after={"kind": kind, "unit": a.reference, "other": b.reference},
        reason=reason,
    )
    return link


def linked_units(unit: RemainsUnit) -> list[tuple[str, RemainsUnit]]:
    """(kind, other unit) for every link of ``unit``."""
    out = [(link.kind, link.other) for link in unit.links_from.select_related("other")]
    out += [(link.kind, link.unit) for link in unit.links_to.select_related("unit")]
    return out


@transaction.atomic
def split_container(
    *, actor: Any, container_id: int, children: list[Mapping[str, Any]], reason: str = ""
) -> list[RemainsUnit]:
    """Open a (commingled) bag: create one child unit per body or body part, each linked to the bag.

    Each child gets a bag number ``<bag>/<n>`` unless given, the link ``part_of`` (body parts) or
    ``from_container`` (bodies), and a custody event at the bag's current place and holder.
    """
    bag = _lock(container_id, None)
    if bag.kind not in CONTAINERS:
        raise StateError(
            f"{bag.reference} is a {bag.kind}, not a container; only bags can be split",
            field="container",
            value=bag.reference,
            hint="choose a container or commingled bag",
        )
    if not children:
        raise ValidationError.from_problems(
            [
                Problem(
                    "children",
                    "at least one unit is needed",
                    0,
                    "say how many bodies and body parts the bag holds",
                )
            ]
        )
    start = bag.children.count() + 1
    created: list[RemainsUnit] = []
    problems: list[Problem] = []
    for i, child in enumerate(children):
        data = {"bag_number": f"{bag.bag_number}/{start + i}", **child}
        if data.get("kind") not in ("body", "body_part"):
            problems.append(
                Problem(
                    f"children[{i}].kind",
                    "must be body or body_part",
                    data.get("kind"),
                    "a bag is split into bodies and body parts",
                )
            )
            continue
        link = "part_of" if data["kind"] == "body_part" else "from_container"
        try:
            unit = register_unit(actor=actor, batch=bag.batch, data=data, parent=bag, parent_link=link)
        except ValidationError as exc:
            problems += [
                Problem(f"children[{i}].{p.field}", p.message, p.value, p.hint) for p in exc.problems
            ]
            continue
        custody.split_event(actor=actor, bag=bag, unit=unit)
        created.append(unit)
    if problems:
        raise ValidationError.from_problems(problems, "the split")
    audit.record(
        actor=actor,
        action="split",
        obj=bag,
        after={"children": [u.reference for u in created]},
        reason=reason,
    )
    return created
