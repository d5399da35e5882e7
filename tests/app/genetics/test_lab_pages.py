"""Pages and API of profiles, lab files and proposals: who sees what (alleles only with genotypes)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from django.test import Client

from homecoming.app.audit.models import AuditRecord
from homecoming.app.genetics import importing
from homecoming.app.genetics.models import Profile, ReassociationProposal
from homecoming.app.remains.models import UnitLink

from . import lab_world
from .lab_world import lab_file, lab_profile, mixture, random_genotypes

analyst, examiner, world = lab_world.analyst, lab_world.examiner, lab_world.world

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def imported(analyst: Any, world: Any) -> dict[str, Any]:
    """Two samples of one body in two batches (a proposal), one mixture, one more profile."""
    rng = np.random.default_rng(21)
    body = random_genotypes(rng)
    s = world["samples"]
    lab, digest = lab_file(
        lab_profile(s[0].reference, body, line=2),
        mixture(s[1].reference, rng, line=6),
        lab_profile(world["other_samples"][0].reference, body, line=10),
    )
    report = importing.import_read(actor=analyst, lab=lab, digest=digest)
    return {"report": report, "profile": Profile.objects.get(sample=s[0])}


def _views_of(profile: Profile) -> int:
    return AuditRecord.objects.filter(
        action="view", object_type="genetics.profile", object_id=str(profile.pk)
    ).count()


def test_the_analyst_sees_the_alleles_and_the_view_is_audited(analyst: Any, imported: Any) -> None:
    profile = imported["profile"]
    page = client_for(analyst).get(f"/genetics/profiles/{profile.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="alleles"' in html and 'id="quality"' in html
    d3 = next(lc for lc in profile.loci if lc["locus"] == "D3S1358")
    assert ", ".join(d3["used"]) in html
    assert _views_of(profile) == 1


def test_the_examiner_sees_the_quality_but_not_the_alleles(examiner: Any, imported: Any, world: Any) -> None:
    profile = imported["profile"]
    page = client_for(examiner).get(f"/genetics/profiles/{profile.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="quality"' in html and "GlobalFiler" in html and 'id="alleles"' not in html
    assert _views_of(profile) == 0
    unit_page = client_for(examiner).get(f"/remains/units/{world['samples'][0].unit.pk}/").content.decode()
    assert f"DNA profile {profile.reference}" in unit_page or profile.reference in unit_page
    assert "24" in unit_page and 'id="alleles"' not in unit_page


def test_the_unit_page_says_a_mixture_is_excluded(examiner: Any, imported: Any, world: Any) -> None:
    unit_page = client_for(examiner).get(f"/remains/units/{world['samples'][1].unit.pk}/").content.decode()
    assert "mixture" in unit_page and "excluded from kinship" in unit_page


def test_roles_without_profiles_get_403(make_user: Any, imported: Any) -> None:
    registrar = make_user("registrar", "reg")
    profile = imported["profile"]
    for url in ("/genetics/profiles/", f"/genetics/profiles/{profile.pk}/", "/genetics/lab-files/upload/"):
        assert client_for(registrar).get(url).status_code == 403, url


def test_the_examiner_may_not_upload_and_the_liaison_sees_no_alleles(
    examiner: Any, make_user: Any, imported: Any
) -> None:
    assert client_for(examiner).get("/genetics/lab-files/upload/").status_code == 403
    liaison = make_user("family_liaison", "liaison")
    page = client_for(liaison).get(f"/genetics/profiles/{imported['profile'].pk}/")
    assert page.status_code == 200 and 'id="alleles"' not in page.content.decode()


def test_profile_list_filters_by_batch_kind_and_flag(analyst: Any, imported: Any, world: Any) -> None:
    c = client_for(analyst)
    html = c.get("/genetics/profiles/", {"flag": "mixture"}).content.decode()
    assert world["samples"][1].reference in html and world["samples"][0].reference not in html
    html = c.get("/genetics/profiles/", {"batch": world["other_batch"].reference}).content.decode()
    assert world["other_samples"][0].reference in html and world["samples"][0].reference not in html
    html = c.get("/genetics/profiles/", {"kind": "elimination"}).content.decode()
    assert "No profiles." in html


def test_lab_file_page_shows_provenance_and_profiles(examiner: Any, imported: Any) -> None:
    report = imported["report"]
    html = client_for(examiner).get(f"/genetics/lab-files/{report.lab_file_id}/").content.decode()
    assert report.lab_file in html and report.sha256 in html and "analyst" in html
    assert imported["profile"].reference in html


def test_the_examiner_confirms_a_proposal_on_its_page(examiner: Any, imported: Any) -> None:
    proposal = ReassociationProposal.objects.get()
    c = client_for(examiner)
    html = c.get("/genetics/proposals/").content.decode()
    assert proposal.profile.reference in html and "Decide" in html
    response = c.post(
        f"/genetics/proposals/{proposal.pk}/decide/", {"decision": "confirmed", "reason": "same femur length"}
    )
    assert response.status_code == 302
    assert UnitLink.objects.get().kind == "same_individual"
    assert "confirmed" in c.get("/genetics/proposals/").content.decode()


# --- API -------------------------------------------------------------------------------------------


def test_api_profile_detail_alleles_only_with_genotypes(
    api: Any, analyst: Any, examiner: Any, imported: Any
) -> None:
    profile = imported["profile"]
    shown = api(analyst).get(f"{API}/genetics/profiles/{profile.pk}").json()
    assert shown["alleles"] and {a["locus"] for a in shown["alleles"]} >= {"D3S1358", "AMEL"}
    assert _views_of(profile) == 1
    hidden = api(examiner).get(f"{API}/genetics/profiles/{profile.pk}").json()
    assert hidden["alleles"] is None and hidden["locus_count"] == 24 and hidden["kit"] == "GlobalFiler"
    assert _views_of(profile) == 1


def test_api_lists_filter_and_refuse(
    api: Any, analyst: Any, make_user: Any, imported: Any, world: Any
) -> None:
    rows = api(analyst).get(f"{API}/genetics/profiles", {"flag": "duplicate"}).json()
    assert {r["sample"] for r in rows} == {world["samples"][0].reference, world["other_samples"][0].reference}
    files = api(analyst).get(f"{API}/genetics/lab-files").json()
    assert [f["reference"] for f in files] == [imported["report"].lab_file]
    error = api(make_user("registrar", "reg")).get(f"{API}/genetics/profiles").json()["error"]
    assert error["code"] == "permission_denied" and error["value"] == "genetics.view_profile"


def test_api_decision_confirms_and_names_the_link(api: Any, examiner: Any, imported: Any) -> None:
    proposal = ReassociationProposal.objects.get()
    listed = api(examiner).get(f"{API}/genetics/proposals", {"undecided": "true"}).json()
    assert [p["id"] for p in listed] == [proposal.pk]
    response = api(examiner).post(
        f"{API}/genetics/proposals/{proposal.pk}/decisions",
        data=json.dumps({"decision": "confirmed", "reason": "same individual"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["unit_link"] == UnitLink.objects.get().pk
    again = api(examiner).post(
        f"{API}/genetics/proposals/{proposal.pk}/decisions",
        data=json.dumps({"decision": "rejected", "reason": "changed my mind"}),
        content_type="application/json",
    )
    assert again.status_code == 409 and "already confirmed" in again.json()["error"]["message"]


def test_api_upload_without_a_file_names_the_field(api: Any, analyst: Any) -> None:
    error = api(analyst).post(f"{API}/genetics/lab-files").json()["error"]
    assert error["field"] == "file" and "multipart" in error["hint"]


def test_flags_are_labelled_in_ukrainian(analyst: Any, imported: Any, world: Any) -> None:
    c = client_for(analyst)
    html = c.get("/genetics/profiles/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert 'data-flag="mixture">суміш<' in html
    options = html.split('id="f-flag"')[1].split("</select>")[0]
    for code in ("elimination_match", "duplicate", "partial"):
        assert f">{code}<" not in options
    mixed = Profile.objects.get(sample=world["samples"][1])
    page = c.get(f"/genetics/profiles/{mixed.pk}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert ">mixture<" not in page and "more_than_two" not in page and "суміш" in page
