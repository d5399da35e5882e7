"""The staff's outbox page and API: state, attempts and last error — never a message's text or secret,
nor its recipient in full; liaison officers and administrators only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from homecoming.app.messaging import services

pytestmark = pytest.mark.django_db

EMAIL = "oksana.synth@example.invalid"
SECRET = "WXYZ-2345-6789"


@pytest.fixture
def queued(closed_port: int) -> Any:
    message = services.queue(
        channel="email",
        purpose="request_code",
        recipient=EMAIL,
        language="uk",
        values={"code": "ABCDE-23456", "secret": SECRET, "status_url": "http://testserver/family/status/"},
        tracing_request_id=7,
    )
    services.deliver(message.pk)  # connection refused: queued again, with its last error
    return message


def test_the_outbox_page_shows_state_attempts_and_last_error_never_the_text(
    queued: Any, make_user: Any
) -> None:
    client = Client()
    client.force_login(make_user("family_liaison", "liaison"))
    page = client.get("/messaging/outbox/").content.decode()
    assert 'id="outbox"' in page and "o***@e***.invalid" in page and "ConnectionRefusedError" in page
    assert SECRET not in page and EMAIL not in page and "Код запиту" not in page
    detail = client.get(f"/messaging/outbox/{queued.pk}/").content.decode()
    assert 'id="attempts"' in detail and "ConnectionRefusedError" in detail
    assert SECRET not in detail and EMAIL not in detail and "Код запиту" not in detail
    assert client.get("/messaging/outbox/?state=sent").content.decode().count("o***@e***") == 0


def test_the_page_speaks_ukrainian(queued: Any, make_user: Any) -> None:
    user = make_user("family_liaison", "liaison")
    client = Client(HTTP_ACCEPT_LANGUAGE="uk")
    client.force_login(user)
    client.cookies["django_language"] = "uk"
    page = client.get("/messaging/outbox/").content.decode()
    assert "Повідомлення родинам" in page and "Остання помилка" in page and "у черзі" in page


def test_the_api_lists_messages_without_their_text(queued: Any, make_user: Any, api: Any) -> None:
    client = api(make_user("family_liaison", "liaison"))
    listed = client.get("/api/v1/messaging/messages")
    assert listed.status_code == 200
    (row,) = listed.json()
    assert (row["state"], row["attempts"], row["recipient"]) == ("queued", 1, "o***@e***.invalid")
    assert "ConnectionRefusedError" in row["last_error"] and row["tracing_request_id"] == 7
    one = client.get(f"/api/v1/messaging/messages/{queued.pk}").json()
    assert one["attempt_history"][0]["outcome"] == "temporary"
    for body in (listed.content.decode(), str(one)):
        assert SECRET not in body and EMAIL not in body and "body_sealed" not in body
    bad = client.get("/api/v1/messaging/messages?state=lost")
    assert bad.status_code == 422 and "state" in bad.content.decode()
    assert client.get("/api/v1/messaging/messages/999999").status_code == 404


@pytest.mark.parametrize("role", ["registrar", "auditor", "dna_analyst"])
def test_other_roles_may_not_read_the_outbox(role: str, queued: Any, make_user: Any, api: Any) -> None:
    user = make_user(role)
    client = Client()
    client.force_login(user)
    assert client.get("/messaging/outbox/").status_code == 403
    assert api(user).get("/api/v1/messaging/messages").status_code == 403


def test_the_admin_reads_the_outbox(queued: Any, make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("admin", "boss"))
    assert client.get("/messaging/outbox/").status_code == 200


def test_the_page_names_the_language_and_the_requests_reference(
    make_user: Any, form_data_request: Any, closed_port: int
) -> None:
    message = services.queue(
        channel="email",
        purpose="news",
        recipient=EMAIL,
        language="ru",
        values={"code": form_data_request.code, "status_url": "http://testserver/family/status/"},
        tracing_request_id=form_data_request.pk,
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="uk")
    client.force_login(make_user("family_liaison", "liaison"))
    client.cookies["django_language"] = "uk"
    page = client.get("/messaging/outbox/").content.decode()
    row = page.split('id="outbox"')[1].split("</table>")[0]
    assert "<td>російська</td>" in row and "<td>ru</td>" not in row
    assert f">{form_data_request.reference}</a>" in row and f">{form_data_request.pk}</a>" not in row
    detail = client.get(f"/messaging/outbox/{message.pk}/").content.decode()
    assert "<dd>російська</dd>" in detail and form_data_request.reference in detail


@pytest.fixture
def form_data_request() -> Any:
    """A family's tracing request (synthetic)."""
    from homecoming.app.tracing import portal

    data = {
        "enquirer_name": "Оксана Тестова",
        "enquirer_relationship": "сестра",
        "enquirer_email": "oksana.synth@example.invalid",
        "family_name": "Синтетенко",
    }
    return portal.submit(data=data, language="ru").request
