"""Screening every body against every family: tables, kernel, exact rescoring, exclusions, Dask."""

from __future__ import annotations

import math
import sys
from dataclasses import replace

import numba
import numpy as np
import pytest

from homecoming.errors import HypothesisError, InputError, LimitError, MarkerError
from homecoming.kinship import FrequencyTable, Locus, MutationModel, Pedigree, Profile, SexMutation
from homecoming.kinship.lr import missing_person_lr
from homecoming.kinship.populations import simulate_population
from homecoming.kinship.screen import (
    ReferenceFamily,
    ScreenResult,
    ScreenTables,
    _insert,
    _threshold32,
    _top_by_row,
    family_tables,
    screen,
    screen_block,
    screen_dask,
)
from shared_data import KINSHIP_CASES

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


# The kernel as it was before the tiled rewrite (issue 5), kept as the reference the new one must equal.
@numba.njit
def _previous_update(s, v, g, base, vs, vi, fs, fi, cv, cf, thr):  # type: ignore[no-untyped-def]
    if s > vs[v, vs.shape[1] - 1]:
        _insert(vs[v], vi[v], s, base + g)
    if s > fs[g, fs.shape[1] - 1]:
        _insert(fs[g], fi[g], s, v)
    if s >= thr:
        cv[v] += 1
        cf[g] += 1


@numba.njit
def _previous_kernel(tab, cols, base, n_parts, kv, kf, thr):  # type: ignore[no-untyped-def]
    n_fam, n_vic, n_mark = tab.shape[0], cols.shape[0], cols.shape[1]
    vs = np.full((n_parts, n_vic, kv), -np.inf, dtype=np.float32)
    vi = np.full((n_parts, n_vic, kv), -1, dtype=np.int32)
    fs = np.full((n_fam, kf), -np.inf, dtype=np.float32)
    fi = np.full((n_fam, kf), -1, dtype=np.int32)
    cv = np.zeros((n_parts, n_vic), dtype=np.int64)
    cf = np.zeros(n_fam, dtype=np.int64)
    below = np.nextafter(thr, np.float32(-np.inf))
    for p in range(n_parts):
        hi = (p + 1) * n_fam // n_parts
        f = p * n_fam // n_parts
        vsp, vip, cvp = vs[p], vi[p], cv[p]
        while f < hi:
            w = min(4, hi - f)
            r0, r1 = tab[f], tab[f + 1 if w > 1 else f]
            r2, r3 = tab[f + 2 if w > 2 else f], tab[f + 3 if w > 3 else f]
            c0, c1 = fs[f, kf - 1], fs[f + 1 if w > 1 else f, kf - 1]
            c2, c3 = fs[f + 2 if w > 2 else f, kf - 1], fs[f + 3 if w > 3 else f, kf - 1]
            low = min(min(c0, c1), min(c2, c3), below)
            for v in range(n_vic):
                s0 = s1 = s2 = s3 = np.float32(0.0)
                for m in range(n_mark):
                    c = cols[v, m]
                    s0 += r0[c]
                    s1 += r1[c]
                    s2 += r2[c]
                    s3 += r3[c]
                cut = min(vsp[v, kv - 1], low)
                if max(max(s0, s1), max(s2, s3)) <= cut:
                    continue
                _previous_update(s0, v, f, base, vsp, vip, fs, fi, cvp, cf, thr)
                if w > 1:
                    _previous_update(s1, v, f + 1, base, vsp, vip, fs, fi, cvp, cf, thr)
                if w > 2:
                    _previous_update(s2, v, f + 2, base, vsp, vip, fs, fi, cvp, cf, thr)
                if w > 3:
                    _previous_update(s3, v, f + 3, base, vsp, vip, fs, fi, cvp, cf, thr)
                c0, c1 = fs[f, kf - 1], fs[f + 1 if w > 1 else f, kf - 1]
                c2, c3 = fs[f + 2 if w > 2 else f, kf - 1], fs[f + 3 if w > 3 else f, kf - 1]
                low = min(min(c0, c1), min(c2, c3), below)
            f += w
    return vs, vi, fs, fi, cv, cf


@pytest.mark.parametrize(
    ("top_bodies", "threshold", "n_parts"), [(0, 300.0, None), (4, 30.0, 3), (1, None, 1)]
)
def test_tiled_kernel_equals_the_previous_kernel(
    top_bodies: int, threshold: float | None, n_parts: int | None
) -> None:
    """Seeded medium problem with many ties (values on a 1/4 grid) and impossible entries: same lists,
    same order, same counts; 1,000 families = 15 full tiles and a partial one, split unevenly."""
    rng = np.random.default_rng(5)
    sizes = rng.integers(3, 40, size=21)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    tab = (np.round(rng.normal(0.0, 1.0, size=(1_000, offsets[-1] + 1)) * 4) / 4).astype(np.float32)
    tab[rng.random(tab.shape) < 0.02] = -np.inf
    tab[:, -1] = 0.0
    cols = (offsets[:-1][None, :] + (rng.random((400, 21)) * sizes).astype(np.int64)).astype(np.int32)
    cols[rng.random(cols.shape) < 0.05] = offsets[-1]  # skipped markers
    new = screen_block(tab, cols, base=7, top=6, top_bodies=top_bodies, threshold=threshold, n_parts=n_parts)
    vs, vi, fs, fi, cv, cf = _previous_kernel(
        tab, cols, 7, n_parts or 8, 6, max(1, top_bodies), _threshold32(threshold)
    )
    bs, bf = _top_by_row(vs.transpose(1, 0, 2).reshape(400, -1), vi.transpose(1, 0, 2).reshape(400, -1), 6)
    assert (new.body_scores[:, 0] == new.body_scores[:, 1]).sum() > 10  # ties are exercised
    assert np.array_equal(new.body_families, bf) and np.array_equal(new.body_scores, bs)
    assert np.array_equal(new.family_bodies, fi[:, :top_bodies])
    assert np.array_equal(new.family_scores, fs[:, :top_bodies])
    assert np.array_equal(new.body_counts, cv.sum(axis=0)) and np.array_equal(new.family_counts, cf)
    assert (new.body_counts.sum() > 0) == (threshold is not None)
