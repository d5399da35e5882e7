"""API endpoints (JSON, CSV, error shape) and pages of the exchanges app."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from homecoming.app.exchanges.ledger_data import load_example_ledger
from homecoming.app.exchanges.models import Agreement, Operation

pytestmark = pytest.mark.django_db
API = "/api/v1/exchanges"


def _post(client: Any, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_coordinator_records_an_agreement_category_operation_manifest_and_figure(
    coordinator: Any, api: Any, agreement: Any
) -> None:
    client = api(coordinator)
    r = _post(
        client, f"{API}/agreements", {"reference": "AG-2", "title": "t", "party_a": "UA", "party_b": "RU"}
    )
    assert r.status_code == 201 and r.json()["state"] == "draft"
    r = _post(client, f"{API}/agreements/{agreement.pk}/transitions", {"to_state": "concluded"})
    assert r.status_code == 200 and r.json()["state"] == "concluded"
    r = _post(
        client,
        f"{API}/operations",
        {
            "reference": "OP-9",
            "kind": "remains_repatriation",
            "agreement": agreement.pk,
            "date": "2025-07-01",
        },
    )
    assert r.status_code == 201
    op = r.json()["id"]
    r = _post(
        client,
        f"{API}/operations/{op}/manifests",
        {
            "sending": "RU",
            "receiving": "UA",
            "stage": "executed",
            "lines": [{"category": "bodies", "container_number": "B1", "outcome": "transferred"}],
        },
    )
    assert r.status_code == 201, r.content
    [manifest] = r.json()
    assert (
        manifest["versions"][0]["current"] and manifest["versions"][0]["lines"][0]["container_number"] == "B1"
    )
    r = _post(
        client,
        f"{API}/figures",
        {
            "operation": op,
            "receiving_party": "UA",
            "value": 2,
            "role": "counted_by_receiver",
            "source_kind": "party_body",
            "source_name": "Receiver",
        },
    )
    assert r.status_code == 201
    ledger = client.get(f"{API}/agreements/{agreement.pk}/ledger").json()
    ua = next(s for s in ledger["series"] if s["category"] == "bodies" and s["receiving"] == "UA")
    # the manifest (1 line) and the receiver's count (2) disagree: the figure is kept until decided
    assert ua["delivered"] == 2 and ua["points"][0]["basis"] == "counted_by_receiver"
    assert ua["disagreements"] == ["OP-9"]
    [d] = ua["deliveries"]
    assert (d["manifest_count"], d["figure_value"], d["decision_state"]) == (1, 2, "undecided")
    assert ledger["disagreements"][0]["figure_source"] == "Receiver"
    found = client.get(f"{API}/operations/{op}/findings").json()
    assert [f["kind"] for f in found["findings"]] == [
        "line_without_remains",
        "manifest_disagrees_with_figure",
    ]
    export = client.get(f"{API}/versions/{manifest['versions'][0]['id']}/export")
    assert export.status_code == 200 and b"B1" in export.content


def test_errors_have_the_one_shape_and_name_the_rows(
    coordinator: Any, api: Any, agreement: Any, make_operation: Any
) -> None:
    client = api(coordinator)
    op = make_operation("OP-1", None)
    r = _post(
        client,
        f"{API}/operations/{op.pk}/manifests",
        {
            "sending": "RU",
            "receiving": "UA",
            "stage": "executed",
            "lines": [
                {"category": "bodies", "container_number": "B1"},
                {"category": "nope", "container_number": "B1"},
            ],
        },
    )
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "validation_failed"
    assert {(p["row"], p["field"]) for p in error["problems"]} == {(2, "category"), (2, "container_number")}
    r = _post(client, f"{API}/agreements/{agreement.pk}/transitions", {"to_state": "fulfilled"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "transition_not_allowed"
    assert client.get(f"{API}/agreements/999999").json()["error"]["value"] == 999999


def test_read_only_roles_read_but_cannot_write(make_user: Any, api: Any, agreement: Any) -> None:
    client = api(make_user("family_liaison"))
    assert client.get(f"{API}/agreements/{agreement.pk}").status_code == 200
    r = _post(client, f"{API}/agreements/{agreement.pk}/transitions", {"to_state": "concluded"})
    assert r.status_code == 403 and r.json()["error"]["value"] == "exchanges.change_agreement"


def test_ledger_csv_from_the_api(coordinator: Any, api: Any) -> None:
    load_example_ledger()
    a = Agreement.objects.get(reference="IST-2025-06")
    r = api(coordinator).get(f"{API}/agreements/{a.pk}/ledger.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "REM-2025-09-18,2025-09-18,False,18 September 2025,1000,3000,False" in r.content.decode()


def test_the_agreement_page_shows_chart_figures_findings_and_statements(coordinator: Any) -> None:
    load_example_ledger()
    a = Agreement.objects.get(reference="IST-2025-06")
    client = Client()
    client.force_login(coordinator)
    page = client.get(f"/exchanges/agreements/{a.pk}/").content.decode()
    assert "<svg" in page and 'class="quota"' in page and "point approximate" not in page
    assert 'dasharray="2 2"' in page  # the assumed date of 19 Aug is drawn as inferred
    assert "undated deliveries over 6,000" in page and "≈ 9,000" in page  # the chart's undated column
    assert "sources disagree" not in page and "a source is silent" in page and "one source only" in page
    assert "I Want to Find" in page and "TASS citing an unnamed source" in page
    assert "unilateral repatriation" in page
    assert "wounded_returned_dead" in page
    op = Operation.objects.get(reference="REM-2025-09-18")
    page = client.get(f"/exchanges/operations/{op.pk}/").content.decode()
    assert "place undisclosed" in page and "counted by the receiver" in page
    assert client.get("/exchanges/").status_code == 200


def test_pages_forms_move_states_and_import_a_manifest(
    coordinator: Any, agreement: Any, make_operation: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(coordinator)
    r = client.post(f"/exchanges/agreements/{agreement.pk}/transition/", {"to_state": "concluded"})
    assert r.status_code == 302
    agreement.refresh_from_db()
    assert agreement.state == "concluded"
    op = make_operation("OP-1", None)
    bad = SimpleUploadedFile("m.csv", b"category,container_number\nbodies,B1\nbodies,B1\n")
    r = client.post(
        f"/exchanges/operations/{op.pk}/manifests/import/",
        {"sending": "RU", "receiving": "UA", "stage": "executed", "file": bad},
    )
    assert r.status_code == 200 and "duplicates the bag number of row 2" in r.content.decode()
    good = SimpleUploadedFile("m.csv", b"category,container_number\nbodies,B1\nbodies,B2\n")
    r = client.post(
        f"/exchanges/operations/{op.pk}/manifests/import/",
        {"sending": "RU", "receiving": "UA", "stage": "executed", "file": good},
    )
    assert r.status_code == 302
    assert "B2" in client.get(f"/exchanges/operations/{op.pk}/").content.decode()
    r = client.get("/exchanges/agreements/new/")
    assert r.status_code == 200
