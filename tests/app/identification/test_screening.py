"""Screening a batch against every family in scope (issue 12): the job's results, as stored."""

from __future__ import annotations

from typing import Any

import pytest

from homecoming.app.genetics.family_power import frequency_table
from homecoming.app.genetics.family_records import record_consent
from homecoming.app.identification import screening, screening_pipeline
from homecoming.app.identification.models_screening import (
    BodyConclusion,
    FamilyTableRow,
    RunStatus,
    ScreeningCandidate,
)
from homecoming.app.identification.report_evidence import mutation
from homecoming.app.identification.screening_data import (
    MarkerNames,
    batch_bodies,
    load_targets,
    scope_targets,
)
from homecoming.app.identification.synthetic import build_world
from homecoming.errors import StateError, ValidationError
from homecoming.kinship.lr import missing_person_lr
from homecoming.kinship.model.markers import reconcile_loci

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(make_user: Any) -> Any:
    return make_user("dna_analyst")


@pytest.fixture
def world() -> Any:
    return build_world(n_families=25, n_bodies=8, seed=3)


def _run(analyst: Any, world: Any, **kw: Any) -> Any:
    run = screening.start_run(actor=analyst, batch=world.batch, **kw)
    screening_pipeline.execute(run.pk)
    run.refresh_from_db()
    return run


def test_every_body_gets_candidates_and_a_conclusion_and_true_pairs_are_found(
    analyst: Any, world: Any
) -> None:
    run = _run(analyst, world, top=5)
    assert run.status == RunStatus.done, run.error
    assert run.summary["bodies"] == 8 and run.summary["missing_persons"] == 25
    assert run.summary["tables_built"] == 25 and run.summary["tables_cached"] == 0
    concl = {
        c.profile.reference: c
        for c in BodyConclusion.objects.filter(run=run).select_related("profile", "family")
    }
    assert len(concl) == 8
    for body, family in world.truth.items():
        assert concl[body].conclusion in ("identified", "probable"), (body, concl[body].rule)
        assert concl[body].family.reference == family
    for body in set(concl) - set(world.truth):
        assert concl[body].conclusion in ("no_match", "inconclusive", "excluded")
    cands = ScreeningCandidate.objects.filter(run=run)
    for body, family in world.truth.items():  # without mutation models impossible families are never kept
        mine = list(cands.filter(profile__reference=body).order_by("rank"))
        assert 1 <= len(mine) <= 5 and [c.rank for c in mine] == list(range(1, len(mine) + 1))
        assert mine[0].family.reference == family and mine[0].exclusions == 0 and mine[0].lr > 1e4
        assert [c.lr for c in mine] == sorted((c.lr for c in mine), reverse=True)
    assert run.provenance["parameters"]["top"] == 5 and run.provenance["frequency_table"].startswith(
        "forrel_NorwegianFrequencies"
    )
    assert len(run.provenance["inputs"]["tables"]) == 64


def test_stored_lrs_equal_missing_person_lr(analyst: Any, world: Any) -> None:
    run = _run(analyst, world, top=3)
    names = MarkerNames(frequency_table())
    bodies = {b.profile: b for b in batch_bodies(world.batch, names)}
    targets = {(t.family, t.missing_code): t for t in scope_targets("domestic", names)}
    load_targets(list(targets.values()), names)
    everyone = [b.kin for b in bodies.values()] + [p for t in targets.values() for p in t.kin.profiles]
    loci, _ = reconcile_loci(
        frequency_table().loci(sorted({m for p in everyone for m in p.genotypes}), mutation=mutation()),
        everyone,
    )
    checked = 0
    for c in ScreeningCandidate.objects.filter(run=run).select_related("profile", "family", "missing"):
        t = targets[(c.family.reference, c.missing.code)]
        body = bodies[c.profile.reference].kin
        want = missing_person_lr(t.kin.pedigree, t.kin.missing, body, family=list(t.kin.profiles), loci=loci)
        assert c.lr == pytest.approx(want.lr, rel=1e-10, abs=0)
        checked += 1
    assert checked >= len(world.truth)  # each planted body has at least its own family


def test_a_second_run_reads_the_family_tables_from_the_cache(analyst: Any, world: Any) -> None:
    _run(analyst, world)
    assert FamilyTableRow.objects.count() == 25
    again = _run(analyst, world)
    assert again.summary["tables_cached"] == 25 and again.summary["tables_built"] == 0
    first = list(
        ScreeningCandidate.objects.filter(run__reference__lt=again.reference).values_list("lr", flat=True)
    )
    assert sorted(first) == sorted(ScreeningCandidate.objects.filter(run=again).values_list("lr", flat=True))


@pytest.fixture
def packs_dir(settings: Any, tmp_path: Any) -> Any:
    settings.IDENTIFICATION_TABLE_PACKS = str(tmp_path / "packs")
    return tmp_path / "packs"


def _lrs(run: Any) -> list[tuple[str, str, float]]:
    rows = ScreeningCandidate.objects.filter(run=run)
    return sorted(rows.values_list("profile__reference", "family__reference", "lr"))


def test_a_screen_of_the_same_families_reads_their_pack_and_not_the_database(
    analyst: Any, world: Any, packs_dir: Any, monkeypatch: Any
) -> None:
    first = _run(analyst, world)
    (keys,) = list(packs_dir.glob("*/*/*.keys"))
    for suffix in (".f32", ".f64", ".ok"):
        assert keys.with_suffix(suffix).stat().st_size > 0
    blobs: list[int] = []
    real = FamilyTableRow.objects.filter

    def counting(*a: Any, **kw: Any) -> Any:
        blobs.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(FamilyTableRow.objects, "filter", counting)
    again = _run(analyst, world)
    monkeypatch.undo()
    assert blobs == [] and again.summary["tables_cached"] == 25
    assert _lrs(again) == [(b, f, lr) for b, f, lr in _lrs(first)]  # bit for bit


def test_a_broken_pack_is_ignored_and_the_database_answers(analyst: Any, world: Any, packs_dir: Any) -> None:
    first = _run(analyst, world)
    (keys,) = list(packs_dir.glob("*/*/*.keys"))
    f64 = keys.with_suffix(".f64")
    f64.write_bytes(f64.read_bytes()[:-8])  # a row cut short: the pack no longer fits
    again = _run(analyst, world)
    assert again.status == RunStatus.done and again.summary["tables_cached"] == 25
    assert _lrs(again) == _lrs(first)
    assert len(list(packs_dir.glob("*/*/*.keys"))) == 2  # a good pack written beside it (two kept)


def test_packs_off_and_another_database_never_share_a_pack(
    analyst: Any, world: Any, packs_dir: Any, settings: Any
) -> None:
    settings.IDENTIFICATION_TABLE_PACKS = ""
    off = _run(analyst, world)
    assert not packs_dir.exists() and off.summary["tables_cached"] == 0
    settings.IDENTIFICATION_TABLE_PACKS = str(packs_dir)
    on = _run(analyst, world)
    assert _lrs(on) == _lrs(off)
    (folder,) = list(packs_dir.iterdir())  # named after this database and its first cached row
    from homecoming.app.identification import table_packs

    assert table_packs.directory("x" * 64) is not None
    assert table_packs.directory("x" * 64).parent == folder  # type: ignore[union-attr]


def test_tables_built_in_worker_processes_equal_those_built_here(
    world: Any, settings: Any, monkeypatch: Any
) -> None:
    from homecoming.app.identification import screening_tables
    from homecoming.kinship.screen import table_block

    settings.IDENTIFICATION_TABLE_WORKERS = 2
    monkeypatch.setattr(screening_tables, "TABLE_CHUNK", 4)  # 25 families: 7 blocks in 2 processes
    names = MarkerNames(frequency_table())
    bodies = batch_bodies(world.batch, names)
    markers = sorted({m for b in bodies for m in b.kin.genotypes})
    loci, _ = reconcile_loci(frequency_table().loci(markers, mutation=mutation()), [b.kin for b in bodies])
    targets = scope_targets("domestic", names)
    seen: list[int] = []
    tables, stats = screening_tables.cached_tables(
        targets,
        loci=loci,
        theta=0.0,
        frequency_table="t",
        load=lambda some: load_targets(some, names, markers),
        progress=lambda k, n: seen.append(k),
    )
    assert stats.built == 25 and seen[-1] == 25 and FamilyTableRow.objects.count() == 25
    here = table_block([t.kin for t in targets], loci=loci, offsets=tables.offsets, theta=0.0)
    assert (tables.log_lr64 == here.rows).all() and (tables.consistent == here.consistent).all()


def test_a_withdrawn_family_is_not_in_the_results(analyst: Any, world: Any) -> None:
    import datetime as dt

    from homecoming.app.genetics.models import ReferenceFamily

    _body, family = next(iter(world.truth.items()))
    record_consent(
        actor=analyst,
        family=ReferenceFamily.objects.get(reference=family),
        scope="domestic",
        action="withdrawn",
        on=dt.date.today(),
    )
    run = _run(analyst, world)
    assert not ScreeningCandidate.objects.filter(run=run, family__reference=family).exists()
    assert run.summary["missing_persons"] == 24


def test_bad_parameters_are_named_and_nothing_is_queued(analyst: Any, world: Any) -> None:
    with pytest.raises(ValidationError) as got:
        screening.start_run(actor=analyst, batch=world.batch, top=0, threshold=0.5)
    assert "top" in str(got.value) and "threshold" in str(got.value)
    run = screening.start_run(actor=analyst, batch=world.batch)
    with pytest.raises(StateError, match="already being screened"):
        screening.start_run(actor=analyst, batch=world.batch)
    assert run.status == RunStatus.queued


def test_each_candidate_has_its_non_dna_evidence_and_posterior(analyst: Any, world: Any) -> None:
    from homecoming.app.remains.models import RemainsUnit

    body = next(iter(world.truth))
    RemainsUnit.objects.filter(reference=body.replace("PM-", "RU-")).update(apparent_sex="female")
    run = _run(analyst, world, top=2)
    top = (
        ScreeningCandidate.objects.filter(run=run, profile__reference=body, rank=1)
        .select_related("missing")
        .get()
    )
    factors = {f["name"]: f for f in top.evidence["factors"]}
    assert set(factors) == {"sex", "age", "place_date"}
    assert top.prior == pytest.approx(1 / 25)
    sex = factors["sex"]
    if top.missing.sex in ("male", "female"):  # the examination says female: 0.95/0.5 or 0.05/0.5
        assert sex["lr"] == pytest.approx(1.9 if top.missing.sex == "female" else 0.1)
    assert factors["age"]["lr"] is None and "Not assessed" in factors["age"]["explanation"]
    combined = top.lr * (sex["lr"] or 1)
    assert top.posterior == pytest.approx(combined / 24 / (1 + combined / 24), rel=1e-12)


def test_stored_results_cannot_be_changed_or_deleted(analyst: Any, world: Any) -> None:
    from django.db import DatabaseError, transaction

    run = _run(analyst, world, top=2)
    for rows, change in (
        (ScreeningCandidate.objects.filter(run=run), {"lr": 1.0}),
        (BodyConclusion.objects.filter(run=run), {"rule": "changed"}),
        (FamilyTableRow.objects.all(), {"theta": 1.0}),
    ):
        assert rows.exists()
        with pytest.raises(DatabaseError), transaction.atomic():
            rows.update(**change)
        with pytest.raises(DatabaseError), transaction.atomic():
            rows.delete()


def test_cached_rows_are_read_raw_and_as_earlier_versions_compressed_them() -> None:
    import zlib

    import numpy as np

    from homecoming.app.identification.screening_tables import RAW, _pack_log, _unpack_log

    row = np.array([0.0, -np.inf, 1.5e-300, -2.345678901234567, 3.0])
    raw = _pack_log(row)
    assert raw.startswith(RAW) and len(raw) == len(RAW) + 8 * row.size
    assert np.array_equal(_unpack_log(raw), row)
    assert np.array_equal(_unpack_log(zlib.compress(row.tobytes(), 1)), row)  # rows cached before


def test_the_undisputed_column_agrees_with_the_conclusions(analyst: Any, world: Any) -> None:
    run = _run(analyst, world)
    identified = {
        (c.profile_id, c.missing_id) for c in BodyConclusion.objects.filter(run=run, conclusion="identified")
    }
    flagged = set(
        ScreeningCandidate.objects.filter(run=run, undisputed=True).values_list("profile_id", "missing_id")
    )
    assert identified and flagged == identified
    assert len(run.summary["undisputed"]) == len(identified)


def test_a_family_whose_table_cannot_be_built_is_named_and_the_others_screened(
    analyst: Any, world: Any, settings: Any, monkeypatch: Any
) -> None:
    from homecoming.app.identification import screening_tables
    from homecoming.errors import LimitError

    settings.IDENTIFICATION_TABLE_WORKERS = 1
    _body, bad = next(iter(world.truth.items()))
    real = screening_tables.table_block

    def failing(block: Any, **kw: Any) -> Any:
        if any(f.id.startswith(bad + "/") for f in block):
            raise LimitError("this pedigree needs an intermediate table of 503,284,375 entries")
        return real(block, **kw)

    monkeypatch.setattr(screening_tables, "table_block", failing)
    run = _run(analyst, world)
    assert run.status == RunStatus.done, run.error
    [[name, why]] = run.summary["left_out"]
    assert name.startswith(bad + "/") and "503,284,375" in why
    assert run.summary["tables_built"] == 24 and run.summary["missing_persons"] == 24
    assert not ScreeningCandidate.objects.filter(run=run, family__reference=bad).exists()
    assert ScreeningCandidate.objects.filter(run=run).exclude(family__reference=bad).exists()
    assert ScreeningCandidate.objects.filter(run=run).first().prior == pytest.approx(1 / 25)


def test_progress_writes_each_new_stage_at_once(analyst: Any, world: Any) -> None:
    """A stage that begins within half a second of the last write is still shown (the page and the crash
    test follow it); within one stage the writes are throttled."""
    from homecoming.app.identification.models_screening import ScreeningRun
    from homecoming.app.identification.screening_pipeline import Progress

    run = screening.start_run(actor=analyst, batch=world.batch)
    report = Progress(run.pk)
    report("reading", 0, 1)
    report("family tables", 0, 25)
    shown = ScreeningRun.objects.values_list("stage", "done", "total").get(pk=run.pk)
    assert shown == ("family tables", 0, 25)
    report("family tables", 3, 25)  # throttled
    assert ScreeningRun.objects.get(pk=run.pk).done == 0
    report("family tables", 25, 25)  # a stage complete is written
    assert ScreeningRun.objects.get(pk=run.pk).done == 25
