"""A refused state change is said on the page in the reader's language, the states named by their labels
(never a code like ``in_implementation``); the English text stays for the API."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from homecoming.app import refusals
from homecoming.domain import (
    case_states,
    exchange_states,
    remains_states,
    report_states,
    status,
    tracing_states,
)
from homecoming.errors import ConflictError, PermissionDenied, TransitionError

CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def test_a_refused_agreement_transition_on_the_page_is_ukrainian(coordinator: Any, agreement: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="uk")
    client.force_login(coordinator)
    r = client.post(
        f"/exchanges/agreements/{agreement.pk}/transition/",
        {"to_state": "fulfilled"},
        HTTP_ACCEPT_LANGUAGE="uk",
        follow=True,
    )
    html = unescape(r.content.decode())
    assert "Угоду не можна перевести зі стану «" in html
    message = html[html.index("Угоду не можна") :].split("<")[0]
    assert "fulfilled" not in message and "draft" not in message and not CODE.search(message), message
    assert "cannot move" not in html


def test_an_agreement_in_implementation_refuses_draft_in_ukrainian(coordinator: Any, agreement: Any) -> None:
    from homecoming.app.exchanges import services

    for state in ("concluded", "in_implementation"):
        services.move_agreement(actor=coordinator, agreement_id=agreement.pk, to_state=state, reason="")
    client = Client(HTTP_ACCEPT_LANGUAGE="uk")
    client.force_login(coordinator)
    r = client.post(
        f"/exchanges/agreements/{agreement.pk}/transition/",
        {"to_state": "draft"},
        HTTP_ACCEPT_LANGUAGE="uk",
        follow=True,
    )
    html = unescape(r.content.decode())
    message = html[html.index("Угоду не можна") :].split("<")[0]
    assert "in_implementation" not in message and not CODE.search(message), message
    assert "Зі стану «" in message


def _refusal(check: Any, *args: Any) -> TransitionError:
    with pytest.raises(TransitionError) as caught:
        check(*args)
    return caught.value


@pytest.mark.parametrize(
    "refusal",
    [
        lambda: _refusal(case_states.check_transition, "draft", "death_confirmed_identified"),
        lambda: _refusal(remains_states.check_transition, "stored", "received"),
        lambda: _refusal(exchange_states.check_agreement_transition, "in_implementation", "draft"),
        lambda: _refusal(exchange_states.check_operation_transition, "planned", "closed"),
        lambda: _refusal(report_states.check_transition, "draft", "identified"),
        lambda: _refusal(tracing_states.check_transition, "answered", "received"),
        lambda: _refusal(status.check_review, "accepted", "submitted"),
        lambda: _refusal(remains_states.check_transition, "profiled", "identified"),  # only by a report
        lambda: _refusal(remains_states.check_transition, "stored", "examined"),  # no examination yet
    ],
)
def test_every_app_s_refused_transition_is_said_with_labels(refusal: Any) -> None:
    exc = refusal()
    with translation.override("uk"):
        text = refusals.shown(exc)
    assert text != str(exc)
    assert not CODE.search(text) and exc.target not in text.split("«")[0], text
    assert "cannot" not in text and "move" not in text


def test_conflicts_are_ukrainian() -> None:
    with translation.override("uk"):
        assert "Хтось інший" in refusals.shown(ConflictError("version: someone else saved P-1 first"))
    # a permission refusal names what is refused (e.g. your own account): it is shown as the service says it
    assert refusals.shown(PermissionDenied("you cannot deactivate your own account")).startswith("you cannot")
    assert refusals.shown(ValueError("plain")) == "plain"


@pytest.mark.parametrize(
    ("check", "args"),
    [
        (case_states.check_transition, ("registered", "closed_withdrawn")),
        (tracing_states.check_transition, ("answered", "closed")),
        (exchange_states.check_agreement_transition, ("in_implementation", "suspended")),
    ],
)
def test_a_missing_reason_is_asked_for_in_ukrainian(check: Any, args: tuple[str, str]) -> None:
    from homecoming.errors import ValidationError

    try:
        check(*args)
    except ValidationError as exc:
        with translation.override("uk"):
            assert refusals.shown(exc).startswith("Для цієї зміни потрібна письмова причина")
    except TransitionError:
        pytest.skip(f"{args} is not a move of these rules")
    else:
        pytest.skip(f"{args} needs no reason")


def test_a_form_shows_an_edit_conflict_in_ukrainian() -> None:
    from django import forms

    from homecoming.app.forms import show_problems

    class Edit(forms.Form):
        name = forms.CharField(required=False)
        version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    form = Edit({"name": "x"})
    assert form.is_valid()
    with translation.override("uk"):
        show_problems(form, ConflictError("version: someone else saved P-0000001 first", field="version"))
        assert form.non_field_errors()[0].startswith("Хтось інший зберіг цей запис")


def test_a_detention_event_out_of_order_is_said_with_event_labels() -> None:
    from homecoming.domain import captivity

    with pytest.raises(TransitionError) as caught:
        captivity.check_event_sequence([], captivity.DetentionEventKind.death)
    with translation.override("uk"):
        text = refusals.shown(caught.value)
    assert text.startswith("Подія «") and "death" not in text and "capture" not in text, text
