"""The demo is ready for identification (issue 12): right after the demo is built, its batch can be
screened, a candidate proposed and signed — through the services a user's pages call, nothing written
by hand. (The same chain in a real browser: tests/app/browser/test_identification_chain.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from homecoming.app.demo import DEMO_PASSWORD, build_demo
from homecoming.app.demo_genetics import PENDING
from homecoming.app.exchanges.models import IdentificationResult
from homecoming.app.identification import reports, screening, screening_pipeline
from homecoming.app.identification.models_screening import BodyConclusion, RunStatus, ScreeningCandidate
from homecoming.app.registry.models import Person
from homecoming.app.remains.models import IntakeBatch, RemainsUnit, UnitTransition

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_demo_batch_is_screened_and_an_identification_signed() -> None:
    assert build_demo(persons=12, seed=2025) == 12
    users = {u.username: u for u in get_user_model().objects.all()}
    batch = IntakeBatch.objects.get()
    # every body whose profile the laboratory reported reached `profiled` through its evidence
    profiled = list(RemainsUnit.objects.filter(batch=batch, state="profiled"))
    assert len(profiled) == 21 - PENDING
    for unit in profiled:
        moves = UnitTransition.objects.filter(unit=unit).order_by("id")
        path = list(moves.values_list("to_state", flat=True))
        assert path == ["received", "registered", "examined", "sampled", "profiled"], (unit.reference, path)
        assert unit.examinations.exists() and unit.samples.filter(profiles__kind="post_mortem").exists()
    later = RemainsUnit.objects.filter(batch=batch, kind="body", state="sampled")
    assert later.count() == 2  # their profiles come in demo/lab-files/batch-good.xml

    run = screening.start_run(actor=users["analyst"], batch=batch)
    assert screening_pipeline.execute(run.pk) == RunStatus.done
    found = (
        BodyConclusion.objects.filter(run=run, conclusion="identified")
        .filter(unit__bag_number__startswith="DEMO-BAG-")
        .select_related("unit", "missing__person")
        .order_by("unit__bag_number")
    )
    assert found.count() >= 3  # the demo's families' missing persons among its bodies
    best = found[0]
    unit, person = best.unit, best.missing.person
    assert reports.manifest_line_of(unit) is not None  # the body came in on a line of the executed manifest
    # the batch's page offers the analyst (not the reviewer, who signs) a draft from each candidate's row
    draft_link = (
        f"/identification/reports/new/?kind=IDEN&amp;unit={unit.reference}&amp;person={person.reference}"
    )
    page = _client(users["analyst"]).get(f"/identification/batches/{batch.pk}/?run={run.pk}").content.decode()
    assert draft_link in page
    assert (
        "Draft a report"
        not in _client(users["reviewer"]).get(f"/identification/batches/{batch.pk}/").content.decode()
    )
    form = _client(users["analyst"]).get(draft_link.replace("&amp;", "&")).content.decode()
    assert f'value="{unit.reference}"' in form and f'value="{person.reference}"' in form
    # the API's candidates carry the ids a report is drafted with
    [body] = [b for b in screening.results(run) if b["unit"] == unit.reference]
    assert (body["unit_id"], body["person_id"], body["person"]) == (unit.pk, person.pk, person.reference)
    assert body["candidates"][0]["person_id"] == person.pk

    report = reports.draft(
        actor=users["analyst"], data={"kind": "IDEN", "unit": unit.pk, "person": person.pk}
    )
    assert reports.failed_rules(report) == [], report.evidence.data.get("failed")
    # the candidate row's LR is the report's: both use the mutation model and θ of the settings
    row = ScreeningCandidate.objects.get(run=run, unit=unit, missing__person=person)
    assert float(report.evidence.lr) == pytest.approx(row.lr, rel=1e-9, abs=0)
    # the demo's synthetic coordinates: the body was recovered near where the person was last seen, after
    [place] = [f for f in report.evidence.data["factors"] if f["name"] == "place_date"]
    assert place["lr"] is not None and place["lr"] > 1 and float(place["inputs"]["distance_km"]) < 20, place
    assert [f for f in row.evidence["factors"] if f["name"] == "place_date"] == [place]
    for name in ("sex", "age"):  # the demo's examinations give the body's sex and age range
        [factor] = [f for f in report.evidence.data["factors"] if f["name"] == name]
        assert factor["lr"] is not None and factor["lr"] > 1, factor
    reports.propose(actor=users["analyst"], report_id=report.pk)
    signed = reports.sign(actor=users["reviewer"], report_id=report.pk, password=DEMO_PASSWORD)
    assert signed.state == "identified"
    assert RemainsUnit.objects.get(pk=unit.pk).state == "identified"
    assert Person.objects.get(pk=person.pk).current_status == "confirmed_dead"
    [result] = IdentificationResult.objects.filter(line=reports.manifest_line_of(unit))
    assert (result.verdict, result.person_id) == ("confirms", person.pk)
    assert [n.person_id for n in reports.to_notify()] == [person.pk]
