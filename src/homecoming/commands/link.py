"""``homecoming link``: link person lists to each other (no registry): which rows are the same person."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from homecoming.commands import support
from homecoming.errors import InputError


def _records(files: list[Path]) -> tuple[list[Any], list[Any]]:
    from homecoming.io.link_lists import check_record_ids, read_link_list
    from homecoming.linkage.model import LinkRecord

    lists = [read_link_list(support.existing(f)) for f in files]
    check_record_ids(lists)
    records = [
        LinkRecord(
            record_id=row.record_id,
            source=row.source,
            family_name=row.person.family_name,
            given_name=row.person.given_name,
            patronymic=row.person.patronymic,
            sex=row.person.sex,
            birth_date=str(row.person.birth_date) if row.person.birth_date else None,
            place_of_birth=row.person.place_of_birth,
            service_number=row.person.service_number,
            unit=row.person.unit,
        )
        for link_list in lists
        for row in link_list.rows
    ]
    return lists, records


def _load_model(path: Path) -> dict[str, Any]:
    from homecoming.linkage.engine import check_model

    if str(path) == "shipped":  # the model shipped with Homecoming (trained on the synthetic dev set)
        from importlib import resources

        text = (
            resources.files("homecoming.linkage").joinpath("default_model.json").read_text(encoding="utf-8")
        )
        shipped: dict[str, Any] = json.loads(text)
        return shipped

    support.existing(path)
    try:
        model = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"--model: cannot read {path.name} as JSON ({exc})",
            field="--model",
            value=str(path),
            hint="give a file saved by 'homecoming link --save-model'",
        ) from None
    if not isinstance(model, dict):
        model = {}
    check_model(model)
    return model


def _write_atomically(path: Path, write: Any) -> None:
    """Write through a temporary file in the same folder, renamed into place only when complete."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed or removed
            "w", encoding="utf-8", newline="", dir=folder, prefix=f".{path.name}.", delete=False
        )
    except OSError as exc:
        raise InputError(
            f"--out: cannot write in {folder} ({exc.strerror})",
            field="--out",
            value=str(path),
            hint="check that the folder exists and is writable",
        ) from None
    try:
        with handle:
            write(handle)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)  # as an ordinary new file, not the temporary file's 0600
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _write_clusters(path: Path, clusters: list[tuple[str, str]]) -> None:
    from homecoming.io.tables import SafeCsvWriter

    def write(handle: Any) -> None:
        writer = SafeCsvWriter(handle)
        writer.writerow(["record_id", "cluster_id"])
        writer.writerows(clusters)

    _write_atomically(path, write)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def link_command(
    files: list[Path] = typer.Argument(
        ..., help="person lists (CSV or XLSX): docs/formats/persons.md + record_id"
    ),
    out: Path = typer.Option(..., "--out", help="where to write record_id,cluster_id (CSV)"),
    threshold: float = typer.Option(
        0.5, "--threshold", help="match probability from which two records are one person"
    ),
    model_file: Path = typer.Option(
        None,
        "--model",
        help="a saved model to use instead of training one, or 'shipped' (the model shipped with "
        "Homecoming, for lists too small to learn from)",
    ),
    save_model: Path = typer.Option(None, "--save-model", help="save the model (JSON, with provenance)"),
    seed: int = typer.Option(1, "--seed", help="seed of the training's random sampling"),
    backend: str = typer.Option(
        "duckdb",
        "--backend",
        help="where Splink runs: duckdb (one machine) or spark (a local Spark session; needs Java 17+); "
        "the same model and results",
    ),
    json_output: bool = typer.Option(False, "--json", help="print the summary as JSON"),
) -> None:
    """Link person lists: records of one person share a cluster id (one output row per input record).

    Trains a Splink model on the lists themselves (no labels needed) unless --model is given. Bad input
    (unknown columns, empty names, impossible dates, no rows, repeated record ids) is refused, naming
    file, row, column and value, and nothing is written.
    """
    from homecoming.linkage.engine import BACKENDS, STAGES, link

    if backend not in BACKENDS:
        support.fail(
            InputError(
                f"--backend: unknown backend {backend!r}",
                field="--backend",
                value=backend,
                hint=f"one of {', '.join(BACKENDS)}",
            )
        )
    if not 0.0 < threshold < 1.0:
        support.fail(
            InputError(
                "--threshold: must be a probability between 0 and 1",
                field="--threshold",
                value=threshold,
                hint="e.g. 0.9",
            )
        )
    for target, option in ((out, "--out"), (save_model, "--save-model")):
        if target is not None and not (target.parent if str(target.parent) else Path(".")).is_dir():
            support.fail(
                InputError(
                    f"{option}: the folder {target.parent} does not exist",
                    field=option,
                    value=str(target),
                    hint="create the folder or write elsewhere",
                )
            )
    model = support.run(lambda: _load_model(model_file)) if model_file else None
    lists, records = support.run(lambda: _records(files))
    provenance = {"inputs": {f.name: {"sha256": _digest(f)} for f in files}}
    with support.progress(transient=True, disable=json_output) as bar:
        task = bar.add_task("linking", total=len(STAGES))

        def step(stage: str) -> None:
            bar.update(task, description=stage, completed=STAGES.index(stage))

        result = support.run(
            lambda: link(
                records,
                threshold=threshold,
                model=model,
                seed=seed,
                provenance=provenance,
                progress=step,
                backend=backend,
            )
        )
        bar.update(task, completed=len(STAGES))
    support.run(lambda: _write_clusters(out, result.clusters))
    if save_model:
        text = json.dumps(result.model, indent=1, ensure_ascii=False)
        support.run(lambda: _write_atomically(save_model, lambda h: h.write(text + "\n")))
    lookalikes = sum(x.lookalikes for x in lists)
    summary = {
        "records": len(records),
        "lists": {x.name: len(x.rows) for x in lists},
        "clusters": result.cluster_count,
        "pairs": result.pairs,
        "threshold": threshold,
        "backend": backend,
        "out": str(out),
        "lookalike_words": lookalikes,
        "model": result.model["provenance"],
    }
    if json_output:
        typer.echo(json.dumps(summary, indent=1, ensure_ascii=False))
        return
    support.out.print(
        f"linked {len(records)} records of {len(lists)} lists into {result.cluster_count} persons "
        f"({result.pairs} pairs at match probability >= {threshold}); wrote {escape(str(out))}"
    )
    if lookalikes:
        support.err.print(
            f"note: {lookalikes} words had lookalike letters of the other alphabet; read in their own",
            highlight=False,
        )
