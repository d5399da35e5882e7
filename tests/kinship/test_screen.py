"""Screening every body against every family: tables, kernel, exact rescoring, exclusions, Dask."""

from __future__ import annotations

import math
import sys
from dataclasses import replace

import numpy as np
import pytest

from homecoming.errors import HypothesisError, InputError, LimitError, MarkerError
from homecoming.kinship import FrequencyTable, Locus, MutationModel, Pedigree, Profile, SexMutation
from homecoming.kinship.lr import missing_person_lr
from homecoming.kinship.populations import simulate_population
from homecoming.kinship.screen import (
    RawScreen,
    ReferenceFamily,
    ScreenResult,
    ScreenTables,
    family_tables,
    screen,
    screen_block,
    screen_dask,
)
from shared_data import KINSHIP_CASES

from .reference.screen import NaiveScreen, naive_screen

CASES_DIR = KINSHIP_CASES
EQUAL = SexMutation.same(MutationModel.make("equal", rate=0.01))


def _loci(n: int = 8, mutation: SexMutation | None = EQUAL) -> list[Locus]:
    table = FrequencyTable.builtin("norwegian").normalised()
    return table.loci(table.names[:n], mutation=mutation)


@pytest.fixture(scope="module")
def world() -> tuple[list[Locus], object, ScreenTables]:
    loci = _loci()
    pop = simulate_population(
        loci, np.random.default_rng(7), n_families=15, n_bodies=25, untyped=0.1, one_allele=0.1, mutated=0.3
    )
    return loci, pop, family_tables(pop.families, loci=loci, bodies=pop.bodies)


def _full_only(body: Profile) -> Profile:
    return Profile(body.sample, {m: g for m, g in body.genotypes.items() if g is not None and g.a2})


def _trio_family(mo: str, fa: str) -> ReferenceFamily:
    ped = Pedigree.from_records(
        [("FA", None, None, "male"), ("MO", None, None, "female"), ("MP", "FA", "MO", "male")]
    )
    return ReferenceFamily(
        "T", ped, "MP", (Profile.from_mapping("MO", {"M1": mo}), Profile.from_mapping("FA", {"M1": fa}))
    )


def test_table_values_by_hand(abc: Locus) -> None:
    """Parents a/a and b/b: the child is a/b for sure, LR = 1 / (2 p_a p_b); anything else is -inf."""
    tables = family_tables([_trio_family("a/a", "b/b")], loci=[abc])
    idx = tables.genotype_indices([Profile.from_mapping("V", {"M1": "b/a"})])
    assert idx.tolist() == [[1 * 2 // 2 + 0]]  # alleles a=0, b=1 -> j (j + 1) / 2 + i = 1
    assert tables.log_lr64[0, 1] == pytest.approx(math.log(1 / (2 * 0.1 * 0.2)), rel=1e-14)
    assert np.isneginf(np.delete(tables.log_lr64[0, :-1], 1)).all()
    assert tables.log_lr64[0, -1] == 0.0  # the skip column
    assert tables.log_lr.dtype == np.float32
    assert tables.consistent is None  # no mutation model: consistency is finiteness


def test_untyped_and_partial_markers_are_skipped(abc: Locus) -> None:
    tables = family_tables([_trio_family("a/a", "b/b")], loci=[abc])
    bodies = [Profile.from_mapping("U", {"M1": None}), Profile.from_mapping("P", {"M1": ["a", None]})]
    assert tables.genotype_indices(bodies).tolist() == [[-1], [-1]]
    res = screen(tables, bodies, top=1)
    assert [c.lr for c in res.for_body("U")] == [1.0]
    assert [(c.markers, c.exclusions) for c in res.for_body("P")] == [(0, 0)]


def test_alleles_matched_by_label_not_position() -> None:
    fwd = Locus("M1", ("7", "8", "9", "10"), (0.1, 0.2, 0.3, 0.4))
    rev = Locus("M1", ("10", "9", "8", "7"), (0.4, 0.3, 0.2, 0.1))
    fam = _trio_family("7/9", "8/8")
    body = [Profile.from_mapping("V", {"M1": "09/8"})]
    a = screen(family_tables([fam], loci=[fwd]), body, top=1).for_body("V")[0]
    b = screen(family_tables([fam], loci=[rev]), body, top=1).for_body("V")[0]
    assert a.lr == pytest.approx(b.lr, rel=1e-14)
    assert a.lr == pytest.approx(1 / (2 * 0.3 * 0.2) / 2, rel=1e-14)  # P(8/9 | MO 7/9, FA 8/8) = 1/2


def test_allele_absent_from_table_is_merged_or_refused(abc: Locus) -> None:
    fam = _trio_family("a/a", "b/b")
    body = Profile.from_mapping("V", {"M1": "a/z"})
    with pytest.raises(MarkerError, match="allele z of sample V is not in the frequency table"):
        family_tables([fam], loci=[abc], bodies=[body])
    tables = family_tables([fam], loci=[abc], bodies=[body], unknown_alleles="minimum", database_size=100)
    assert tables.loci[0].alleles == ("a", "b", "c", "d", "z")
    res = screen(tables, [body, Profile.from_mapping("W", {"M1": "a/b"})], top=1, top_bodies=2)
    assert res.for_body("V") == ()  # a/z is impossible for this family
    expected = missing_person_lr(
        fam.pedigree,
        "MP",
        Profile.from_mapping("W", {"M1": "a/b"}),
        family=list(fam.profiles),
        loci=list(tables.loci),
    )
    assert res.for_body("W")[0].lr == pytest.approx(expected.lr, rel=1e-12)


def test_rescored_lrs_equal_the_engine(world: tuple) -> None:
    loci, pop, tables = world
    res = screen(tables, pop.bodies, top=4, top_bodies=3)
    fams = {f.id: f for f in pop.families}
    pairs = [c for b in res.bodies for c in res.for_body(b)]
    assert len(pairs) > 40
    sample = np.random.default_rng(1).choice(len(pairs), size=12, replace=False)
    bodies = {b.sample: b for b in pop.bodies}
    for k in sample:
        c = pairs[int(k)]
        fam = fams[c.family]
        ref = missing_person_lr(
            fam.pedigree, fam.missing, _full_only(bodies[c.body]), family=list(fam.profiles), loci=loci
        )
        assert c.log10_lr == pytest.approx(ref.log10_lr, rel=1e-11, abs=1e-11)
        assert c.lr == pytest.approx(ref.lr, rel=1e-10)
        plain = missing_person_lr(
            fam.pedigree,
            fam.missing,
            _full_only(bodies[c.body]),
            family=list(fam.profiles),
            loci=[replace(lc, mutation=None) for lc in loci],
        )
        assert c.exclusions == plain.n_markers_lr_zero


def _brute(
    tables: ScreenTables, bodies: list[Profile], top: int, top_bodies: int, threshold: float
) -> dict[str, object]:
    """Full float32 matrix in numpy (markers added in order), top-k by (score desc, index asc)."""
    cols = tables.columns(tables.genotype_indices(bodies))
    full = np.zeros((len(bodies), len(tables.family_ids)), dtype=np.float32)
    for m in range(cols.shape[1]):
        full += tables.log_lr[:, cols[:, m]].T
    exact = np.zeros(full.shape)
    for m in range(cols.shape[1]):
        exact += tables.log_lr64[:, cols[:, m]].T

    def best(scores: np.ndarray, k: int) -> list[tuple[int, ...]]:
        out = []
        for row in scores:
            keep = [
                i
                for i in np.lexsort((np.arange(row.size), -row.astype(np.float64)))[:k]
                if np.isfinite(row[i])
            ]
            out.append(tuple(keep))
        return out

    thr = np.float32(math.log(threshold))
    return {
        "body": best(full, top),
        "family": best(full.T, top_bodies),
        "exact": exact,
        "count_body": (full >= thr).sum(axis=1).tolist(),
        "count_family": (full >= thr).sum(axis=0).tolist(),
    }


def test_shortlists_equal_brute_force(world: tuple) -> None:
    _, pop, tables = world
    bodies = list(pop.bodies)
    res = screen(tables, bodies, top=3, top_bodies=2, threshold=100.0, block=4)
    brute = _brute(tables, bodies, 3, 2, 100.0)
    fam_index = {f: k for k, f in enumerate(tables.family_ids)}
    for v, b in enumerate(bodies):
        got = res.for_body(b.sample)
        assert {fam_index[c.family] for c in got} == set(brute["body"][v])
        logs = [c.log10_lr * math.log(10) for c in got]
        assert logs == sorted(logs, reverse=True)
        for c in got:
            exact = brute["exact"][v, fam_index[c.family]]
            assert c.log10_lr * math.log(10) == pytest.approx(exact, rel=1e-13)
    body_index = {b.sample: k for k, b in enumerate(bodies)}
    for f, fid in enumerate(tables.family_ids):
        assert {body_index[c.body] for c in res.for_family(fid)} == set(brute["family"][f])
    assert res.body_counts.tolist() == brute["count_body"]
    assert res.family_counts.tolist() == brute["count_family"]
    assert res.n_above_threshold == sum(brute["count_body"]) > 0


def test_planted_missing_persons_come_first(world: tuple) -> None:
    _, pop, tables = world
    res = screen(tables, pop.bodies, top=1)
    hits = sum(1 for b, f in pop.truth.items() if res.for_body(b) and res.for_body(b)[0].family == f)
    assert hits >= len(pop.truth) - 2  # 8 markers, partial profiles: nearly all


def test_impossible_pairs_are_never_shortlisted(abc: Locus) -> None:
    tables = family_tables([_trio_family("a/a", "b/b")], loci=[abc])
    res = screen(tables, [Profile.from_mapping("V", {"M1": "c/d"})], top=5, top_bodies=5)
    assert res.for_body("V") == () and res.for_family("T") == ()
    assert res.body_families.tolist() == [[-1] * 5]


def test_exclusions_with_mutation_models(abc: Locus) -> None:
    locus = replace(abc, mutation=EQUAL)
    tables = family_tables([_trio_family("a/a", "b/b")], loci=[locus])
    assert tables.consistent is not None and tables.consistent[0].tolist()[:-1] == [
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
    ]
    res = screen(tables, [Profile.from_mapping("V", {"M1": "c/d"})], top=1)
    (c,) = res.for_body("V")
    assert c.exclusions == 1 and 0 < c.lr < 1


def test_bad_arguments_are_refused(world: tuple) -> None:
    _, pop, tables = world
    with pytest.raises(HypothesisError, match="top must be at least 1"):
        screen(tables, pop.bodies, top=0)
    with pytest.raises(HypothesisError, match="threshold must be > 0"):
        screen(tables, pop.bodies, threshold=0.0)
    with pytest.raises(HypothesisError, match="family id F000001 is used twice"):
        family_tables([pop.families[0], pop.families[0]], loci=list(tables.loci))


def test_per_family_lists_can_be_turned_off(world: tuple) -> None:
    _, pop, tables = world
    both = screen(tables, pop.bodies, top=2, top_bodies=3, threshold=100.0)
    bodies_only = screen(tables, pop.bodies, top=2, top_bodies=0, threshold=100.0)
    assert bodies_only.family_bodies.shape == (len(tables.family_ids), 0)
    assert np.array_equal(both.body_log_lr, bodies_only.body_log_lr)
    assert np.array_equal(both.family_counts, bodies_only.family_counts)
    assert bodies_only.for_family(tables.family_ids[0]) == ()


def test_result_as_dict_and_provenance(world: tuple) -> None:
    _, pop, tables = world
    res = screen(tables, pop.bodies[:3], top=2, threshold=1e3)
    assert isinstance(res, ScreenResult)
    out = res.as_dict()
    assert list(out["by_body"]) == [b.sample for b in pop.bodies[:3]]
    assert out["n_above_threshold"] == res.n_above_threshold
    assert res.provenance.software == "homecoming.kinship.screen"
    assert res.provenance.parameters["top"] == 2
    first = out["by_body"][pop.bodies[0].sample][0]
    assert first["rank"] == 1 and first["log10_lr"] == pytest.approx(math.log10(first["lr"]))


@pytest.mark.slow
def test_dask_screen_and_tables_equal_local_ones(world: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - the dependency is required for this test
        pytest.fail(f"dask[distributed] is needed for the cluster screen: {exc}")
    loci, pop, tables = world
    local = screen(tables, pop.bodies, top=3, top_bodies=2, threshold=100.0)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        remote = screen_dask(
            tables, pop.bodies, scheduler=client, top=3, top_bodies=2, threshold=100.0, partitions=3
        )
        by_address = screen_dask(
            tables, pop.bodies, scheduler=cluster.scheduler_address, top=3, top_bodies=2, threshold=100.0
        )
        seen: list[int] = []
        monkeypatch.setattr(sys.modules["homecoming.kinship.screen"], "TABLE_CHUNK", 4)  # four blocks
        built = family_tables(
            pop.families,
            loci=loci,
            bodies=pop.bodies,
            scheduler=client,
            progress=lambda done, total: seen.append(done),
        )
    assert np.array_equal(built.log_lr64, tables.log_lr64)
    assert built.consistent is not None and tables.consistent is not None
    assert np.array_equal(built.consistent, tables.consistent)
    _assert_progress(seen, blocks=[4, 4, 4, 3])
    for other in (remote, by_address):
        for name in (
            "body_families",
            "body_log_lr",
            "body_exclusions",
            "family_bodies",
            "family_log_lr",
            "body_counts",
            "family_counts",
        ):
            assert np.array_equal(getattr(local, name), getattr(other, name)), name


@pytest.mark.slow
def test_tables_built_in_worker_processes_equal_the_ones_built_here(
    world: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    loci, pop, tables = world
    monkeypatch.setattr(sys.modules["homecoming.kinship.screen"], "TABLE_CHUNK", 6)  # three blocks
    seen: list[int] = []
    built = family_tables(
        pop.families, loci=loci, bodies=pop.bodies, workers=2, progress=lambda done, total: seen.append(done)
    )
    assert np.array_equal(built.log_lr64, tables.log_lr64)
    assert built.consistent is not None and np.array_equal(built.consistent, tables.consistent)
    _assert_progress(seen, blocks=[6, 6, 3])
    with pytest.raises(LimitError, match="workers must be at least 1") as err:
        family_tables(pop.families, loci=loci, workers=0)
    assert err.value.field == "workers" and err.value.value == 0


def _assert_progress(seen: list[int], *, blocks: list[int]) -> None:
    """Families done so far, one call per block in the order the blocks finish: it only goes up."""
    steps = [b - a for a, b in zip([0, *seen], seen, strict=False)]
    assert sorted(steps) == sorted(blocks), seen
    assert seen[-1] == sum(blocks)


def test_an_unreachable_scheduler_is_named(world: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    _, pop, tables = world
    monkeypatch.setattr(sys.modules["homecoming.kinship.screen"], "DASK_CONNECT_SECONDS", 1)
    with pytest.raises(InputError) as err:
        screen_dask(tables, pop.bodies, scheduler="tcp://127.0.0.1:9")
    assert err.value.field == "scheduler" and err.value.value == "tcp://127.0.0.1:9"
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'" in err.value.message
    assert "dask scheduler" in err.value.hint
    with pytest.raises(LimitError, match="partitions must be at least 1"):
        screen_dask(tables, pop.bodies, scheduler="tcp://127.0.0.1:9", partitions=0)


def test_nothing_to_screen_needs_no_cluster(world: tuple) -> None:
    _, pop, tables = world
    got = screen_dask(tables, [], scheduler="tcp://127.0.0.1:9")  # never contacted
    assert got.body_families.shape[0] == 0 and got.family_bodies.shape == (15, 10)
    assert (got.family_bodies == -1).all() and (got.family_counts == 0).all()
    none = screen_dask(tables.select([]), pop.bodies, scheduler="tcp://127.0.0.1:9")
    assert none.body_families.shape == (25, 10) and (none.body_families == -1).all()
    assert none.for_body(pop.bodies[0].sample) == ()


@pytest.mark.parametrize("case", ["dvi-builtin-example1", "dvi-builtin-exclusionExample"])
def test_command_agrees_with_dvir_pairwise_lr_and_exclusions(case: str) -> None:
    """dvir 3.4.2 ``pairwiseLR`` and ``exclusionMatrix`` (the ``expected`` block of the shared cases)."""
    import json as _json

    import typer
    from typer.testing import CliRunner

    from homecoming.commands.screen import screen_command

    path = CASES_DIR / f"{case}.json"
    doc = _json.loads(path.read_text())
    app = typer.Typer()
    app.command("screen")(screen_command)
    app.command("other", hidden=True)(lambda: None)
    run = CliRunner().invoke(
        app, ["screen", "--victims", str(path), "--families", str(path), "--top", "50", "--json"]
    )
    assert run.exit_code == 0, run.output
    out = _json.loads(run.stdout)
    pw, ex = doc["expected"]["pairwise_lr"], doc["expected"]["exclusion_matrix"]
    family_of = {m: f["name"] for f in doc["families"] for m in f["missing"]}
    checked = 0
    for i, body in enumerate(pw["rows"]):
        got = {c["family"]: c for c in out["by_body"][body]}
        for j, missing in enumerate(pw["cols"]):
            value = pw["values"][i][j]
            key = f"{family_of[missing]}/{missing}"
            if value is None:
                continue
            if value == 0:
                assert key not in got
                continue
            assert got[key]["lr"] == pytest.approx(value, rel=1e-8)
            assert got[key]["exclusions"] == ex["values"][i][j]
            checked += 1
    assert checked >= 8


def test_command_reports_a_bad_file_in_one_line(tmp_path: object) -> None:
    import typer
    from typer.testing import CliRunner

    from homecoming.commands.screen import screen_command

    bad = tmp_path / "bad.json"  # type: ignore[operator]
    bad.write_text('{"kind": "kinship"}')
    app = typer.Typer()
    app.command("screen")(screen_command)
    app.command("other", hidden=True)(lambda: None)
    run = CliRunner().invoke(app, ["screen", "--victims", str(bad), "--families", str(bad)])
    assert run.exit_code != 0
    assert "this reads DVI cases" in run.output


def test_command_names_an_unreachable_scheduler(monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    from typer.testing import CliRunner

    from homecoming.commands.screen import screen_command

    monkeypatch.setattr(sys.modules["homecoming.kinship.screen"], "DASK_CONNECT_SECONDS", 1)
    path = CASES_DIR / "dvi-builtin-example1.json"
    app = typer.Typer()
    app.command("screen")(screen_command)
    app.command("other", hidden=True)(lambda: None)
    run = CliRunner().invoke(
        app, ["screen", "--victims", str(path), "--families", str(path), "--dask", "tcp://127.0.0.1:9"]
    )
    assert run.exit_code == 2
    last = run.stderr.strip().splitlines()[-1]  # after the progress bar
    assert last.startswith("error: cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'")
    assert last.endswith("or leave --dask out to run here)")
    assert run.stdout == ""


def _grid_problem(
    seed: int, *, families: int, bodies: int, markers: int, impossible: float = 0.02, skipped: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """A seeded kernel input: float32 log LRs on a 1/4 grid (many ties; every float32 sum is exact, so
    the kernel's float32 and the reference's float64 are the same numbers), impossible entries and
    skipped markers."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(3, 40, size=markers)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    tab = (np.round(rng.normal(0.0, 1.0, size=(families, offsets[-1] + 1)) * 4) / 4).astype(np.float32)
    tab[rng.random(tab.shape) < impossible] = -np.inf
    tab[:, -1] = 0.0  # the skip column
    cols = (offsets[:-1][None, :] + (rng.random((bodies, markers)) * sizes).astype(np.int64)).astype(np.int32)
    cols[rng.random(cols.shape) < skipped] = offsets[-1]
    return tab, cols


def _assert_kernel_equals_reference(
    tab: np.ndarray, cols: np.ndarray, **options: object
) -> tuple[RawScreen, NaiveScreen]:
    got = screen_block(tab, cols, **options)  # type: ignore[arg-type]
    options.pop("n_parts", None)
    want = naive_screen(tab, cols, **options)  # type: ignore[arg-type]
    finite = want.scores[np.isfinite(want.scores)]
    assert np.array_equal(finite.astype(np.float32).astype(np.float64), finite)  # exact in float32 too
    assert np.array_equal(got.body_families, want.body_families)
    assert np.array_equal(got.body_scores, want.body_scores.astype(np.float32))
    assert np.array_equal(got.family_bodies, want.family_bodies)
    assert np.array_equal(got.family_scores, want.family_scores.astype(np.float32))
    assert np.array_equal(got.body_counts, want.body_counts)
    assert np.array_equal(got.family_counts, want.family_counts)
    return got, want


def test_the_reference_screen_by_hand() -> None:
    """One marker of two genotypes and the skip column; bodies a, b and skipped; e^1 as the threshold."""
    tab = np.array([[1.0, -np.inf, 0.0], [1.0, 2.0, 0.0]], dtype=np.float32)
    cols = np.array([[0], [1], [2]], dtype=np.int32)
    got, want = _assert_kernel_equals_reference(tab, cols, base=10, top=2, top_bodies=2, threshold=math.e)
    assert got.body_families.dtype == np.int32 and got.body_scores.dtype == np.float32
    assert want.scores.tolist() == [[1.0, 1.0], [-math.inf, 2.0], [0.0, 0.0]]
    assert want.body_families.tolist() == [[10, 11], [11, -1], [10, 11]]  # a tie goes to the lower index
    assert want.body_scores.tolist() == [[1.0, 1.0], [2.0, -math.inf], [0.0, 0.0]]
    assert want.family_bodies.tolist() == [[0, 2], [1, 0]]  # body 1 is impossible for family 0
    assert want.family_scores.tolist() == [[1.0, 0.0], [2.0, 1.0]]
    assert want.body_counts.tolist() == [2, 1, 0] and want.family_counts.tolist() == [1, 2]


@pytest.mark.parametrize(
    ("top_bodies", "threshold", "n_parts"), [(0, 300.0, None), (4, 30.0, 3), (1, None, 1)]
)
def test_tiled_kernel_equals_the_naive_reference(
    top_bodies: int, threshold: float | None, n_parts: int | None
) -> None:
    """Seeded medium problem with many ties and impossible entries: same lists, same order, same counts;
    1,000 families = 15 full tiles and a partial one, split unevenly."""
    tab, cols = _grid_problem(5, families=1_000, bodies=400, markers=21)
    got, _ = _assert_kernel_equals_reference(
        tab, cols, base=7, top=6, top_bodies=top_bodies, threshold=threshold, n_parts=n_parts
    )
    assert (got.body_scores[:, 0] == got.body_scores[:, 1]).sum() > 10  # ties are exercised
    assert (got.body_counts.sum() > 0) == (threshold is not None)


@pytest.mark.parametrize(
    ("families", "bodies", "top", "top_bodies"),
    [(5, 30, 8, 40), (1, 3, 1, 1), (130, 2, 200, 3)],
    ids=["lists-longer-than-the-problem", "one-family", "two-tiles-and-a-bit"],
)
def test_short_lists_are_padded_like_the_reference(
    families: int, bodies: int, top: int, top_bodies: int
) -> None:
    """Fewer families than ``top`` (or bodies than ``top_bodies``): the rest is id -1 and -inf."""
    tab, cols = _grid_problem(11, families=families, bodies=bodies, markers=6, impossible=0.2)
    got, _ = _assert_kernel_equals_reference(tab, cols, top=top, top_bodies=top_bodies, threshold=2.0)
    assert (got.body_families == -1).any() and np.isneginf(got.body_scores[got.body_families == -1]).all()


def test_impossible_families_and_bodies_without_markers_equal_the_reference() -> None:
    """A family impossible at every genotype is listed only for the bodies with no marker typed: those
    score 0 with every family (a tie across all of them, broken by the family index)."""
    tab, cols = _grid_problem(3, families=70, bodies=50, markers=8)
    tab[[4, 65], :-1] = -np.inf
    cols[[0, 17]] = tab.shape[1] - 1
    got, want = _assert_kernel_equals_reference(tab, cols, top=5, top_bodies=50, threshold=1.0)
    assert got.body_families[0].tolist() == got.body_families[17].tolist() == [0, 1, 2, 3, 4]
    assert got.body_scores[0].tolist() == [0.0] * 5
    for impossible in (4, 65):
        assert got.family_bodies[impossible].tolist() == [0, 17] + [-1] * 48
        assert (want.scores[:, impossible] == -np.inf).sum() == 48
