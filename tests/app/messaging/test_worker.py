"""The outbox as the worker runs it: real commits, django-tasks' database queue and its ``db_worker``,
against the local SMTP server that refuses the first attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from homecoming.app.messaging import delivery, services
from homecoming.app.messaging.models import OutboundMessage

from .conftest import ScriptedHandler

SECRET = "WXYZ-2345-6789"


def _work() -> None:
    """``homecoming worker --batch``: run every task that is ready, then stop."""
    options = {"batch": True, "interval": 0.0, "startup_delay": False, "reload": False, "worker_id": "test:1"}
    call_command("db_worker", verbosity=0, **options)


@pytest.mark.usefixtures("flushable_db")
def test_the_worker_sends_retries_after_the_backoff_and_delivers(smtp_server: ScriptedHandler) -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    smtp_server.answers = ["451 try again later"]
    message = services.queue(
        channel="email",
        purpose="request_code",
        recipient="oksana.synth@example.invalid",
        language="ru",
        values={"code": "ABCDE-23456", "secret": SECRET, "status_url": "http://testserver/family/status/"},
    )
    # committed (no surrounding transaction): the task is in the queue
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    _work()
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("queued", 1, "451 try again later")
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.run_after == message.next_attempt_at > timezone.now()
    _work()  # the retry waits for its backoff
    assert smtp_server.refused == 1 and smtp_server.received == []
    assert OutboundMessage.objects.get(pk=message.pk).attempts == 1
    # time passes
    past = timezone.now() - timedelta(seconds=1)
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=past)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=past)
    _work()
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 2)
    assert len(smtp_server.received) == 1 and message.body_sealed == "" and message.recipient == ""
    assert "Код запроса" in smtp_server.received[0].get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


@pytest.mark.usefixtures("flushable_db")
def test_a_starting_worker_queues_the_messages_left_waiting(smtp_server: ScriptedHandler) -> None:
    from django_tasks_db.models import DBTaskResult

    message = services.queue(
        channel="email",
        purpose="news",
        recipient="oksana.synth@example.invalid",
        language="uk",
        values={"code": "ABCDE-23456", "status_url": "http://testserver/family/status/"},
    )
    assert delivery.requeue_waiting() == 0  # its task is waiting already
    DBTaskResult.objects.all().delete()  # e.g. a queue emptied by hand, or a message queued with no worker
    assert delivery.requeue_waiting() == 1 and delivery.requeue_waiting() == 0
    _work()
    assert OutboundMessage.objects.get(pk=message.pk).state == "sent" and len(smtp_server.received) == 1
