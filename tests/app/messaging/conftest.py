"""Fixtures of the outbox tests: a real SMTP server on a free local port (aiosmtpd) whose answers to the
messages' DATA are scripted, and Django's SMTP e-mail backend pointed at it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest


@dataclass
class ScriptedHandler:
    """Answers each DATA with the next of ``answers`` ("451 try again later"), then accepts ("250 OK")."""

    answers: list[str] = field(default_factory=list)
    received: list[Message] = field(default_factory=list)
    refused: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = self.answers.pop(0) if self.answers else "250 Message accepted for delivery"
        if answer.startswith("250"):
            self.received.append(message_from_bytes(envelope.original_content or envelope.content))
        else:
            self.refused += 1
        return answer


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[ScriptedHandler]:
    """A local SMTP server (aiosmtpd) and Django's SMTP backend pointed at it."""
    from aiosmtpd.controller import Controller

    handler = ScriptedHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    settings.MESSAGE_ATTEMPTS = 3
    settings.MESSAGE_RETRY_SECONDS = 60
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def closed_port(settings: Any) -> int:
    """Django's SMTP backend pointed at a local port where nothing listens (connection refused)."""
    port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    return port
