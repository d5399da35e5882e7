"""The registry through its JSON API, as a client with a bearer token would use it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from homecoming.app.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(API + path, data=json.dumps(body), content_type="application/json")


def patch(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.patch(API + path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def as_registrar(api: Callable[[Any], Any], registrar: Any) -> Any:
    return api(registrar)


@pytest.fixture
def created(as_registrar: Any) -> dict[str, Any]:
    response = post(
        as_registrar,
        "/persons",
        {
            "sex": "male",
            "birth_date": "1993-07",
            "service_number": "B7654321",
            "power": "UA",
            "names": [{"family_name": "Ковальчук", "given_name": "Андрій", "patronymic": "Іванович"}],
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_person_created_in_cyrillic_is_found_by_a_latin_spelling(
    as_registrar: Any, created: dict[str, Any]
) -> None:
    assert created["reference"].startswith("P-") and created["version"] == 1
    assert created["names"][0]["script"] == "cyrillic" and created["names"][0]["language"] == "uk"
    for query in ("Kovalchuk", "kovalchuk andrii", "Kowaltschuk", "Андрій Ковальчук", "B7654321"):
        found = as_registrar.get(f"{API}/persons", {"q": query})
        assert found.status_code == 200
        assert [p["reference"] for p in found.json()] == [created["reference"]], query
    assert as_registrar.get(f"{API}/persons", {"q": "Shevchenko"}).json() == []
    by_birth = as_registrar.get(f"{API}/persons", {"q": "Kovalchuk", "birth_date": "1993"}).json()
    assert [p["id"] for p in by_birth] == [created["id"]]
    assert as_registrar.get(f"{API}/persons", {"q": "Kovalchuk", "birth_date": "1980"}).json() == []


def test_creating_a_person_is_audited(created: dict[str, Any], registrar: Any) -> None:
    record = AuditRecord.objects.get(
        object_type="registry.person", object_id=str(created["id"]), action="create"
    )
    assert record.actor_id == registrar.pk
    assert record.after["service_number"] == "B7654321"


def test_a_bad_field_names_the_field_the_value_and_the_fix(as_registrar: Any) -> None:
    response = post(
        as_registrar, "/persons", {"birth_date": "1990-13-01", "names": [{"family_name": "Бондар"}]}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert (error["field"], error["value"]) == ("birth_date", "1990-13-01")
    assert "birth_date" in error["message"] and error["hint"]
    assert as_registrar.get(f"{API}/persons", {"q": "Bondar"}).json() == []


def test_saving_over_a_newer_version_is_an_edit_conflict_and_loses_nothing(
    as_registrar: Any, created: dict[str, Any], api: Callable[[Any], Any], make_user: Any
) -> None:
    colleague = api(make_user("registrar", "colleague"))
    path = f"/persons/{created['id']}"
    first = patch(colleague, path, {"version": 1, "rank": "sergeant"})
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 2
    second = patch(as_registrar, path, {"version": 1, "unit": "72nd Brigade"})
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "edit_conflict"
    assert error["field"] == "version" and error["value"] == 1
    assert f"{created['reference']} was changed by colleague" in error["message"]
    assert "your version 1, now 2" in error["message"] and "Nothing was saved" in error["message"]
    assert "reload" in error["hint"]
    now = as_registrar.get(API + path).json()
    assert (now["rank"], now["unit"], now["version"]) == ("sergeant", "", 2)
    again = patch(as_registrar, path, {"version": 2, "unit": "72nd Brigade"})
    assert again.status_code == 200
    saved = again.json()
    assert (saved["rank"], saved["unit"], saved["version"]) == ("sergeant", "72nd Brigade", 3)


def test_a_case_is_opened_moved_on_and_its_history_kept(as_registrar: Any, created: dict[str, Any]) -> None:
    opened = post(
        as_registrar,
        f"/persons/{created['id']}/cases",
        {"last_contact_date": "2024-02", "last_contact_place": "near Vovchansk"},
    )
    assert opened.status_code == 201, opened.content
    case = opened.json()
    assert case["state"] == "registered" and case["reference"].startswith("MC-")
    assert as_registrar.get(f"{API}/persons/{created['id']}").json()["current_status"] == "missing"
    moved = post(
        as_registrar, f"/cases/{case['id']}/transitions", {"state": "verified", "version": case["version"]}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["state"] == "verified"
    assert [(t["from_state"], t["to_state"]) for t in moved.json()["transitions"]] == [
        ("", "draft"),
        ("draft", "registered"),
        ("registered", "verified"),
    ]
    skipped = post(as_registrar, f"/cases/{case['id']}/transitions", {"state": "located_alive"})
    assert skipped.status_code == 409
    assert skipped.json()["error"]["code"] == "transition_not_allowed"
    stale = post(as_registrar, f"/cases/{case['id']}/transitions", {"state": "active_search", "version": 1})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "edit_conflict"
    assert as_registrar.get(f"{API}/cases/{case['id']}").json()["state"] == "verified"


def test_a_status_claim_counts_once_a_reviewer_accepts_it(
    as_registrar: Any, created: dict[str, Any], api: Callable[[Any], Any], reviewer: Any
) -> None:
    claim = post(
        as_registrar,
        f"/persons/{created['id']}/assertions",
        {
            "status": "captive",
            "source_type": "icrc",
            "source_name": "ICRC notification 41",
            "source_date": "2024-06-01",
            "reliability": "B",
        },
    )
    assert claim.status_code == 201, claim.content
    assert claim.json()["review_state"] == "submitted"
    assert as_registrar.get(f"{API}/persons/{created['id']}").json()["current_status"] == "unknown"
    own = post(as_registrar, f"/assertions/{claim.json()['id']}/review", {"decision": "accepted"})
    assert own.status_code == 403  # a registrar may not review, let alone their own claim
    reviewed = post(api(reviewer), f"/assertions/{claim.json()['id']}/review", {"decision": "accepted"})
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json()["review_state"] == "accepted"
    person = as_registrar.get(f"{API}/persons/{created['id']}").json()
    assert person["current_status"] == "captive"
    assert [a["review_state"] for a in person["assertions"]] == ["accepted"]
    twice = post(api(reviewer), f"/assertions/{claim.json()['id']}/review", {"decision": "accepted"})
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "transition_not_allowed"
    withdrawn = post(
        api(reviewer),
        f"/assertions/{claim.json()['id']}/review",
        {"decision": "rejected", "note": "the notification named another man"},
    )
    assert withdrawn.status_code == 200
    assert as_registrar.get(f"{API}/persons/{created['id']}").json()["current_status"] == "unknown"
    changes = AuditRecord.objects.filter(
        object_type="registry.person", object_id=str(created["id"]), action="status"
    ).order_by("seq")
    assert [(c.before["current_status"], c.after["current_status"]) for c in changes] == [
        ("unknown", "captive"),
        ("captive", "unknown"),
    ]


def test_a_rejection_needs_a_note(
    as_registrar: Any, created: dict[str, Any], api: Callable[[Any], Any], reviewer: Any
) -> None:
    claim = post(
        as_registrar,
        f"/persons/{created['id']}/assertions",
        {
            "status": "believed_dead",
            "source_type": "open_source",
            "source_name": "a post",
            "source_date": "2024-06-01",
        },
    ).json()
    response = post(api(reviewer), f"/assertions/{claim['id']}/review", {"decision": "rejected"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "note"


@pytest.fixture
def case_with_enquirer(as_registrar: Any, created: dict[str, Any]) -> dict[str, Any]:
    response = post(
        as_registrar,
        f"/persons/{created['id']}/cases",
        {
            "enquirers": [
                {
                    "name": "Ковальчук Марія",
                    "relationship": "mother",
                    "phone": "044 111 22 33",
                    "email": "mother@example.org",
                }
            ]
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("registrar", True),
        ("family_liaison", True),
        ("identification_reviewer", False),
        ("dna_analyst", False),
        ("forensic_examiner", False),
        ("auditor", False),
    ],
)
def test_enquirer_contacts_only_for_roles_that_may_see_them_and_every_view_audited(
    role: str, sees: bool, case_with_enquirer: dict[str, Any], api: Callable[[Any], Any], make_user: Any
) -> None:
    user = make_user(role, f"{role}-reader")
    assert user.has_perm("registry.view_contacts") is sees
    views_before = AuditRecord.objects.filter(action="view", actor=user).count()
    response = api(user).get(f"{API}/cases/{case_with_enquirer['id']}")
    assert response.status_code == 200
    enquirers = response.json()["enquirers"]
    views = AuditRecord.objects.filter(
        action="view", actor=user, object_type="registry.missingcase", object_id=str(case_with_enquirer["id"])
    )
    if sees:
        assert enquirers == [
            {
                "name": "Ковальчук Марія",
                "relationship": "mother",
                "phone": "+380441112233",  # stored in E.164
                "email": "mother@example.org",
                "address": "",
            }
        ]
        assert views.count() == views_before + 1
        assert views.get().reason == "viewed enquirer contacts"
    else:
        assert enquirers is None
        assert "+380441112233" not in response.content.decode()
        assert views.count() == 0
