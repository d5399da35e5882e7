"""Training the registry's linkage model on the registry's own persons, on a person's word: who may
(:data:`PERMISSION`), progress for the command line, and a named error when the registry gives the model
nothing to learn from. The model is put in force by ``linkage.save_model`` (audited)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homecoming.app.registry import linkage
from homecoming.app.registry.models import LinkageModel, Person
from homecoming.errors import InputError, PermissionDenied

#: the permission to train the registry's model and put it in force (registrars; admins)
PERMISSION = "registry.train_linkage_model"


def train_on_registry(
    *,
    actor: Any,
    sample: int = 200_000,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> LinkageModel:
    """Train a model on the registry's persons (at most ``sample`` of them, the newest; each name form a
    record), without labels, and put it in force (audited).

    ``actor`` None is the operator at the command line; a user must hold :data:`PERMISSION`. A registry
    with nothing to learn from (fewer than two records, or no two records sharing a name key or a
    service number) is refused with an :class:`InputError` and changes nothing.
    """
    from splink.internals.exceptions import EMTrainingException

    from homecoming.linkage.engine import train

    if actor is not None and not actor.has_perm(PERMISSION):
        raise PermissionDenied(
            "only a registrar or an administrator may train the registry's linkage model",
            field="actor",
            value=getattr(actor, "username", None),
            hint="ask a registrar or an administrator",
        )
    if sample < 1:
        raise InputError("sample: must be at least 1", field="sample", value=sample, hint="e.g. 200000")
    say = progress or (lambda _: None)
    say("reading the registry")
    ids = list(
        Person.objects.filter(purged=False, merged_into__isnull=True)
        .order_by("-pk")
        .values_list("pk", flat=True)[:sample]
    )
    records, _, _ = linkage.person_records(ids)
    if len(records) < 2:
        raise InputError(
            "the registry has no persons to train on" if not records else "one record is nothing to train on",
            field="registry",
            value=len(records),
            hint="register or import persons first; until then the model in force stays",
        )
    trained_on = f"registry: {len(ids)} persons"
    try:
        model = train(records, seed=seed, provenance={"trained_on": trained_on}, progress=say)
    except EMTrainingException as exc:  # Splink's EM found no pairs to learn from
        raise InputError(
            f"the registry's {len(ids)} persons give the model nothing to learn from (no two records share "
            "a name key or a service number)",
            field="registry",
            value=len(ids),
            hint="train it when the registry has grown; until then the model in force stays",
        ) from exc
    say("saving")
    return linkage.save_model(actor=actor, model=model, trained_on=trained_on)


__all__ = ["PERMISSION", "train_on_registry"]
