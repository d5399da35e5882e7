"""The batch's identification page, the batches waiting, and the screening API (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from homecoming.app.identification import screening, screening_pipeline
from homecoming.app.identification.models_screening import RunStatus, ScreeningRun
from homecoming.app.identification.synthetic import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> Any:
    return build_world(n_families=12, n_bodies=4, seed=11)


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_analyst_starts_a_run_follows_it_and_reads_every_body(make_user: Any, world: Any) -> None:
    analyst = make_user("dna_analyst")
    c = _client(analyst)
    page = c.get(f"/identification/batches/{world.batch.pk}/")
    assert page.status_code == 200 and "Start screening" in page.content.decode()
    dash = c.get("/").content.decode()
    assert "Batches waiting to be screened" in dash and world.batch.reference in dash
    started = c.post(
        f"/identification/batches/{world.batch.pk}/start", {"scope": "domestic", "top": 3, "threshold": 1e4}
    )
    run = ScreeningRun.objects.get()
    assert started.status_code == 302 and started["Location"].endswith(f"?run={run.pk}")
    queued = c.get(f"/identification/runs/{run.pk}/progress", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in queued.content.decode() and "HX-Refresh" not in queued
    screening_pipeline.execute(run.pk)
    done = c.get(f"/identification/runs/{run.pk}/progress", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    body = c.get(f"/identification/batches/{world.batch.pk}/?run={run.pk}").content.decode()
    assert "<svg" in body and "log10 LR of each body" in body
    for profile, family in world.truth.items():
        assert profile in body and family in body
    assert "identified (undisputed)" in body and "Joint identification" in body
    assert (
        world.batch.reference
        not in c.get("/").content.decode().split("Batches waiting")[1].split("</div>")[0]
    )


def test_bad_parameters_on_the_page_are_shown_and_nothing_is_queued(make_user: Any, world: Any) -> None:
    c = _client(make_user("dna_analyst"))
    got = c.post(
        f"/identification/batches/{world.batch.pk}/start", {"scope": "domestic", "top": 3, "threshold": 0.5}
    )
    assert got.status_code == 422 and "must be an LR above 1" in got.content.decode()
    assert not ScreeningRun.objects.exists()


def test_the_api_starts_polls_and_reads_candidates(make_user: Any, api: Any, world: Any) -> None:
    analyst = make_user("dna_analyst")
    client = api(analyst)
    got = client.post(
        f"/api/v1/identification/batches/{world.batch.pk}/screenings",
        {"top": 2},
        content_type="application/json",
    )
    assert got.status_code == 201, got.content
    run_id = got.json()["id"]
    assert got.json()["status"] == RunStatus.queued
    screening_pipeline.execute(run_id)
    poll = client.get(f"/api/v1/identification/screenings/{run_id}").json()
    assert poll["status"] == "done" and poll["summary"]["bodies"] == 4
    bodies = client.get(f"/api/v1/identification/screenings/{run_id}/candidates").json()
    assert {b["profile"] for b in bodies} == {f"PM-SYN-B00000{k}" for k in range(1, 5)}
    for b in bodies:
        if b["profile"] in world.truth:
            assert b["family"] == world.truth[b["profile"]] and b["candidates"][0]["lr"] > 1e4
            assert {f["name"] for f in b["candidates"][0]["evidence"]["factors"]} == {
                "sex",
                "age",
                "place_date",
            }


@pytest.mark.parametrize("role", ["family_liaison", "forensic_examiner", "registrar"])
def test_other_roles_neither_start_nor_read(make_user: Any, api: Any, world: Any, role: str) -> None:
    analyst = make_user("dna_analyst")
    run = screening.start_run(actor=analyst, batch=world.batch)
    client = api(make_user(role))
    got = client.post(
        f"/api/v1/identification/batches/{world.batch.pk}/screenings", {}, content_type="application/json"
    )
    assert got.status_code == 403 and "identification.add_screeningrun" in got.content.decode()
    assert client.get(f"/api/v1/identification/screenings/{run.pk}").status_code == 403
    assert (
        _client(make_user(role, username=f"{role}-page"))
        .get(f"/identification/batches/{world.batch.pk}/")
        .status_code
        == 403
    )


def test_the_results_page_in_ukrainian_says_rules_and_methods_in_ukrainian(
    make_user: Any, world: Any
) -> None:
    """The rule behind each conclusion and the joint identification's method are stored in English
    (``kinship.dvi``); a Ukrainian page says them in Ukrainian, an English one keeps the stored sentence."""
    from homecoming.app.identification.models_screening import BodyConclusion

    analyst = make_user("dna_analyst")
    run = screening.start_run(actor=analyst, batch=world.batch)
    screening_pipeline.execute(run.pk)
    rules = list(BodyConclusion.objects.filter(run=run).values_list("rule", flat=True))
    assert any(r.startswith("undisputed:") for r in rules)
    c = _client(analyst)
    english = c.get(f"/identification/batches/{world.batch.pk}/?run={run.pk}").content.decode()
    assert all(r.replace(">", "&gt;") in english for r in rules)
    c.cookies["django_language"] = "uk"
    page = c.get(f"/identification/batches/{world.batch.pk}/?run={run.pk}").content.decode()
    assert "безспірний: LR досягає порогу" in page and "точний перебір" in page
    for r in rules:
        assert r.replace(">", "&gt;") not in page and r.split(":")[0] + ":" not in page
    assert "exact enumeration" not in page
