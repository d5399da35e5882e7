"""The families API: create, add relatives, samples, consent, the rule, the ranking; errors by name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from homecoming.app.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def liaison(make_user: Any) -> Any:
    return make_user("family_liaison", "liaison")


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1{url}", json.dumps(body), content_type="application/json")


def test_the_liaison_builds_a_family_through_the_api(api: Any, liaison: Any, person: Any) -> None:
    c = api(liaison)
    got = _post(c, "/genetics/families", {"persons": [person.pk], "label": "S"})
    assert got.status_code == 201, got.content
    fam = got.json()
    fid = fam["id"]
    assert [m["relation"] for m in fam["members"]] == ["missing"]
    got = _post(c, f"/genetics/families/{fid}/relatives", {"relation": "full_sibling", "sex": "male"})
    assert got.status_code == 201
    relations = sorted(m["relation"] for m in got.json()["members"])
    assert relations == ["connecting", "connecting", "full_sibling", "missing"]
    sib = next(m for m in got.json()["members"] if m["relation"] == "full_sibling")
    got = _post(c, f"/genetics/families/{fid}/samples", {"member": sib["id"], "lab_reference": "LAB-7"})
    assert got.status_code == 201 and got.json()["reference"].startswith("RS-")
    again = _post(c, f"/genetics/families/{fid}/samples", {"member": sib["id"], "lab_reference": "LAB-7"})
    assert again.status_code == 422
    err = again.json()["error"]
    assert (
        err["field"] == "lab_reference"
        and err["value"] == "LAB-7"
        and "is taken by reference sample" in err["message"]
    )
    got = _post(
        c,
        f"/genetics/families/{fid}/consent",
        {"scope": "icrc", "action": "given", "on": "2026-01-02", "given_by": sib["id"]},
    )
    assert got.status_code == 201 and got.json()["in_force"] is True
    detail = c.get(f"/api/v1/genetics/families/{fid}").json()
    assert detail["consent"]["icrc"]["action"] == "given" and detail["withdrawn"] is False
    rule = c.get(f"/api/v1/genetics/families/{fid}/rule").json()
    assert rule[0]["met"] is False and "0 close relative(s) typed" in rule[0]["explanation"]
    assert AuditRecord.objects.filter(action="view", object_type="genetics.referencefamily").exists()


def test_a_second_father_is_a_named_422(api: Any, liaison: Any, person: Any) -> None:
    c = api(liaison)
    fid = _post(c, "/genetics/families", {"persons": [person.pk]}).json()["id"]
    assert _post(c, f"/genetics/families/{fid}/relatives", {"relation": "father"}).status_code == 201
    err = _post(c, f"/genetics/families/{fid}/relatives", {"relation": "father"}).json()["error"]
    assert err["field"] == "relation" and "MP1 already has a father" in err["message"]


def test_withdrawing_what_was_never_given_is_refused(api: Any, liaison: Any, person: Any) -> None:
    c = api(liaison)
    fid = _post(c, "/genetics/families", {"persons": [person.pk]}).json()["id"]
    got = _post(
        c,
        f"/genetics/families/{fid}/consent",
        {"scope": "domestic", "action": "withdrawn", "on": "2026-01-02"},
    )
    assert got.status_code == 422
    assert got.json()["error"]["message"].startswith("scope: has no consent in force to withdraw")


def test_the_remove_endpoint(api: Any, liaison: Any, person: Any) -> None:
    c = api(liaison)
    fid = _post(c, "/genetics/families", {"persons": [person.pk]}).json()["id"]
    fam = _post(
        c, f"/genetics/families/{fid}/relatives", {"relation": "paternal_uncle_aunt", "sex": "male"}
    ).json()
    uncle = next(m for m in fam["members"] if m["relation"] == "paternal_uncle_aunt")
    got = _post(c, f"/genetics/families/{fid}/members/{uncle['id']}/remove", {"reason": "mistake"})
    assert got.status_code == 200 and [m["relation"] for m in got.json()["members"]] == ["missing"]


def test_the_examiner_cannot_read_families(api: Any, make_user: Any, liaison: Any, person: Any) -> None:
    fid = _post(api(liaison), "/genetics/families", {"persons": [person.pk]}).json()["id"]
    got = api(make_user("forensic_examiner")).get(f"/api/v1/genetics/families/{fid}")
    assert got.status_code == 403 and got.json()["error"]["value"] == "genetics.view_referencefamily"


def test_a_parent_link_that_makes_a_cycle_is_refused(api: Any, liaison: Any, person: Any) -> None:
    c = api(liaison)
    fid = _post(c, "/genetics/families", {"persons": [person.pk]}).json()["id"]
    _post(c, f"/genetics/families/{fid}/relatives", {"relation": "father"})
    fam = _post(c, f"/genetics/families/{fid}/relatives", {"relation": "child", "sex": "male"}).json()
    father = next(m for m in fam["members"] if m["relation"] == "father")
    child = next(m for m in fam["members"] if m["relation"] == "child")
    got = _post(
        c,
        f"/genetics/families/{fid}/parents",
        {"child": father["id"], "role": "father", "parent": child["id"]},
    )
    assert got.status_code == 422
    assert "is their own ancestor" in got.json()["error"]["message"]
