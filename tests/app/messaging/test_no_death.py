"""Nothing that reveals a death is ever sent by e-mail or SMS (issue 13): a news message says only that
there is news and where to read it. The rule is enforced where messages are made (``compose``): fixed
templates, no free text, values checked for their shape, and the rendered text checked for words of death."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from homecoming.app.messaging import sealing, services
from homecoming.app.messaging.compose import FIELDS, LANGUAGES, REVEALING, compose
from homecoming.app.messaging.models import OutboundMessage
from homecoming.errors import ValidationError

CODE = "ABCDE-23456"
URL = "https://homecoming.example.invalid/family/status/"
VALUES = {
    "request_code": {"code": CODE, "secret": "WXYZ-2345-6789", "status_url": URL},
    "news": {"code": CODE, "status_url": URL},
}
NEWS_WORDS = {"uk": "новини", "ru": "новости", "en": "news"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("channel", ["email", "sms"])
@pytest.mark.parametrize("purpose", sorted(FIELDS))
def test_every_template_in_every_language_says_nothing_of_a_death(
    purpose: str, channel: str, language: str
) -> None:
    composed = compose(purpose=purpose, channel=channel, language=language, values=VALUES[purpose])
    text = composed.subject + "\n" + composed.body
    assert REVEALING.search(text) is None
    assert CODE in text and URL in text
    if purpose == "news":
        assert NEWS_WORDS[language] in text.lower()
    if language != "en":  # translated: no sentence left in English
        assert "tracing request" not in text and "status page" not in text


@pytest.mark.parametrize(
    "word",
    ["died", "killed in action", "remains were identified", "загинув", "помер", "погиб", "тело", "останки"],
)
def test_the_words_of_death_are_recognised(word: str) -> None:
    assert REVEALING.search(f"Synthetic: he {word} near the river") is not None


def test_a_news_message_takes_no_free_text() -> None:
    with pytest.raises(ValidationError) as caught:
        compose(
            purpose="news",
            channel="email",
            language="uk",
            values={"code": CODE, "status_url": URL, "text": "Synthetic: he died."},
        )
    problem = caught.value.problems[0]
    assert (
        problem.field == "text"
        and "no free text" in problem.message
        and problem.hint == "give only code, status_url"
    )


@pytest.mark.parametrize(
    "field,value",
    [("code", "He died near the river"), ("status_url", "not an address"), ("code", "ABCDE 23456 died")],
)
def test_a_value_of_the_wrong_shape_is_refused(field: str, value: str) -> None:
    values = dict(VALUES["news"], **{field: value})
    with pytest.raises(ValidationError) as caught:
        compose(purpose="news", channel="sms", language="ru", values=values)
    assert caught.value.problems[0].field == field


def test_a_text_that_would_tell_of_a_death_is_refused_even_through_an_address() -> None:
    with pytest.raises(ValidationError, match="would tell of a death"):
        compose(
            purpose="news",
            channel="email",
            language="en",
            values={"code": CODE, "status_url": "https://example.invalid/he-died"},
        )


@pytest.mark.django_db
def test_a_refused_message_is_not_queued() -> None:
    with pytest.raises(ValidationError):
        services.queue(
            channel="email",
            purpose="news",
            recipient="a.synth@example.invalid",
            language="uk",
            values={"code": CODE, "status_url": URL, "text": "загинув"},
        )
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_a_release_that_tells_of_a_death_reaches_the_outbox_only_as_there_is_news(make_user: Any) -> None:
    from homecoming.app.tracing import portal

    submitted = portal.submit(
        data={
            "enquirer_name": "Оксана Тестова",
            "enquirer_relationship": "сестра",
            "enquirer_email": "oksana.synth@example.invalid",
            "family_name": "Ковальчук",
            "given_name": "Григорій",
            "birth_date": "1990-05",
        },
        language="ru",
    )
    liaison = make_user("family_liaison", "liaison")
    client = Client()
    client.force_login(liaison)
    release = "Synthetic: загинув, тіло ідентифіковано; died near the river."
    client.post(reverse("tracing:release", args=[submitted.request.pk]), {"text": release})
    news = OutboundMessage.objects.get(purpose="news")
    body = sealing.unseal(news.body_sealed)
    assert "Есть новости по вашему запросу" in body and "Synthetic" not in body + news.subject
    assert REVEALING.search(body + news.subject) is None
    assert news.tracing_request_id == submitted.request.pk and news.language == "ru"


def test_the_portal_sends_no_mail_of_its_own() -> None:
    """The portal's e-mails go through the outbox only (retries, erasure, the no-death rule)."""
    source = (Path(__file__).resolve().parents[3] / "src/homecoming/app/tracing/portal.py").read_text("utf-8")
    assert "send_mail" not in source and "EmailMessage" not in source


def test_every_problem_names_field_value_and_fix() -> None:
    with pytest.raises(ValidationError) as caught:
        compose(purpose="obituary", channel="fax", language="de", values={})
    found = {p.field: p for p in caught.value.problems}
    assert set(found) == {"purpose", "channel", "language"}
    assert found["purpose"].value == "obituary" and found["purpose"].hint == "use one of: request_code, news"
    assert found["channel"].hint == "use one of: email, sms" and found["language"].hint == "use uk, ru or en"
