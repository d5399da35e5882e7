"""The place-and-date factor from the records: the unit's recovery and the person's last contact.

With coordinates and dates on both sides the factor is assessed, in the report's evidence and in the
screening candidate's, and equals :func:`homecoming.domain.evidence.place_date_factor` for the same
inputs; without coordinates it stays "not assessed" (or assesses the date alone); bad coordinates are
refused with a message naming the field, the value and the fix.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from homecoming.app.audit.models import AuditRecord
from homecoming.app.identification import reports, screening, screening_pipeline
from homecoming.app.identification.models_screening import ScreeningCandidate
from homecoming.app.registry import services as registry
from homecoming.app.remains import recovery
from homecoming.domain.evidence import place_date_factor
from homecoming.domain.partial_dates import PartialDate
from homecoming.errors import ValidationError

from . import report_world as w

pytestmark = pytest.mark.django_db

SEEN = (48.2820, 37.1760)  # synthetic: near Pokrovsk
FOUND = (48.3100, 37.2400)  # about 5.6 km away


@pytest.fixture
def analyst(make_user: Any) -> Any:
    return make_user("dna_analyst", "analyst")


@pytest.fixture
def examiner(make_user: Any) -> Any:
    return make_user("forensic_examiner", "examiner")


@pytest.fixture
def world(make_user: Any, person: Any, examiner: Any) -> dict[str, Any]:
    genos = w.trio()
    w.family(make_user("family_liaison", "liaison"), person, genos)
    return {"unit": w.body(examiner, genos["body"]), "person": person}


def _factor(factors: list[dict[str, Any]]) -> dict[str, Any]:
    return next(f for f in factors if f["name"] == "place_date")


def _place(examiner: Any, registrar: Any, world: dict[str, Any], *, coordinates: bool = True) -> None:
    registry.open_case(
        actor=registrar,
        person=world["person"],
        data={
            "last_contact_date": "2025-03-02",
            "last_contact_place": "near Pokrovsk",
            **(
                {"last_contact_latitude": str(SEEN[0]), "last_contact_longitude": str(SEEN[1])}
                if coordinates
                else {}
            ),
        },
    )
    recovery.record_recovery(
        actor=examiner,
        unit_id=world["unit"].pk,
        data={
            "date_of_recovery": "2025-03-20",
            **({"recovery_latitude": FOUND[0], "recovery_longitude": FOUND[1]} if coordinates else {}),
        },
    )


def test_with_coordinates_and_dates_the_factor_is_assessed_and_equals_the_domain_function(
    analyst: Any, examiner: Any, registrar: Any, world: dict[str, Any]
) -> None:
    _place(examiner, registrar, world)
    expected = place_date_factor(
        FOUND, PartialDate.parse("2025-03-20"), SEEN, PartialDate.parse("2025-03-02")
    ).as_dict()
    assert expected["lr"] is not None and expected["lr"] > 1  # near and after: for the identification
    report = reports.draft(
        actor=analyst, data={"kind": "IDEN", "unit": world["unit"].pk, "person": world["person"].pk}
    )
    assert report.evidence is not None
    stored = _factor(report.evidence.data["factors"])
    assert stored == expected
    assert stored["inputs"]["found_at"] == "48.310000,37.240000"
    assert float(stored["inputs"]["distance_km"]) < 10

    run = screening.start_run(actor=analyst, batch=world["unit"].batch)
    screening_pipeline.execute(run.pk)
    candidate = ScreeningCandidate.objects.get(run=run, unit=world["unit"])
    assert _factor(candidate.evidence["factors"]) == expected


def test_without_coordinates_the_place_is_not_compared_and_without_dates_not_assessed(
    analyst: Any, examiner: Any, registrar: Any, world: dict[str, Any]
) -> None:
    draft = {"kind": "IDEN", "unit": world["unit"].pk, "person": world["person"].pk}
    report = reports.draft(actor=analyst, data=draft)
    assert report.evidence is not None
    bare = _factor(report.evidence.data["factors"])
    assert bare["lr"] is None and bare["explanation"].startswith("Not assessed")
    assert bare == place_date_factor(None, None, None, None).as_dict()

    _place(examiner, registrar, world, coordinates=False)
    report = reports.draft(actor=analyst, data=draft)
    assert report.evidence is not None
    dated = _factor(report.evidence.data["factors"])
    assert "place not compared" in dated["explanation"] and dated["inputs"]["found_at"] == ""
    assert dated == place_date_factor(None, date(2025, 3, 20), None, date(2025, 3, 2)).as_dict()


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"recovery_latitude": "91", "recovery_longitude": "37"}, "recovery_latitude", "outside -90..90"),
        ({"recovery_latitude": "48", "recovery_longitude": "-181"}, "recovery_longitude", "-180..180"),
        ({"recovery_latitude": "48.2"}, "recovery_longitude", "is missing while recovery_latitude is given"),
        ({"recovery_latitude": "north", "recovery_longitude": "37"}, "recovery_latitude", "not a number"),
    ],
)
def test_bad_recovery_coordinates_are_refused_naming_field_value_and_fix(
    examiner: Any, world: dict[str, Any], data: dict[str, str], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        recovery.record_recovery(actor=examiner, unit_id=world["unit"].pk, data=data)
    problem = next(p for p in exc.value.problems if p.field == field)
    assert words in problem.message and "decimal degrees" in str(problem.hint) + problem.message
    if data.get(field):
        assert problem.value == data[field]
    world["unit"].refresh_from_db()
    assert world["unit"].recovery_latitude is None


def test_bad_last_contact_coordinates_are_refused_by_the_api_and_the_form(
    registrar: Any, person: Any, api: Any
) -> None:
    got = api(registrar).post(
        f"/api/v1/persons/{person.pk}/cases",
        {"last_contact_latitude": 48.1, "last_contact_longitude": 200},
        content_type="application/json",
    )
    assert got.status_code == 422, got.content
    error = got.json()["error"]
    text = str(error)
    assert "last_contact_longitude" in text and "200" in text and "-180..180" in text
    ok = api(registrar).post(
        f"/api/v1/persons/{person.pk}/cases",
        {"last_contact_latitude": "48,2820", "last_contact_longitude": 37.176},
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert (ok.json()["last_contact_latitude"], ok.json()["last_contact_longitude"]) == (48.282, 37.176)
    c = Client()
    c.force_login(registrar)
    page = c.post(
        f"/registry/persons/{person.pk}/cases/new/",
        {"last_contact_latitude": "95", "last_contact_longitude": "37"},
    )
    assert page.status_code == 200 and "is outside -90..90" in page.content.decode()


def test_recovery_is_recorded_on_the_unit_page_and_shown_in_ukrainian(
    examiner: Any, world: dict[str, Any], api: Any
) -> None:
    unit = world["unit"]
    c = Client()
    c.force_login(examiner)
    c.cookies["django_language"] = "uk"
    c.post(
        f"/remains/units/{unit.pk}/recovery/",
        {
            "date_of_recovery": "2025-03-20",
            "place": "near Pokrovsk",
            "recovery_latitude": "48,31",
            "recovery_longitude": "37.24",
            "version": unit.version,
        },
    )
    unit.refresh_from_db()
    assert (str(unit.recovery_latitude), str(unit.recovery_longitude)) == ("48.310000", "37.240000")
    assert AuditRecord.objects.filter(action="update", object_id=str(unit.pk), reason="recovery").count() == 1
    page = c.get(f"/remains/units/{unit.pk}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Координати знахідки" in page and "48.310000, 37.240000" in page
    got = api(examiner).get(f"/api/v1/remains/units/{unit.pk}").json()
    assert (got["recovery_latitude"], got["recovery_longitude"]) == (48.31, 37.24)
    bad = api(examiner).post(
        f"/api/v1/remains/units/{unit.pk}/recovery",
        {"recovery_latitude": None, "recovery_longitude": 37.3},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "recovery_latitude" in str(bad.json()["error"])
