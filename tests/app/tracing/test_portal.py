"""The family portal: the request form, the code and secret, the status page, rate limits, no enumeration."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from homecoming.app.audit.models import AuditRecord
from homecoming.app.messaging import services as outbox
from homecoming.app.tracing import portal, services
from homecoming.app.tracing.models import Release, RequestPhoto, RequestTransition, TracingRequest

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def _client(language: str = "en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


def _problems(html: str) -> str:
    return re.sub(r"\s+", " ", html)


# --- the pages open without log-in ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["family:home", "family:request", "family:status", "family:request_done"])
def test_the_portal_pages_open_without_an_account(name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<script" not in html  # works without JavaScript


def test_the_liaison_pages_still_need_a_log_in() -> None:
    response = Client().get(reverse("tracing:queue"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_input_of_the_request_form_has_a_label() -> None:
    html = Client().get(reverse("family:request")).content.decode()
    inputs = re.findall(r'<(?:input|textarea|select)\b[^>]*\bid="([^"]+)"', html)
    assert len(inputs) >= 15
    for input_id in inputs:
        assert f'for="{input_id}"' in html, input_id


# --- submitting ------------------------------------------------------------------------------------------


def test_a_family_submits_a_request_and_sees_code_and_secret_once(form_data: dict[str, str]) -> None:
    client = _client("uk")
    response = client.post(reverse("family:request"), form_data)
    assert response.status_code == 302 and response["Location"] == reverse("family:request_done")
    page = client.get(response["Location"]).content.decode()
    code = re.search(r'id="request-code">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="request-secret">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    assert "Запишіть або надрукуйте" in page  # Ukrainian
    req = TracingRequest.objects.get()
    assert portal.normalise_code(code) == req.code and len(req.code) == 10
    assert secret not in req.secret_hash and req.secret_hash.startswith("argon2$argon2id$")
    # a Django password hash: Django's own Argon2 hasher verifies it
    assert Argon2PasswordHasher().verify(portal.normalise_code(secret), req.secret_hash)
    assert portal.find(code, secret) == req
    # shown once: the page forgets them
    again = client.get(reverse("family:request_done")).content.decode()
    assert code not in again and secret not in again
    # stored as the family wrote it, service number normalised, names indexed
    assert (req.family_name, req.birth_date, req.service_number, req.language) == (
        "Ковальчук",
        "1990-05",
        "UA1234567",
        "uk",
    )
    assert list(req.transitions.values_list("to_state", flat=True)) == ["received"]
    # e-mailed in Ukrainian (through the outbox), with the code and the secret, nothing about the person
    assert outbox.send_due() == {"sent": 1}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["oksana.synth@example.invalid"]
    assert code in message.body and secret in message.body and "Ковальчук" not in message.body
    assert "Код запиту" in message.body


def test_the_submission_is_audited_without_user_and_without_contacts(form_data: dict[str, str]) -> None:
    _client().post(reverse("family:request"), form_data)
    record = AuditRecord.objects.get(action="create", object_type="tracing.tracingrequest")
    assert record.actor_id is None
    text = str(record.after)
    assert "+380440001122" not in text and "oksana.synth" not in text and "Оксана" not in text
    assert "secret_hash" not in text
    assert record.after["withheld"] == ["enquirer_email", "enquirer_name", "enquirer_phone"]


def test_codes_are_random_not_sequential(form_data: dict[str, str]) -> None:
    codes = [portal.submit(data=form_data).request.code for _ in range(20)]
    assert len(set(codes)) == 20
    assert all(set(c) <= set(portal.ALPHABET) and len(c) == 10 for c in codes)
    # no two consecutive codes share a long prefix (a counter would)
    assert sum(a[:6] == b[:6] for a, b in itertools.pairwise(codes)) == 0


@pytest.mark.parametrize(
    ("field", "value", "message", "hint"),
    [
        ("birth_date", "2999-01-01", "is in the future", "check the year"),
        ("birth_date", "1990-13", "is not a date we can read", "YYYY-MM-DD"),
        ("family_name", "Kовальчук", "mixes letters of different alphabets", "one alphabet"),
        ("enquirer_name", "Оксана Ковaльчук", "mixes letters of different alphabets", "one alphabet"),
        ("enquirer_email", "not-an-address", "is not an e-mail address", "name@example.org"),
        ("enquirer_phone", "call me", "is not a phone number", "country code"),
        ("enquirer_phone", "not-a-phone", "is not a phone number", "country code"),
        ("enquirer_phone", "+380 00 111 22 33", "is not a phone number", "country code"),  # no such number
        ("enquirer_email", "olga@example", "is not an e-mail address", "name@example.org"),
        ("family_name", "", "is required", "surname of the person"),
    ],
)
def test_bad_input_is_named_with_value_and_fix(
    form_data: dict[str, str], field: str, value: str, message: str, hint: str
) -> None:
    response = _client().post(reverse("family:request"), {**form_data, field: value})
    assert response.status_code == 200
    html = _problems(response.content.decode())
    errors = re.search(rf'id="id_{field}_errors">(.*?)</ul>', html)
    assert errors, html[:2000]
    assert message in errors.group(1) and hint in errors.group(1)
    if value:
        assert value in errors.group(1).replace("&#x27;", "'")
    assert 'aria-invalid="true"' in html
    assert not TracingRequest.objects.exists() and not AuditRecord.objects.exists()


def test_names_with_apostrophes_and_in_any_one_script_are_accepted(form_data: dict[str, str]) -> None:
    for given, family in (("Вʼячеслав", "Мірошниченко"), ("В'ячеслав", "Д’Аньєло"), ("Seán", "O'Brien")):
        portal.submit(data={**form_data, "given_name": given, "family_name": family, "patronymic": ""})
    assert TracingRequest.objects.count() == 3


def test_a_phone_number_is_stored_with_its_country_code(form_data: dict[str, str]) -> None:
    """A number written as at home (no +380) is read as Ukrainian and kept in E.164."""
    portal.submit(data={**form_data, "enquirer_phone": "(044) 000-11-22"})
    assert TracingRequest.objects.get().enquirer_phone == "+380440001122"


def test_a_request_with_no_way_to_reach_the_family_is_refused(form_data: dict[str, str]) -> None:
    data = {**form_data, "enquirer_phone": "", "enquirer_email": ""}
    html = _problems(_client("ru").post(reverse("family:request"), data).content.decode())
    assert "нам нужен способ связаться с вами" in html
    assert not TracingRequest.objects.exists()


def test_photos_are_checked_with_pillow(form_data: dict[str, str]) -> None:
    good = SimpleUploadedFile("face.png", png_bytes(), content_type="image/png")
    fake = SimpleUploadedFile("face.jpg", b"\xff\xd8\xff not really a jpeg", content_type="image/jpeg")
    html = _problems(
        _client().post(reverse("family:request"), {**form_data, "photos": [good, fake]}).content.decode()
    )
    assert "face.jpg is not a photo we can open" in html and "JPEG, PNG or WebP" in html
    assert not TracingRequest.objects.exists() and not RequestPhoto.objects.exists()
    good.seek(0)
    response = _client().post(reverse("family:request"), {**form_data, "photos": [good]})
    assert response.status_code == 302
    photo = RequestPhoto.objects.get()
    assert photo.content_type == "image/png" and photo.size == len(png_bytes())


def test_a_photo_too_large_is_refused(form_data: dict[str, str], settings: Any) -> None:
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (portal.MAX_PHOTO_BYTES + 1), "image/png")
    html = _problems(
        _client().post(reverse("family:request"), {**form_data, "photos": [big]}).content.decode()
    )
    assert "big.png is larger than 5 MB" in html and "smaller copy" in html
    assert not TracingRequest.objects.exists()


def test_submissions_are_rate_limited_per_address(form_data: dict[str, str], settings: Any) -> None:
    settings.TRACING_SUBMIT_RATE_LIMIT = (3, 3600)
    client = _client()
    for _ in range(3):
        assert client.post(reverse("family:request"), form_data).status_code == 302
    response = client.post(reverse("family:request"), form_data)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "send it again; what you wrote is kept below" in _problems(response.content.decode())
    assert TracingRequest.objects.count() == 3
    assert AuditRecord.objects.filter(action="rate_limited").count() == 1


def test_only_requests_that_pass_the_checks_count_against_the_limit(
    form_data: dict[str, str], settings: Any
) -> None:
    settings.TRACING_SUBMIT_RATE_LIMIT = (10, 3600)
    client = _client()
    for _ in range(3):
        assert client.post(reverse("family:request"), form_data).status_code == 302
    for _ in range(7):  # a family struggling with the form is never refused for its mistakes
        rejected = client.post(reverse("family:request"), {**form_data, "enquirer_email": "not-an-address"})
        assert rejected.status_code == 200 and "is not an e-mail address" in rejected.content.decode()
    assert client.post(reverse("family:request"), form_data).status_code == 302  # the 11th
    assert TracingRequest.objects.count() == 4
    assert not AuditRecord.objects.filter(action="rate_limited").exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("uk", "Ваш запит ще не надіслано"),
        ("ru", "Ваш запрос ещё не отправлен"),
        ("en", "Your request was not sent yet"),
    ],
)
def test_a_refused_request_comes_back_filled_in_with_the_reason(
    form_data: dict[str, str], settings: Any, language: str, message: str
) -> None:
    settings.TRACING_SUBMIT_RATE_LIMIT = (1, 3600)
    client = _client(language)
    assert client.post(reverse("family:request"), form_data).status_code == 302
    photo = SimpleUploadedFile("face.png", png_bytes(), content_type="image/png")
    response = client.post(reverse("family:request"), {**form_data, "photos": [photo]})
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 3600
    html = _problems(response.content.decode())
    assert message in html and f'<html lang="{language}">' in html
    # the form again, with what the family wrote (the photos must be chosen again: a browser never keeps them)
    assert '<form method="post" enctype="multipart/form-data"' in html
    for field in ("family_name", "given_name", "enquirer_name", "last_contact_place"):
        assert f'value="{form_data[field]}"' in html, field
    assert form_data["circumstances"].replace("'", "&#x27;") in html
    assert 'id="id_photos_again"' in html
    # a page without a request code does not speak of one
    assert "request code" not in html and "коду запиту" not in html and "кода запроса" not in html
    assert TracingRequest.objects.count() == 1 and RequestPhoto.objects.count() == 0


def test_a_flood_of_valid_requests_stores_at_most_the_limit(form_data: dict[str, str], settings: Any) -> None:
    settings.TRACING_SUBMIT_RATE_LIMIT = (5, 60)
    client = _client()
    answers = [client.post(reverse("family:request"), form_data).status_code for _ in range(50)]
    assert answers == [302] * 5 + [429] * 45
    assert TracingRequest.objects.count() == 5


# --- sizes, photos chosen again, too large a request ----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "size"),
    [("uk", "(&#x27;5,0 МБ&#x27;)"), ("ru", "(&#x27;5,0 МБ&#x27;)"), ("en", "(&#x27;5.0 MB&#x27;)")],
)
def test_a_photo_size_is_written_in_the_pages_language(
    form_data: dict[str, str], language: str, size: str
) -> None:
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (portal.MAX_PHOTO_BYTES + 1), "image/png")
    html = _problems(
        _client(language).post(reverse("family:request"), {**form_data, "photos": [big]}).content.decode()
    )
    errors = re.search(r'id="id_photos_errors">(.*?)</ul>', html)
    assert errors and size in errors.group(1), errors
    if language != "en":
        assert "MB" not in errors.group(1)


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("uk", "Будь ласка, виберіть фото ще раз"),
        ("ru", "Пожалуйста, выберите фото ещё раз"),
        ("en", "Please choose the photos again"),
    ],
)
def test_the_family_is_told_to_choose_the_photos_again(
    form_data: dict[str, str], language: str, hint: str
) -> None:
    photo = SimpleUploadedFile("face.png", png_bytes(), content_type="image/png")
    data = {**form_data, "birth_date": "2999", "photos": [photo]}
    html = _problems(_client(language).post(reverse("family:request"), data).content.decode())
    note = re.search(r'<p class="important again" id="id_photos_again">([^<]*)</p>', html)
    assert note and hint in note.group(1)
    assert re.search(r'<input type="file"[^>]*aria-describedby="id_photos_help id_photos_again"', html)
    # no photo chosen: nothing to choose again
    html = _client(language).post(reverse("family:request"), {**form_data, "birth_date": "2999"}).content
    assert b"id_photos_again" not in html


class _Unread:
    """A request body that must not be read."""

    read_at_all = False

    def read(self, *args: Any) -> bytes:
        _Unread.read_at_all = True
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize(
    ("language", "title"),
    [("uk", "Запит завеликий"), ("ru", "Запрос слишком большой"), ("en", "The request is too large")],
)
def test_a_request_larger_than_a_valid_one_is_refused_before_it_is_read(language: str, title: str) -> None:
    client = Client(enforce_csrf_checks=True)  # refused before the CSRF check reads the form
    client.cookies["django_language"] = language
    response = client.generic(
        "POST",
        reverse("family:request"),
        b"-",
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(150 * 2**20),
        **{"wsgi.input": _Unread()},
    )
    assert response.status_code == 413 and not _Unread.read_at_all
    html = _problems(response.content.decode())
    assert f"<h1>{title}</h1>" in html and f'<html lang="{language}">' in html
    assert not TracingRequest.objects.exists() and not AuditRecord.objects.exists()
    # the largest valid request is well below the cap
    assert portal.MAX_BODY_BYTES > portal.MAX_PHOTOS * portal.MAX_PHOTO_BYTES


# --- the code and secret page, an expired form -------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "advice"),
    [
        ("uk", "Надрукуйте цю сторінку або запишіть код і секрет"),
        ("ru", "Распечатайте эту страницу или запишите код и секрет"),
        ("en", "Print this page, or write the code and the secret down"),
    ],
)
def test_the_code_page_names_no_keyboard_shortcut(
    form_data: dict[str, str], language: str, advice: str
) -> None:
    client = _client(language)
    client.post(reverse("family:request"), form_data)
    page = client.get(reverse("family:request_done")).content.decode()
    assert 'id="request-secret"' in page and advice in page
    assert "Ctrl" not in page and "⌘" not in page


@pytest.mark.parametrize(
    ("language", "title"),
    [("uk", "Термін дії форми минув"), ("ru", "Срок действия формы истёк"), ("en", "The form has expired")],
)
def test_an_expired_form_gets_a_translated_page(form_data: dict[str, str], language: str, title: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = language
    response = client.post(reverse("family:request"), form_data)  # no CSRF token: as after it expired
    assert response.status_code == 403
    html = _problems(response.content.decode())
    assert f"<h1>{title}</h1>" in html and 'href="/static/homecoming/family.css' in html.replace("'", '"')
    assert f'href="{reverse("family:request")}"' in html  # open the form again
    assert "CSRF verification" not in html and "Forbidden" not in html
    assert not TracingRequest.objects.exists()
    # a staff page: the staff site's page, translated too (the staff pages speak uk and en: ru is shown in uk)
    staff = client.post(reverse("tracing:queue"), {})
    staff_title = "Термін дії форми минув" if language == "ru" else title
    assert staff.status_code == 403 and f"<h1>{staff_title}</h1>" in _problems(staff.content.decode())
    assert "family.css" not in staff.content.decode()
    assert "CSRF verification" not in staff.content.decode()


# --- the status page ------------------------------------------------------------------------------------


def _look(client: Client, code: str, secret: str) -> Any:
    return client.post(reverse("family:status"), {"code": code, "secret": secret})


def _shape(html: str) -> str:
    """The page without what differs between two renderings of the same page (CSRF token, the code)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'name="code"[^>]*value="[^"]*"', 'name="code"', html)


def test_the_right_pair_shows_state_and_released_text_only(submitted: Any, liaison: Any, person: Any) -> None:
    req = submitted.request
    services.link_person(actor=liaison, request_id=req.pk, person_id=person.pk, confirm=True)
    services.release(actor=liaison, request_id=req.pk, text="Synthetic answer: he is registered as captive.")
    client = _client()
    response = _look(client, portal.grouped(req.code).lower(), portal.grouped(submitted.secret, 4))
    assert response.status_code == 302 and response["Location"] == reverse("family:status")
    assert req.code not in response["Location"]
    page = client.get(reverse("family:status")).content.decode()
    assert "Synthetic answer: he is registered as captive." in page
    assert "Answered" in page
    # nothing of the registry but the release: not the person's reference, names or status
    assert (
        person.reference not in page and "Шевченко" not in page.upper() and "SHEVCHENKO" not in page.upper()
    )
    assert "Ковальчук" not in page  # not even what the family wrote: only the state and the releases
    # leaving the page forgets the pair
    client.post(reverse("family:status_leave"))
    assert "Synthetic answer" not in client.get(reverse("family:status")).content.decode()


def test_a_wrong_secret_and_an_unknown_code_get_the_same_page(submitted: Any) -> None:
    req = submitted.request
    wrong_secret = _look(_client(), req.code, "AAAA-BBBB-CCCC")
    unknown_code = _look(_client(), "ZZZZZ-ZZZZZ", submitted.secret)
    empty = _look(_client(), "", "")
    assert wrong_secret.status_code == unknown_code.status_code == empty.status_code == 200
    assert _shape(wrong_secret.content.decode()) == _shape(unknown_code.content.decode())
    assert _shape(empty.content.decode()) == _shape(unknown_code.content.decode())
    assert "do not open a request" in wrong_secret.content.decode()
    assert not Release.objects.exists()


def test_status_look_ups_are_rate_limited_per_code(submitted: Any, settings: Any) -> None:
    settings.TRACING_STATUS_RATE_LIMIT = (5, 600)
    req = submitted.request
    for n in range(5):
        client = Client(REMOTE_ADDR=f"10.0.0.{n}")
        assert _look(client, req.code, "WRONG").status_code == 200
    # the right pair from a fresh address is refused too: the code is locked for a while
    limited = _look(Client(REMOTE_ADDR="10.0.1.1"), req.code, submitted.secret)
    assert limited.status_code == 429 and "Retry-After" in limited
    html = _problems(limited.content.decode())
    assert "Too many attempts from your connection or for this request code" in html
    # the form again, the code as typed (never the secret): the family tries again later from here
    assert re.search(rf'<input type="text" name="code" value="{req.code}"', html)
    assert 'name="secret"' in html and submitted.secret not in html
    assert 'id="request-state"' not in html


def test_status_look_ups_are_rate_limited_per_address(submitted: Any, settings: Any) -> None:
    settings.TRACING_STATUS_RATE_LIMIT = (5, 600)
    client = _client("ru")
    for n in range(5):
        assert _look(client, f"CODE{n}", "WRONG").status_code == 200
    limited = _look(client, "OTHER", "WRONG")
    assert limited.status_code == 429
    assert "Слишком много попыток" in limited.content.decode()


def test_the_status_is_never_in_the_url(submitted: Any) -> None:
    response = Client().get(
        reverse("family:status"), {"code": submitted.request.code, "secret": submitted.secret}
    )
    assert response.status_code == 200  # a GET with the pair in its query string opens nothing
    assert 'id="request-state"' not in response.content.decode()
    assert 'name="secret"' in response.content.decode()


def test_transitions_and_releases_are_insert_only(submitted: Any, liaison: Any) -> None:
    from django.db import DatabaseError, transaction

    services.release(actor=liaison, request_id=submitted.request.pk, text="Synthetic")
    for model in (Release, RequestTransition):
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.all().delete()
