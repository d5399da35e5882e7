"""The remains API: batches, scans, custody, examinations (restricted), samples; one error shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from homecoming.app.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

BATCH = {
    "source": "recovery",
    "receiving_facility": "Facility North",
    "handed_over_by": "Sender",
    "received_by": "Morgue North",
    "containers_declared": 2,
}


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def assert_error_shape(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "field", "value", "hint", "problems"}
    assert error["code"] == code
    return error


def test_batch_scan_custody_flow(api: Callable[[Any], Any], examiner: Any) -> None:
    c = api(examiner)
    batch = post(c, "/api/v1/remains/batches", BATCH)
    assert batch.status_code == 201, batch.content
    bid = batch.json()["id"]
    unit = post(
        c, f"/api/v1/remains/batches/{bid}/units", {"bag_number": "L-1", "kind": "body", "seal_number": "S1"}
    )
    assert unit.status_code == 201, unit.content
    ref = unit.json()["reference"]
    dup = post(c, f"/api/v1/remains/batches/{bid}/units", {"bag_number": "L-1", "kind": "body"})
    error = assert_error_shape(dup, 422, "validation_failed")
    assert error["field"] == "bag_number" and f"as {ref}" in error["message"]
    got = c.get(f"/api/v1/remains/units/{ref}")
    assert got.status_code == 200 and got.json()["state"] == "received"
    typo = ref[:-1] + str((int(ref[-1]) + 1) % 10)
    assert (
        "wrong check digits"
        in assert_error_shape(c.get(f"/api/v1/remains/units/{typo}"), 422, "validation_failed")["message"]
    )
    uid = got.json()["id"]
    refused = post(
        c,
        f"/api/v1/remains/units/{uid}/custody",
        {"from_custodian": "Someone Else", "to_custodian": "Lab", "from_signer": "a", "to_signer": "b"},
    )
    error = assert_error_shape(refused, 409, "custody_conflict")
    assert f"{ref} is with Morgue North at Facility North under seal S1" in error["message"]
    chain = c.get(f"/api/v1/remains/units/{uid}/custody").json()
    assert chain["holder"] == "Morgue North" and len(chain["events"]) == 1
    moved = post(c, f"/api/v1/remains/units/{uid}/transitions", {"state": "stored"})
    assert (
        "allowed from received: registered"
        in assert_error_shape(moved, 409, "transition_not_allowed")["hint"]
    )
    assert batch_count(c, bid) == {"body": 1}


def batch_count(c: Any, bid: int) -> dict[str, int]:
    return c.get(f"/api/v1/remains/batches/{bid}").json()["units_by_kind"]


def test_examination_details_only_for_roles_that_need_them_and_audited(
    api: Callable[[Any], Any], examiner: Any, make_user: Callable[..., Any], bag: Any
) -> None:
    made = post(
        api(examiner),
        f"/api/v1/remains/units/{bag.pk}/examinations",
        {
            "sex": "male",
            "age_min": 25,
            "age_max": 35,
            "stature_cm": 178,
            "dental": {"36": "amalgam filling"},
            "cause_of_death": "blast injury",
            "fingerprints_taken": True,
        },
    )
    assert made.status_code == 201, made.content
    exam_id = made.json()["id"]
    bad = post(api(examiner), f"/api/v1/remains/units/{bag.pk}/examinations", {"dental": {"19": "present"}})
    error = assert_error_shape(bad, 422, "validation_failed")
    assert error["field"] == "dental.19" and "FDI" in error["message"]
    for role in ("identification_reviewer", "auditor"):
        user = make_user(role)
        r = api(user).get(f"/api/v1/remains/examinations/{exam_id}")
        assert r.status_code == 200 and r.json()["cause_of_death"] == "blast injury"
        assert AuditRecord.objects.filter(actor=user, action="view", object_id=str(exam_id)).count() == 1
    for role in ("registrar", "dna_analyst", "exchange_coordinator", "family_liaison"):
        r = api(make_user(role)).get(f"/api/v1/remains/examinations/{exam_id}")
        assert_error_shape(r, 403, "permission_denied")
    unit = api(make_user("registrar", "reg2")).get(f"/api/v1/remains/units/{bag.pk}").json()
    assert "blast" not in json.dumps(unit) and unit["examinations"][0]["examiner"] == "examiner"


def test_sample_shipment_through_the_api(api: Callable[[Any], Any], examiner: Any, bag: Any) -> None:
    c = api(examiner)
    sample = post(
        c, f"/api/v1/remains/units/{bag.pk}/samples", {"kind": "bone", "description": "femur"}
    ).json()
    post(
        c,
        f"/api/v1/remains/samples/{sample['id']}/dispatch",
        {"carrier": "Courier", "from_signer": "a", "to_signer": "b"},
    )
    got = post(
        c,
        f"/api/v1/remains/samples/{sample['id']}/receive",
        {"laboratory": "Lab East", "accession_number": "LE-7", "from_signer": "b", "to_signer": "c"},
    ).json()
    assert got["holder"] == "Lab East" and got["accession_numbers"] == ["LE-7"]


def test_errors_keep_the_shape(
    api: Callable[[Any], Any], examiner: Any, make_user: Callable[..., Any]
) -> None:
    c = api(examiner)
    assert_error_shape(c.get("/api/v1/remains/units/999999"), 404, "not_found")
    assert_error_shape(
        post(c, "/api/v1/remains/batches", {"receiving_facility": "x"}), 422, "validation_failed"
    )
    missing = post(c, "/api/v1/remains/batches", {**BATCH, "handed_over_by": " "})
    assert assert_error_shape(missing, 422, "validation_failed")["field"] == "handed_over_by"
    assert_error_shape(
        post(api(make_user("registrar")), "/api/v1/remains/batches", BATCH), 403, "permission_denied"
    )
    from django.test import Client

    assert_error_shape(Client().get("/api/v1/remains/batches"), 401, "not_authenticated")
