"""A linked request makes the family an enquirer on the registry case: no contacts copied (read through the
request, purged with it), audited on creation and on removal when the link moves, inherited by a merged
duplicate; the person page shows it to the roles that may see contacts, with a link to the request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homecoming.app.accounts.roles import Role, all_role_permissions
from homecoming.app.audit.models import AuditRecord
from homecoming.app.registry import services as registry
from homecoming.app.registry.models import Enquirer
from homecoming.app.tracing import portal, retention, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def soldier(registrar: Any) -> Any:
    return registry.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": "1990-05-17"},
        names=[{"family_name": "Ковальчук", "given_name": "Григорій", "patronymic": "Іванович"}],
    )


@pytest.fixture
def case(registrar: Any, soldier: Any) -> Any:
    return registry.open_case(actor=registrar, person=soldier, data={"circumstances": "synthetic"})


@pytest.fixture
def req(form_data: dict[str, str]) -> Any:
    return portal.submit(data=form_data, language="uk").request


def _link(liaison: Any, req: Any, person: Any, case: Any = None, reason: str = "") -> Any:
    return services.link_person(
        actor=liaison,
        request_id=req.pk,
        person_id=person.pk,
        case_id=case.pk if case else None,
        confirm=True,
        reason=reason,
    )


def _page(user: Any, person: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("registry:person", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_link_to_a_case_adds_the_family_as_an_enquirer_without_copying_contacts(
    req: Any, soldier: Any, case: Any, liaison: Any, form_data: dict[str, str]
) -> None:
    _link(liaison, req, soldier, case)
    enquirer = Enquirer.objects.get(case=case)
    assert enquirer.tracing_request_id == req.pk
    assert (enquirer.name, enquirer.phone, enquirer.email, enquirer.address) == ("", "", "", "")
    assert enquirer.relationship == form_data["enquirer_relationship"]
    record = AuditRecord.objects.get(action="create", object_type="registry.enquirer")
    assert record.actor == liaison and record.object_id == str(enquirer.pk)
    assert record.after["tracing_request_id"] == req.pk and record.after["case_id"] == case.pk
    assert req.reference in record.object_repr and case.reference in record.object_repr
    assert form_data["enquirer_phone"] not in str(record.after)
    # linking again to the same case adds nobody
    _link(liaison, req, soldier, case)
    assert Enquirer.objects.filter(tracing_request=req).count() == 1


def test_a_link_without_a_case_adds_no_enquirer(req: Any, soldier: Any, case: Any, liaison: Any) -> None:
    _link(liaison, req, soldier)
    assert not Enquirer.objects.filter(tracing_request=req).exists()


def test_a_link_moved_to_another_person_ends_the_old_enquirer_audited(
    req: Any, soldier: Any, case: Any, liaison: Any, registrar: Any, form_data: dict[str, str]
) -> None:
    _link(liaison, req, soldier, case)
    other = registry.create_person(
        actor=registrar, data={"sex": "male"}, names=[{"family_name": "Ковальчук", "given_name": "Петро"}]
    )
    other_case = registry.open_case(actor=registrar, person=other, data={})
    _link(liaison, req, other, other_case, reason="the birth date was misread")
    rows = Enquirer.objects.filter(tracing_request=req).order_by("pk")
    assert [e.case_id for e in rows] == [case.pk, other_case.pk]  # insert-only: the old row stays
    ended = AuditRecord.objects.get(action="end", object_type="registry.enquirer")
    assert ended.actor == liaison and ended.object_id == str(rows[0].pk)
    assert "the birth date was misread" in ended.reason and case.reference in ended.reason
    # the old case shows the family as an enquirer no more: ended, without contacts
    old_page = _page(liaison, soldier)
    assert "ended: the request is now linked elsewhere" in old_page
    assert form_data["enquirer_phone"] not in old_page
    assert form_data["enquirer_phone"] in _page(liaison, other)
    # back to the first case: its row is current again, no third row
    _link(liaison, req, soldier, case, reason="the first link was right after all")
    assert Enquirer.objects.filter(tracing_request=req).count() == 2
    assert AuditRecord.objects.filter(action="resume", object_id=str(rows[0].pk)).count() == 1
    assert form_data["enquirer_phone"] in _page(liaison, soldier)
    assert AuditRecord.objects.filter(action="end", object_type="registry.enquirer").count() == 2


def test_a_merged_duplicate_inheriting_the_link_is_an_enquirer_too(
    req: Any, soldier: Any, case: Any, liaison: Any, form_data: dict[str, str]
) -> None:
    _link(liaison, req, soldier, case)
    brother = portal.submit(
        data={**form_data, "enquirer_name": "Брат Тестовий", "enquirer_relationship": "брат"}
    ).request
    services.merge(actor=liaison, request_id=brother.pk, into_id=req.pk)
    rows = Enquirer.objects.filter(case=case).order_by("pk")
    assert [(e.tracing_request_id, e.relationship) for e in rows] == [
        (req.pk, form_data["enquirer_relationship"]),
        (brother.pk, "брат"),
    ]
    page = _page(liaison, soldier)
    assert "Брат Тестовий" in page and form_data["enquirer_name"] in page


def test_the_person_page_reads_the_contacts_through_the_request(
    req: Any, soldier: Any, case: Any, liaison: Any, form_data: dict[str, str], registrar: Any
) -> None:
    _link(liaison, req, soldier, case)
    page = _page(liaison, soldier)
    assert form_data["enquirer_name"] in page and form_data["enquirer_phone"] in page
    assert reverse("tracing:request", args=[req.pk]) in page
    viewed = AuditRecord.objects.filter(action="view", object_type="tracing.tracingrequest")
    assert viewed.filter(actor=liaison, object_id=str(req.pk)).exists()
    # the registrar may see the registry's contacts, not open the tracing request: the reference, no link
    page = _page(registrar, soldier)
    assert form_data["enquirer_phone"] in page and req.reference in page
    assert reverse("tracing:request", args=[req.pk]) not in page


def test_purged_contacts_show_as_purged_on_the_case(
    req: Any, soldier: Any, case: Any, liaison: Any, form_data: dict[str, str], settings: Any
) -> None:
    _link(liaison, req, soldier, case)
    services.release(actor=liaison, request_id=req.pk, text="Synthetic answer")
    services.transition(actor=liaison, request_id=req.pk, state="closed", reason="family informed")
    settings.TRACING_RETENTION_DAYS = 30
    retention.purge_due(actor=None, now=timezone.now() + dt.timedelta(days=31))
    page = _page(liaison, soldier)
    assert "contacts purged" in page
    assert form_data["enquirer_name"] not in page and form_data["enquirer_phone"] not in page
    assert Enquirer.objects.get(case=case).tracing_request_id == req.pk  # still an enquirer


def test_the_api_reads_the_familys_contacts_through_the_request(
    req: Any, soldier: Any, case: Any, liaison: Any, form_data: dict[str, str], api: Any
) -> None:
    _link(liaison, req, soldier, case)
    body = api(liaison).get(f"/api/v1/cases/{case.pk}").json()
    assert body["enquirers"] == [
        {
            "name": form_data["enquirer_name"],
            "relationship": form_data["enquirer_relationship"],
            "phone": form_data["enquirer_phone"],
            "email": form_data["enquirer_email"],
            "address": "",
        }
    ]


def test_the_candidate_row_links_the_persons_case(req: Any, soldier: Any, case: Any, liaison: Any) -> None:
    client = Client()
    client.force_login(liaison)
    page = client.get(reverse("tracing:request", args=[req.pk])).content.decode()
    assert f'<option value="{case.reference}"' in page
    client.post(
        reverse("tracing:link", args=[req.pk]),
        {"person": soldier.reference, "case": case.reference, "confirm": "on", "expected_version": "1"},
    )
    req.refresh_from_db()
    assert req.case_id == case.pk
    assert Enquirer.objects.filter(case=case, tracing_request=req).exists()


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.admin], ids=lambda r: r.value)
def test_the_familys_contacts_on_the_case_by_role(
    role: Role,
    req: Any,
    soldier: Any,
    case: Any,
    liaison: Any,
    form_data: dict[str, str],
    make_user: Any,
) -> None:
    """Shown iff the role may read the person and its cases and either contact permission."""
    _link(liaison, req, soldier, case)
    perms = set(all_role_permissions()[role])
    if "registry.view_person" not in perms:
        return
    page = _page(make_user(role.value, f"enq-{role.value}"), soldier)
    expected = "registry.view_missingcase" in perms and bool(
        {"registry.view_contacts", "tracing.view_requestcontacts"} & perms
    )
    for value in (form_data["enquirer_name"], form_data["enquirer_phone"], form_data["enquirer_email"]):
        assert (value in page) is expected, (role, value)
