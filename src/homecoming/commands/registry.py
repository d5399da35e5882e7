"""``homecoming registry train-model``: train the registry's linkage model on its own persons."""

from __future__ import annotations

import typer
from rich.markup import escape

from homecoming.commands import support

#: the training's stages, as ``linkage.engine.train`` and ``train_on_registry`` report them
STAGES = ("reading the registry", "features", "training: u", "training: EM", "checking", "saving")


def train_model_command(
    sample: int = typer.Option(
        200_000, "--sample", min=1, help="train on at most this many persons, the most recently registered"
    ),
    seed: int = typer.Option(
        1, "--seed", help="seed of the training's random sampling (same seed, same model)"
    ),
    actor: str = typer.Option(
        None, "--as", help="the user training it (for the audit trail; needs registry.train_linkage_model)"
    ),
) -> None:
    """Train the registry's linkage model on its own persons, without labels, and put it in force.

    Every name form of a person is a record. The new model scores every import from
    now on; the models before it stay on record (the registry's linkage-model page lists them). Audited.
    A registry with nothing to learn from (no two records sharing a name or a number) is refused and the
    model in force stays; so is a model failing the check (a weight unlearnt or beyond ±60 bits, or a
    synthetic check pair scored wrong: an exact copy, the same person in Latin letters, brothers).
    """
    support.setup_django()
    from homecoming.app.registry.training import train_on_registry

    user = support.run(lambda: support.user(actor))
    with support.progress() as bar:
        task = bar.add_task("training", total=len(STAGES))

        def step(stage: str) -> None:
            done = STAGES.index(stage) if stage in STAGES else 0
            bar.update(task, description=stage, completed=done)

        row = support.run(lambda: train_on_registry(actor=user, sample=sample, seed=seed, progress=step))
        bar.update(task, completed=len(STAGES))
    prov = row.model.get("provenance", {})
    support.out.print(
        f"linkage model {row.pk} in force: trained on {escape(row.trained_on)} ({row.records} records), "
        f"seed {prov.get('seed')}, Splink {escape(str(prov.get('splink_version', '')))}, "
        f"records sha256 {prov.get('records_sha256', '')}"
    )


def use_model_command(
    model: str = typer.Argument(
        ..., help="the earlier model's number (the model page lists them), or 'shipped'"
    ),
    actor: str = typer.Option(
        None, "--as", help="the user doing it (for the audit trail; needs registry.train_linkage_model)"
    ),
) -> None:
    """Put an earlier linkage model, or the one shipped with Homecoming, in force again.

    A new model row copies the chosen one (the rows before stay, unchanged); audited. A model failing the
    check of train-model is refused and the model in force stays.
    """
    support.setup_django()
    from homecoming.app.registry.training import use_model
    from homecoming.errors import InputError

    user = support.run(lambda: support.user(actor))

    def chosen() -> int | None:
        if model == "shipped":
            return None
        if not model.isdigit():
            raise InputError(
                "model: give a model's number or 'shipped'", field="model", value=model, hint="shipped"
            )
        return int(model)

    row = support.run(lambda: use_model(actor=user, model_id=chosen()))
    support.out.print(f"linkage model {row.pk} in force: {escape(row.trained_on)} ({row.records} records)")
