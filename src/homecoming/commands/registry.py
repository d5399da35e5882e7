"""``homecoming registry train-model``: train the registry's linkage model on its own persons."""

from __future__ import annotations

import typer
from rich.markup import escape

from homecoming.commands import support

#: the training's stages, as ``linkage.engine.train`` and ``train_on_registry`` report them
STAGES = ("reading the registry", "features", "training: u", "training: EM", "saving")


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
    model in force stays.
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
