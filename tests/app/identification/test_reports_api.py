"""Comparison reports through the API and the pages: the whole path, errors in the one shape, the roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from homecoming.app.identification.models_reports import ComparisonReport, FamilyNotification

from . import report_world as w

pytestmark = pytest.mark.django_db
API = "/api/v1/identification"


@pytest.fixture
def liaison(make_user: Any) -> Any:
    return make_user("family_liaison", "liaison")


@pytest.fixture
def analyst(make_user: Any) -> Any:
    return make_user("dna_analyst", "analyst")


@pytest.fixture
def case(liaison: Any, make_user: Any, person: Any) -> dict[str, Any]:
    genos = w.trio()
    examiner = make_user("forensic_examiner", "examiner")
    return {
        "family": w.family(liaison, person, genos),
        "unit": w.body(examiner, genos["body"]),
        "person": person,
    }


def test_the_whole_path_through_the_api(
    api: Any, analyst: Any, reviewer: Any, liaison: Any, auditor: Any, case: dict[str, Any]
) -> None:
    a, r = api(analyst), api(reviewer)
    got = a.post(
        f"{API}/reports",
        {"kind": "IDEN", "unit": case["unit"].pk, "person": case["person"].pk},
        content_type="application/json",
    )
    assert got.status_code == 201, got.content
    body = got.json()
    rid = body["id"]
    assert body["state"] == "draft" and body["evidence"]["number"] == 1 and body["failed_rules"] == []
    assert float(body["lr"]) > 1e6 and len(body["evidence"]["per_marker"]) == len(w.MARKERS)
    assert '"used"' not in got.content.decode()  # likelihood ratios, never the alleles
    got = a.post(
        f"{API}/reports/{rid}/propose", {"expected_version": body["version"]}, content_type="application/json"
    )
    assert got.json()["state"] == "proposed"
    assert [x["reference"] for x in r.get(f"{API}/reports?queue=to_sign").json()] == [body["reference"]]
    assert a.get(f"{API}/reports?queue=to_sign").json() == []
    # the analyst cannot sign (no permission); a wrong password is refused in the error shape
    err = a.post(f"{API}/reports/{rid}/sign", {"password": w.PASSWORD}, content_type="application/json")
    assert err.status_code == 403 and err.json()["error"]["value"] == "identification.sign_comparisonreport"
    err = r.post(f"{API}/reports/{rid}/sign", {"password": "nope"}, content_type="application/json")
    assert err.status_code == 403 and err.json()["error"]["field"] == "password"
    version = r.get(f"{API}/reports/{rid}").json()["version"]
    got = r.post(
        f"{API}/reports/{rid}/sign",
        {"password": w.PASSWORD, "expected_version": version},
        content_type="application/json",
    )
    assert (
        got.status_code == 200
        and got.json()["state"] == "identified"
        and got.json()["signed_by"] == "reviewer"
    )
    assert [t["to"] for t in got.json()["transitions"]] == ["draft", "proposed", "signed", "identified"]
    # a second signature: a clear conflict
    again = r.post(f"{API}/reports/{rid}/sign", {"password": w.PASSWORD}, content_type="application/json")
    assert again.status_code == 409 and "was already signed by reviewer" in again.json()["error"]["message"]
    # the liaison sees the family to notify (no DNA) and records the notification
    lc = api(liaison)
    rows = lc.get(f"{API}/notifications").json()
    assert [(n["person"], n["family"]) for n in rows] == [
        (case["person"].reference, case["family"].reference)
    ]
    assert lc.get(f"{API}/reports/{rid}").status_code == 403
    done = lc.post(
        f"{API}/notifications/{rows[0]['id']}/contacts",
        {
            "method": "phone",
            "informed_name": "Synthetic Relative",
            "informed_relation": "mother",
            "message": "Your son was identified.",
        },
        content_type="application/json",
    )
    assert done.status_code == 201 and done.json()["state"] == "notified" and done.json()["notified_at"]
    assert lc.get(f"{API}/notifications").json() == []
    # auditors read, never write
    assert api(auditor).get(f"{API}/reports/{rid}").status_code == 200
    assert (
        api(auditor)
        .post(f"{API}/reports/{rid}/return", {"reason": "x"}, content_type="application/json")
        .status_code
        == 403
    )


def test_a_body_without_profile_is_refused_by_the_api(
    api: Any, analyst: Any, make_user: Any, case: dict[str, Any]
) -> None:
    bare = w.body(make_user("forensic_examiner", "ex2"), w.trio()["body"], bag="BAG-9", profiled=False)
    got = api(analyst).post(
        f"{API}/reports",
        {"kind": "IDEN", "unit": bare.pk, "person": case["person"].pk},
        content_type="application/json",
    )
    assert got.status_code == 409
    assert (
        got.json()["error"]["message"]
        == f"{bare.reference} has no usable DNA profile; a report cannot be proposed without one"
    )
    assert not ComparisonReport.objects.exists()


def test_return_without_reason_is_a_named_error(
    api: Any, analyst: Any, reviewer: Any, case: dict[str, Any]
) -> None:
    rid = (
        api(analyst)
        .post(
            f"{API}/reports",
            {"kind": "IDEN", "unit": case["unit"].pk, "person": case["person"].pk},
            content_type="application/json",
        )
        .json()["id"]
    )
    api(analyst).post(f"{API}/reports/{rid}/propose", {}, content_type="application/json")
    got = api(reviewer).post(f"{API}/reports/{rid}/return", {"reason": ""}, content_type="application/json")
    assert got.status_code == 422 and got.json()["error"]["field"] == "reason"
    got = api(reviewer).post(
        f"{API}/reports/{rid}/return", {"reason": "type the mother"}, content_type="application/json"
    )
    assert got.json()["state"] == "returned"


def test_pages_propose_sign_and_notify(
    analyst: Any, reviewer: Any, liaison: Any, case: dict[str, Any]
) -> None:
    c = Client()
    c.force_login(analyst)
    got = c.post(
        "/identification/reports/new/",
        {
            "kind": "IDEN",
            "unit": case["unit"].reference,
            "person": case["person"].reference,
            "conclusion": "identification",
        },
    )
    report = ComparisonReport.objects.get()
    assert got.status_code == 302 and got["Location"] == f"/identification/reports/{report.pk}/"
    page = c.get(got["Location"]).content.decode()
    assert report.reference in page and "D3S1358" in page and "forrel_Norwegian" in page
    c.post(f"/identification/reports/{report.pk}/propose/", {"expected_version": report.version})
    assert "Reports to sign" not in c.get("/").content.decode()
    c.force_login(reviewer)
    dash = c.get("/").content.decode()
    assert "Reports to sign" in dash and report.reference in dash
    c.post(f"/identification/reports/{report.pk}/sign/", {"password": "wrong"})
    assert ComparisonReport.objects.get().state == "proposed"
    c.post(f"/identification/reports/{report.pk}/sign/", {"password": w.PASSWORD})
    page = c.get(f"/identification/reports/{report.pk}/").content.decode()
    assert ComparisonReport.objects.get().state == "identified" and 'id="report-state">identified<' in page
    c.force_login(liaison)
    notify = c.get("/identification/notify/").content.decode()
    assert case["person"].reference in notify and case["family"].reference in notify
    assert "D3S1358" not in notify and c.get(f"/identification/reports/{report.pk}/").status_code == 403
    note = FamilyNotification.objects.get()
    c.post(
        f"/identification/notify/{note.pk}/contacts/",
        {
            "expected_version": note.version,
            "purpose": "notification",
            "method": "in_person",
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "informed_name": "Synthetic Relative",
            "informed_relation": "father",
            "message": "visited",
            "message_language": "uk",
        },
    )
    assert FamilyNotification.objects.get().notified_by == liaison


def test_pages_in_ukrainian(analyst: Any, case: dict[str, Any]) -> None:
    c = Client()
    c.force_login(analyst)
    c.cookies["django_language"] = "uk"
    page = c.get("/identification/reports/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Звіти про порівняння" in page


WRITES = [
    ("POST", "/reports", "identification.propose_comparisonreport"),
    ("POST", "/reports/999999/propose", "identification.propose_comparisonreport"),
    ("POST", "/reports/999999/sign", "identification.sign_comparisonreport"),
    ("POST", "/reports/999999/return", "identification.sign_comparisonreport"),
    ("POST", "/reports/999999/overrides", "identification.override_rule"),
    ("POST", "/notifications/999999/contacts", "identification.add_notificationcontact"),
    ("GET", "/notifications/999999", "identification.view_familynotification"),
    ("GET", "/reports", "identification.view_comparisonreport"),
    ("GET", "/notifications", "identification.view_familynotification"),
]
EXPECTED = {  # role → the endpoints (by permission) it may call; the rest answer 403 naming the permission
    "dna_analyst": {"identification.propose_comparisonreport", "identification.view_comparisonreport"},
    "identification_reviewer": {
        "identification.sign_comparisonreport",
        "identification.view_comparisonreport",
        "identification.view_familynotification",
    },
    "senior_identification_reviewer": {
        "identification.sign_comparisonreport",
        "identification.view_comparisonreport",
        "identification.view_familynotification",
        "identification.override_rule",
    },
    "family_liaison": {
        "identification.add_notificationcontact",
        "identification.view_notificationcontact",
        "identification.view_familynotification",
    },
    "auditor": {"identification.view_comparisonreport", "identification.view_familynotification"},
    "registrar": set(),
    "forensic_examiner": set(),
    "exchange_coordinator": set(),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_the_role_matrix(role: str, make_user: Any, api: Any) -> None:
    client = api(make_user(role, f"m-{role}"))
    body = {
        "kind": "IDEN",
        "unit": 999999,
        "password": "x",
        "reason": "x",
        "rule": "posterior",
        "note": "",
    }
    for method, path, perm in WRITES:
        got = (
            client.post(API + path, body, content_type="application/json")
            if method == "POST"
            else client.get(API + path)
        )
        if perm in EXPECTED[role]:
            assert got.status_code != 403, (role, path, got.content)
        else:
            assert got.status_code == 403 and got.json()["error"]["value"] == perm, (role, path, got.content)


def test_only_the_senior_reviewer_is_offered_and_may_make_an_override_in_the_pages_and_the_api(
    analyst: Any, reviewer: Any, liaison: Any, person: Any, make_user: Any, api: Any
) -> None:
    from homecoming.app.audit.models import AuditRecord
    from homecoming.app.identification import reports

    genos = w.trio()
    w.family(liaison, person, genos, sister=False)  # the father only: the family rule fails
    unit = w.body(make_user("forensic_examiner", "examiner"), genos["body"])
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    url = f"/identification/reports/{report.pk}/"
    senior = make_user("senior_identification_reviewer", "senior")
    c = Client()
    for user in (analyst, reviewer):
        c.force_login(user)
        assert "Override a rule" not in c.get(url).content.decode()
        got = c.post(url + "override/", {"rule": "family_rule", "reason": "x"}, follow=True)
        assert "only a senior person (a senior identification reviewer) may override" in got.content.decode()
        refused = api(user).post(
            f"{API}/reports/{report.pk}/overrides",
            {"rule": "family_rule", "reason": "x"},
            content_type="application/json",
        )
        assert refused.status_code == 403
        assert refused.json()["error"]["value"] == "identification.override_rule"
    c.force_login(senior)
    page = c.get(url).content.decode()
    assert "Override a rule" in page and 'value="family_rule"' in page and 'value="posterior"' not in page
    got = c.post(url + "override/", {"rule": "family_rule", "reason": "  "}, follow=True)
    assert "reason: is required to override a rule" in got.content.decode()
    assert not report.evidence.overrides.exists()
    got = c.post(url + "override/", {"rule": "family_rule", "reason": "dental records agree"}, follow=True)
    page = got.content.decode()
    assert "Rule overridden." in page and "family_rule overridden by senior:" in page
    assert "dental records agree" in page and "Override a rule" not in page  # nothing left to override
    assert AuditRecord.objects.filter(action="override rule", actor=senior).count() == 1
    assert reports.propose(actor=analyst, report_id=report.pk).state == "proposed"
