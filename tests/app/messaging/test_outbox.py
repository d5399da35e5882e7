"""The outbox of the families' messages: sealed texts, delivery by the worker's task through a real local
SMTP server (aiosmtpd) that refuses the first attempt, backoff and re-enqueue, permanent failures, the SMS
gateway, and the erasure of the text once a message is sent or failed."""

from __future__ import annotations

import logging
from datetime import timedelta
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone
from typer.testing import CliRunner

from homecoming.app.audit.models import AuditRecord
from homecoming.app.audit.withheld import keyed_digest
from homecoming.app.messaging import delivery, sealing, services, sms
from homecoming.app.messaging.compose import compose
from homecoming.app.messaging.models import MessageAttempt, MessageState, OutboundMessage

from .conftest import ScriptedHandler

pytestmark = pytest.mark.django_db

EMAIL = "oksana.synth@example.invalid"
PHONE = "+380440001122"
CODE = "ABCDE-23456"
SECRET = "WXYZ-2345-6789"
URL = "http://testserver/family/status/"


def _code_email(language: str = "uk") -> OutboundMessage:
    return services.queue(
        channel="email",
        purpose="request_code",
        recipient=EMAIL,
        language=language,
        values={"code": CODE, "secret": SECRET, "status_url": URL},
        tracing_request_id=41,
    )


def _due_now(message: OutboundMessage) -> None:
    """Time passes: the message's next attempt is due."""
    OutboundMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def _nothing_holds_the_secret() -> None:
    for row in OutboundMessage.objects.values():
        assert SECRET not in str(row) and EMAIL not in str(row)
    for row in MessageAttempt.objects.values():
        assert SECRET not in str(row)
    for record in AuditRecord.objects.all():
        text = f"{record.before} {record.after} {record.reason} {record.object_repr}"
        assert SECRET not in text and EMAIL.lower() not in text.lower()


def test_the_text_is_stored_sealed_with_a_keyed_digest() -> None:
    message = _code_email()
    assert message.state == MessageState.queued and message.attempts == 0
    assert SECRET not in message.body_sealed and CODE not in message.body_sealed
    body = sealing.unseal(message.body_sealed)
    assert SECRET in body and "Код запиту" in body
    assert message.body_sha256 == keyed_digest(body) and len(message.body_sha256) == 64
    assert message.recipient_masked == "o***@e***.invalid"
    assert AuditRecord.objects.get(action="message_queued").after["recipient"] == "o***@e***.invalid"
    _nothing_in_the_trail = [str(r.after) for r in AuditRecord.objects.all()]
    assert not any(SECRET in t or EMAIL in t for t in _nothing_in_the_trail)


def test_the_outbox_retries_against_a_local_smtp_server_that_refuses_the_first_attempt(
    smtp_server: ScriptedHandler, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    smtp_server.answers = ["451 try again later"]
    message = _code_email("uk")

    # first attempt: the server answers 451 — a temporary failure, recorded, the message queued again
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert delivery.send_message.call(message.pk) == "temporary"
    message.refresh_from_db()
    assert smtp_server.refused == 1 and smtp_server.received == []
    assert (message.state, message.attempts, message.last_error) == ("queued", 1, "451 try again later")
    assert message.next_attempt_at is not None
    assert (
        started + timedelta(seconds=59) <= message.next_attempt_at <= timezone.now() + timedelta(seconds=61)
    )
    attempt = MessageAttempt.objects.get(message=message)
    assert (attempt.number, attempt.outcome, attempt.detail) == (1, "temporary", "451 try again later")
    assert message.body_sealed and message.recipient == EMAIL  # kept for the next attempt
    # ... and the worker's task is enqueued again, to run when the backoff is over
    assert len(callbacks) == 1
    retry = DBTaskResult.objects.get()
    assert retry.task_path.endswith("delivery.send_message") and retry.args_kwargs["args"] == [message.pk]
    assert retry.run_after == message.next_attempt_at

    # not due yet: the task does nothing (a second sender never sends it early)
    assert delivery.send_message.call(message.pk) == "not due"
    assert smtp_server.refused == 1 and MessageAttempt.objects.count() == 1

    # second attempt, once due: delivered
    _due_now(message)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert delivery.send_message.call(message.pk) == "sent"
    assert callbacks == []  # nothing more to enqueue
    assert len(smtp_server.received) == 1
    mail = smtp_server.received[0]
    assert mail["To"] == EMAIL and mail["Content-Language"] == "uk"
    assert str(make_header(decode_header(mail["Subject"]))) == f"Ваш запит на розшук {CODE}"
    text = mail.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    assert "Код запиту" in text and CODE in text and SECRET in text and URL in text

    # afterwards the database holds no secret: the text and the recipient are erased, the digest kept
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("sent", 2, "")
    assert message.body_sealed == "" and message.recipient == "" and message.body_erased_at is not None
    assert message.next_attempt_at is None and message.finished_at is not None
    expected = compose(
        purpose="request_code",
        channel="email",
        language="uk",
        values={"code": CODE, "secret": SECRET, "status_url": URL},
    )
    assert message.body_sha256 == keyed_digest(expected.body)
    assert list(message.attempt_rows.values_list("outcome", flat=True)) == ["temporary", "sent"]
    _nothing_holds_the_secret()
    # the tracing request's own trail says the family was e-mailed
    sent = AuditRecord.objects.get(action="email_sent")
    assert (sent.object_type, sent.object_id) == ("tracing.tracingrequest", "41")


@pytest.mark.parametrize("language,greeting", [("ru", "Код запроса"), ("en", "Request code")])
def test_the_message_goes_in_the_familys_language(
    smtp_server: ScriptedHandler, language: str, greeting: str
) -> None:
    message = _code_email(language)
    assert services.deliver(message.pk).outcome == "sent"
    mail = smtp_server.received[0]
    assert mail["Content-Language"] == language
    assert greeting in mail.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]


def test_a_550_fails_at_once_and_erases_the_text(
    smtp_server: ScriptedHandler, django_capture_on_commit_callbacks: Any
) -> None:
    smtp_server.answers = ["550 no such mailbox here"]
    message = _code_email()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert delivery.send_message.call(message.pk) == "permanent"
    assert callbacks == []  # not tried again
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("failed", 1, "550 no such mailbox here")
    assert message.body_sealed == "" and message.recipient == "" and message.body_sha256
    assert smtp_server.received == []
    assert OutboundMessage.objects.filter(pk=message.pk).exists()  # never deleted
    _nothing_holds_the_secret()
    assert AuditRecord.objects.filter(action="email_failed", object_id="41").count() == 1


def test_an_address_the_server_echoes_is_kept_masked(smtp_server: ScriptedHandler) -> None:
    smtp_server.answers = [f"550 5.1.1 <{EMAIL.upper()}>: Recipient address rejected"]
    message = _code_email()
    assert services.deliver(message.pk).outcome == "permanent"
    message.refresh_from_db()
    assert message.last_error == "550 5.1.1 <o***@e***.invalid>: Recipient address rejected"
    assert MessageAttempt.objects.get(message=message).detail == message.last_error
    _nothing_holds_the_secret()


def test_a_refused_connection_is_tried_again_until_the_attempts_are_spent(
    closed_port: int, settings: Any
) -> None:
    settings.MESSAGE_ATTEMPTS = 2
    message = _code_email()
    first = services.deliver(message.pk)
    assert first.outcome == "temporary" and "ConnectionRefusedError" in first.detail
    message.refresh_from_db()
    assert message.state == "queued" and message.attempts == 1
    _due_now(message)
    assert services.deliver(message.pk).outcome == "temporary"
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", 2)  # HOMECOMING_MESSAGE_ATTEMPTS reached
    assert "ConnectionRefusedError" in message.last_error and message.body_sealed == ""
    assert services.deliver(message.pk).outcome == "not due"  # a failed message is never sent again


def test_the_backoff_doubles_up_to_six_hours(settings: Any) -> None:
    settings.MESSAGE_RETRY_SECONDS = 60
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert services.backoff(30) == timedelta(hours=6)


def test_send_due_sends_what_is_due_without_a_worker(smtp_server: ScriptedHandler) -> None:
    from homecoming.cli import app

    first, second = _code_email(), _code_email("en")
    smtp_server.answers = ["421 busy"]
    result = CliRunner().invoke(app, ["messages", "send-due"])
    assert result.exit_code == 0, result.output
    assert "2 message(s) due: 1 sent, 1 temporary" in result.output
    assert len(smtp_server.received) == 1
    again = CliRunner().invoke(app, ["messages", "send-due"])
    assert "0 message(s) due" in again.output  # the refused one waits for its backoff
    states = dict(OutboundMessage.objects.values_list("pk", "state"))
    assert sorted(states.values()) == ["queued", "sent"] and set(states) == {first.pk, second.pk}


def test_the_immediate_task_backend_sends_on_commit(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = _code_email("en")
    assert mail.outbox == [] and len(callbacks) == 1  # nothing leaves before the transaction commits
    callbacks[0]()
    assert len(mail.outbox) == 1 and SECRET in mail.outbox[0].body
    assert OutboundMessage.objects.get(pk=message.pk).state == "sent"


def test_nothing_is_queued_when_the_transaction_rolls_back(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _code_email()
        raise RuntimeError("the service failed after queueing")
    assert callbacks == [] and not OutboundMessage.objects.exists()


def test_the_sms_logging_backend_writes_to_the_log_and_the_attempt(caplog: Any) -> None:
    message = services.queue(
        channel="sms",
        purpose="news",
        recipient=PHONE,
        language="ru",
        values={"code": CODE, "status_url": URL},
    )
    assert message.recipient_masked == "+380*******22" and message.subject == ""
    with caplog.at_level(logging.DEBUG, logger="homecoming.sms"):
        assert services.deliver(message.pk).outcome == "sent"
    assert "SMS to +380*******22 (" in caplog.text and "Есть новости" in caplog.text
    assert PHONE not in caplog.text
    attempt = MessageAttempt.objects.get(message=message)
    assert attempt.outcome == "sent" and attempt.detail.startswith("logged, not sent")
    message.refresh_from_db()
    assert message.state == "sent" and message.recipient == "" and message.body_sealed == ""


class BusyGateway:
    def send(self, to: str, text: str) -> str:
        raise sms.TemporaryFailure("gateway busy")


class RefusingGateway:
    def send(self, to: str, text: str) -> str:
        raise sms.PermanentFailure("no such number")


@pytest.mark.parametrize(
    "gateway,state,outcome", [(BusyGateway, "queued", "temporary"), (RefusingGateway, "failed", "permanent")]
)
def test_a_pluggable_sms_gateway(settings: Any, gateway: type, state: str, outcome: str) -> None:
    settings.SMS_BACKEND = f"{gateway.__module__}.{gateway.__qualname__}"
    message = services.queue(
        channel="sms",
        purpose="news",
        recipient=PHONE,
        language="uk",
        values={"code": CODE, "status_url": URL},
    )
    assert services.deliver(message.pk).outcome == outcome
    message.refresh_from_db()
    assert message.state == state and message.last_error.startswith("SMS gateway: ")


def test_an_sms_backend_that_cannot_be_imported_is_named(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.SMS_BACKEND = "nowhere.Gateway"
    with pytest.raises(ImproperlyConfigured, match=r"HOMECOMING_SMS_BACKEND='nowhere\.Gateway'"):
        sms.backend()


def test_attempts_are_insert_only() -> None:
    message = _code_email()
    services.deliver(message.pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        MessageAttempt.objects.filter(message=message).update(detail="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        MessageAttempt.objects.filter(message=message).delete()


def test_a_wrong_field_key_is_named(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.FIELD_KEY = "not-a-key"
    with pytest.raises(ImproperlyConfigured, match="HOMECOMING_FIELD_KEY"):
        sealing.seal("x")
