"""Training the registry's linkage model on the registry's own persons, on a person's word: who may
(:data:`PERMISSION`), progress for the command line, and a named error when the registry gives the model
nothing to learn from. A trained model is checked (:func:`check_trained`) before ``linkage.save_model``
puts it in force (audited); an earlier model, or the shipped one, is put back by :func:`use_model`."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homecoming.app.registry import linkage
from homecoming.app.registry.linkage_labels import comparison_label, level_label
from homecoming.app.registry.models import LinkageModel, Person
from homecoming.errors import InputError, NotFound, PermissionDenied
from homecoming.linkage.model import LinkRecord

#: the permission to train the registry's model and put it in force (registrars; admins)
PERMISSION = "registry.train_linkage_model"
#: no comparison level may weigh more than this many bits, for or against: beyond it one field alone
#: outweighs every other (a level EM saw (almost) never among its matches)
MAX_BITS = 60.0
#: at most this many of a refused model's problems are named
SHOWN = 8
#: what the hint of a refused model says to do
REFUSED_HINT = (
    "train it again on more persons (the command line: homecoming registry train-model --sample N), "
    "or keep the model in force"
)


@dataclass(frozen=True)
class CheckPair:
    """Two synthetic records the model must score right: at least ``at_least`` or below ``below``."""

    name: str
    left: LinkRecord
    right: LinkRecord
    at_least: float | None = None
    below: float | None = None


def _record(rid: str, family: str, given: str, patronymic: str, birth: str, **more: str) -> LinkRecord:
    fields = {"sex": "male", "place_of_birth": "Полтава", "service_number": "4519083321", "unit": "в/ч А4009"}
    fields.update(more)
    return LinkRecord(
        record_id=rid,
        source="check",
        family_name=family,
        given_name=given,
        patronymic=patronymic,
        birth_date=birth,
        **{k: v or None for k, v in fields.items()},
    )


#: the synthetic pairs every model put in force must score right (the import preview's plainest cases)
CHECK_PAIRS = (
    CheckPair(
        "an exact copy of a registered person",
        _record("a1", "Коваленко", "Олександр", "Іванович", "1985-03-14"),
        _record("b1", "Коваленко", "Олександр", "Іванович", "1985-03-14"),
        at_least=linkage.MATCH,
    ),
    CheckPair(
        "the same person in Cyrillic and in Latin letters, the same birth date",
        _record("a2", "Мельник", "Тарас", "Петрович", "1979-11-02", service_number="", unit=""),
        _record(
            "b2", "Melnyk", "Taras", "Petrovych", "1979-11-02", service_number="", unit="", place_of_birth=""
        ),
        at_least=linkage.MATCH,
    ),
    CheckPair(
        "brothers: the same surname, father and birthplace, different given names, born a fortnight apart",
        _record("a3", "Бондаренко", "Андрій", "Миколайович", "1990-05-21", service_number="", unit=""),
        _record("b3", "Бондаренко", "Петро", "Миколайович", "1990-05-03", service_number="", unit=""),
        below=linkage.UNCERTAIN,
    ),
)


def _level_name(comparison: str, level: str) -> str:
    return f"{comparison_label(comparison)} '{level_label(level)}'"


def check_trained(model: Mapping[str, Any]) -> list[str]:
    """What is wrong with a trained ``model`` (nothing: an empty list): a level without m or u, a
    comparison whose strongest agreement does not weigh for the match, a level beyond ±:data:`MAX_BITS`
    bits, a check pair (:data:`CHECK_PAIRS`) scored wrong."""
    from homecoming.linkage.engine import check_model
    from homecoming.linkage.matching import match

    settings = check_model(model)
    problems: list[str] = []
    for comparison in settings.get("comparisons", []):
        name = str(comparison.get("output_column_name", "?"))
        first = True
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            label = _level_name(name, str(level.get("label_for_charts", "?")))
            m, u = level.get("m_probability"), level.get("u_probability")
            if not m or not u:
                missing = " and ".join(x for x, v in (("m", m), ("u", u)) if not v)
                problems.append(f"{label} has no {missing} (never learnt)")
                first = False
                continue
            weight = math.log2(float(m) / float(u))
            # a value nearly everyone shares (sex in a list of soldiers) says nothing when it agrees
            if first and weight <= 0 and not (float(u) >= 0.9 and weight > -1.0):
                problems.append(
                    f"{label}, the strongest agreement, weighs {_bits(weight)} bits (not for the match)"
                )
            elif abs(weight) > MAX_BITS:
                problems.append(f"{label} weighs {_bits(weight)} bits (beyond ±{MAX_BITS:.0f})")
            first = False
    if problems:  # the check pairs would only repeat them
        return problems
    scored = match(
        [p.left for p in CHECK_PAIRS], [p.right for p in CHECK_PAIRS], model=dict(model), threshold=1e-9
    )
    probabilities = {(s.new, s.known): s.probability for s in scored}
    for i, pair in enumerate(CHECK_PAIRS):
        p = probabilities.get((i, i), 0.0)
        if pair.at_least is not None and p < pair.at_least:
            problems.append(f"{pair.name}: match probability {p:.3f}, must be at least {pair.at_least}")
        if pair.below is not None and p >= pair.below:
            problems.append(f"{pair.name}: match probability {p:.3f}, must be below {pair.below}")
    return problems


def _bits(weight: float) -> str:
    return ("+" if weight >= 0 else "−") + f"{abs(weight):.1f}"


def refuse_broken(model: Mapping[str, Any], what: str) -> None:
    """An :class:`InputError` naming what is wrong with ``model`` (``what``: "the trained model"), if
    anything is."""
    problems = check_trained(model)
    if problems:
        raise InputError(
            f"{what} is not put in force: "
            + "; ".join(problems[:SHOWN])
            + (f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""),
            field="model",
            value=len(problems),
            hint=REFUSED_HINT,
        )


def train_on_registry(
    *,
    actor: Any,
    sample: int = 200_000,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> LinkageModel:
    """Adapt the model in force to the registry (at most ``sample`` persons, the newest) and put the
    result in force (audited), once it passes :func:`check_trained`.

    The registry's persons are (nearly) all different people, so EM on them learns nothing true about how
    one person's records agree (each person's Cyrillic and Latin forms are the only pairs it sees). What
    they show well is chance agreement: how common their surnames, given names, dates and units are. So
    the u probabilities are learnt anew from the registry, one name form per person
    (:func:`homecoming.linkage.engine.retrain_u`), and the m probabilities and the prior are kept from the
    model in force (trained on lists that hold one person more than once; the shipped one at first).

    ``actor`` None is the operator at the command line; a user must hold :data:`PERMISSION`. A registry
    with fewer than two persons is refused with an :class:`InputError` and changes nothing.
    """
    from homecoming.linkage.engine import retrain_u

    _may(actor)
    if sample < 1:
        raise InputError("sample: must be at least 1", field="sample", value=sample, hint="e.g. 200000")
    say = progress or (lambda _: None)
    say("reading the registry")
    ids = list(
        Person.objects.filter(purged=False, merged_into__isnull=True)
        .order_by("-pk")
        .values_list("pk", flat=True)[:sample]
    )
    records, owners, _ = linkage.person_records(ids)
    seen: set[int] = set()
    first_forms = []
    for record, owner in zip(records, owners, strict=True):
        if owner not in seen:
            seen.add(owner)
            first_forms.append(record)
    if len(first_forms) < 2:
        raise InputError(
            "the registry has no persons to train on"
            if not first_forms
            else "one person is nothing to train on",
            field="registry",
            value=len(first_forms),
            hint="register or import persons first; until then the model in force stays",
        )
    trained_on = f"registry: {len(first_forms)} persons"
    in_force, _row = linkage.current()
    model = retrain_u(first_forms, in_force, seed=seed, provenance={"trained_on": trained_on}, progress=say)
    say("checking")
    refuse_broken(model, f"the model trained on the registry's {len(first_forms)} persons")
    say("saving")
    return linkage.save_model(actor=actor, model=model, trained_on=trained_on, persons=len(first_forms))


def _may(actor: Any) -> None:
    if actor is not None and not actor.has_perm(PERMISSION):
        raise PermissionDenied(
            "only a registrar or an administrator may put a linkage model in force",
            field="actor",
            value=getattr(actor, "username", None),
            hint="ask a registrar or an administrator",
        )


def use_model(*, actor: Any, model_id: int | None) -> LinkageModel:
    """Put an earlier model (``model_id``; None: the model shipped with Homecoming) in force again: a new
    row copying it (the rows are never changed), audited. A model failing :func:`check_trained` is
    refused."""
    _may(actor)
    if model_id is None:
        model, trained_on, persons = linkage.shipped_model(), "the shipped model", None
    else:
        earlier = LinkageModel.objects.filter(pk=model_id).first()
        if earlier is None:
            raise NotFound(
                f"model: no linkage model {model_id}",
                field="model",
                value=model_id,
                hint="the model page lists the earlier models and their numbers",
            )
        model, trained_on, persons = dict(earlier.model), f"restored model {earlier.pk}", earlier.records
    refuse_broken(model, "the shipped model" if model_id is None else f"model {model_id}")
    return linkage.save_model(actor=actor, model=model, trained_on=trained_on, persons=persons)


__all__ = ["CHECK_PAIRS", "MAX_BITS", "PERMISSION", "check_trained", "train_on_registry", "use_model"]
