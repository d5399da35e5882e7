"""The family's side of a tracing request: checking and storing it, its code and secret, its status.

* ``submit`` checks the whole form at once (every problem names the field, shows the value and says how
  to fix it, in the family's language), stores the request, its photos (verified with Pillow) and its
  name keys, writes the first transition and the audit record (no user: the family has no account; the
  contacts are kept in the trail as a keyed digest only), and returns the request with its secret —
  the one moment the secret exists in clear. The secret is stored as a password hash (Django's Argon2
  hasher with parameters for random secrets: ``SecretHasher``).
* ``find`` answers a (code, secret) pair with the request or ``None``; an unknown code costs the same
  password check as a wrong secret, so neither the answer nor its time tells which was wrong.
* ``status`` is everything the family may see: the state, the date received and the released texts
  (the liaison's releases, and the words of a recorded notification of death once the request is linked).
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from homecoming.app.audit import services as audit
from homecoming.app.audit import withheld as audit_withheld
from homecoming.app.registry.numbers import normalise_number
from homecoming.app.registry.services import allocate
from homecoming.app.tracing.models import (
    CONTACT_FIELDS,
    Release,
    RequestNameKey,
    RequestPhoto,
    RequestTransition,
    TracingRequest,
)
from homecoming.domain import contacts
from homecoming.domain.partial_dates import PartialDate
from homecoming.domain.tracing_states import RequestState
from homecoming.errors import Problem, ValidationError
from homecoming.linkage.names import detect_script, given_name_keys, name_keys

#: request codes and secrets: upper-case letters and digits without the look-alikes 0 O 1 I L
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
SECRET_LENGTH = 12
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
#: the most a valid request's body can be (every photo at its largest, the text fields and the multipart
#: framing well inside the margin): a POST to the portal declaring more is refused before it is read
MAX_BODY_BYTES = MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024
PHOTO_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
LANGUAGES = ("uk", "ru", "en")

_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ '’ʼ\-][^\W\d_]+)*\.?$")

TEXT_LIMITS = {
    "enquirer_name": 200,
    "enquirer_relationship": 100,
    "enquirer_phone": 30,
    "enquirer_email": 200,
    "family_name": 100,
    "given_name": 100,
    "patronymic": 100,
    "unit": 200,
    "service_number": 50,
    "last_contact_place": 200,
    "circumstances": 5000,
    "dna_relatives": 2000,
}
FIELDS = (*TEXT_LIMITS, "birth_date", "last_contact_date")


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """What the family typed as a code or secret, as stored: upper case, no spaces or dashes."""
    return re.sub(r"[\s\-]+", "", str(text or "")).upper()


def grouped(text: str, size: int = 5) -> str:
    """``ABCDE23456`` → ``ABCDE-23456`` (easier to read out and copy)."""
    return "-".join(text[i : i + size] for i in range(0, len(text), size))


def _new_code() -> str:
    while True:
        code = _random(CODE_LENGTH)
        if not TracingRequest.objects.filter(code=code).exists():
            return code


class SecretHasher(Argon2PasswordHasher):
    """Django's Argon2 password hasher with lighter parameters, for request secrets only.

    A secret is 12 random characters of a 31-letter alphabet (≈ 59 bits), not a password a person chose:
    no dictionary shortens an offline search of it, so the memory-hard cost that protects human passwords
    (Django's default, ~100 MiB and ~0.1 s per check) buys nothing here but a slow status page. 4 MiB and
    two passes keep a check at a few milliseconds. The hash is a standard ``argon2$argon2id$…`` string:
    Django's ``check_password`` verifies it too."""

    time_cost = 2
    memory_cost = 4096
    parallelism = 1


_HASHER = SecretHasher()


def hash_secret(secret: str | None) -> str:
    """The stored form of a secret (``None``: an unusable hash that no secret opens)."""
    if secret is None:
        return make_password(None)
    return str(_HASHER.encode(secret, _HASHER.salt()))


def secret_matches(secret: str, encoded: str) -> bool:
    if encoded.startswith(_HASHER.algorithm + "$"):
        return bool(_HASHER.verify(secret, encoded))
    return bool(check_password(secret, encoded))  # another hasher's hash (none is written today)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_secret(_random(SECRET_LENGTH))


# --- checking the form -----------------------------------------------------------------------------------


def _date_problem(name: str, raw: str, today: date) -> tuple[str, Problem | None]:
    """The partial date as stored (``1990``, ``1990-05``, ``1990-05-17``), or a translated problem."""
    if not raw:
        return "", None
    formats = _("write it as YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY, e.g. 1990-05-17 or 05.1990")
    try:
        parsed = PartialDate.parse(raw, field=name, today=date(9999, 12, 31))
    except ValidationError:
        return "", Problem(name, _("is not a date we can read"), raw, formats)
    if parsed.earliest() > today:
        return "", Problem(
            name,
            _("is in the future"),
            raw,
            _("check the year; today is %(today)s") % {"today": today.isoformat()},
        )
    return str(parsed), None


def _name_problems(clean: dict[str, str]) -> list[Problem]:
    problems = []
    for name in ("family_name", "given_name", "patronymic"):
        value = clean[name]
        if not value:
            continue
        # apostrophes (Ukrainian ʼ is a "modifier letter") belong to every script
        if detect_script(re.sub(r"['’ʼ`]", "", value)) == "mixed":
            problems.append(
                Problem(
                    name,
                    _("mixes letters of different alphabets (e.g. Latin and Cyrillic)"),
                    value,
                    _("write the whole name in one alphabet; add other spellings under circumstances"),
                )
            )
        elif not _NAME_CHARS.match(value):
            problems.append(
                Problem(
                    name,
                    _("may hold only letters, spaces, hyphens and apostrophes"),
                    value,
                    _("remove digits and other signs"),
                )
            )
    return problems


def _enquirer_name_problems(value: str) -> list[Problem]:
    """A word of the enquirer's name mixing alphabets (a Latin letter inside a Cyrillic word)."""
    words = re.sub(r"['’ʼ`]", "", value).replace("-", " ").split()
    if not any(detect_script(word) == "mixed" for word in words):
        return []
    return [
        Problem(
            "enquirer_name",
            _("mixes letters of different alphabets (e.g. Latin and Cyrillic)"),
            value,
            _("write each word of your name in one alphabet"),
        )
    ]


def _contact_problems(clean: dict[str, str]) -> list[Problem]:
    problems = []
    phone, email = clean["enquirer_phone"], clean["enquirer_email"]
    if not phone and not email:
        problems.append(
            Problem(
                "enquirer_phone",
                _("we need a way to reach you"),
                "",
                _("give a phone number, an e-mail address or both"),
            )
        )
    e164, bad_phone = contacts.phone_problem("enquirer_phone", phone)
    if bad_phone is None:
        clean["enquirer_phone"] = e164
    else:
        problems.append(
            Problem(
                "enquirer_phone",
                _("is not a phone number"),
                phone,
                _("write it with the country code, e.g. +380 44 123 45 67"),
            )
        )
    if email and contacts.email_problem("enquirer_email", email)[1] is not None:
        problems.append(
            Problem(
                "enquirer_email",
                _("is not an e-mail address"),
                email,
                _("write it as name@example.org"),
            )
        )
    return problems


def megabytes(size: int) -> str:
    """A size as the family reads it, in the active language: ``20.0 MB``, ``20,0 МБ``."""
    return _("%(size)s MB") % {"size": number_format(size / 2**20, decimal_pos=1)}


def _photo_problems(photos: Sequence[Any]) -> tuple[list[tuple[bytes, str, str]], list[Problem]]:
    """Each photo's bytes, content type and extension, or the problems (size, not an image, too many)."""
    from PIL import Image

    problems: list[Problem] = []
    kept: list[tuple[bytes, str, str]] = []
    if len(photos) > MAX_PHOTOS:
        problems.append(
            Problem(
                "photos",
                _("at most %(n)d photos may be sent") % {"n": MAX_PHOTOS},
                len(photos),
                _("choose the %(n)d clearest photos") % {"n": MAX_PHOTOS},
            )
        )
        return kept, problems
    for upload in photos:
        name = str(getattr(upload, "name", "") or "")
        size = int(getattr(upload, "size", 0) or 0)
        if size > MAX_PHOTO_BYTES:
            problems.append(
                Problem(
                    "photos",
                    _("%(name)s is larger than %(mb)d MB") % {"name": name, "mb": MAX_PHOTO_BYTES // 2**20},
                    megabytes(size),
                    _("send a smaller copy of the photo (e.g. taken again with a phone)"),
                )
            )
            continue
        data = upload.read()
        try:
            with Image.open(io.BytesIO(data)) as img:
                fmt = img.format or ""
                img.verify()
        except Exception:  # Pillow raises many kinds (UnidentifiedImageError, SyntaxError, bombs ...)
            fmt = ""
        if fmt not in PHOTO_FORMATS:
            problems.append(
                Problem(
                    "photos",
                    _("%(name)s is not a photo we can open") % {"name": name},
                    name,
                    _("send JPEG, PNG or WebP pictures"),
                )
            )
            continue
        content_type, ext = PHOTO_FORMATS[fmt]
        kept.append((data, content_type, ext))
    return kept, problems


def check(
    data: Mapping[str, Any], photos: Sequence[Any] = (), *, today: date | None = None
) -> tuple[dict[str, str], list[tuple[bytes, str, str]]]:
    """The request's fields as stored, and its photos; ValidationError listing every problem."""
    today = today or date.today()
    clean = {k: str(data.get(k) or "").strip() for k in FIELDS}
    problems: list[Problem] = []
    for name, hint in (
        ("enquirer_name", _("write your full name")),
        ("enquirer_relationship", _("say how you are related, e.g. mother, brother, wife")),
        ("family_name", _("write the surname of the person you are looking for")),
    ):
        if not clean[name]:
            problems.append(Problem(name, _("is required"), "", hint))
    for name, limit in TEXT_LIMITS.items():
        if len(clean[name]) > limit:
            problems.append(
                Problem(
                    name,
                    _("is longer than %(n)d characters") % {"n": limit},
                    clean[name][:40] + "…",
                    _("shorten it"),
                )
            )
    problems += _contact_problems(clean)
    problems += _name_problems(clean)
    problems += _enquirer_name_problems(clean["enquirer_name"])
    for name in ("birth_date", "last_contact_date"):
        clean[name], problem = _date_problem(name, clean[name], today)
        if problem:
            problems.append(problem)
    if clean["service_number"]:
        clean["service_number"] = normalise_number(clean["service_number"])
    kept, photo_problems = _photo_problems(photos)
    problems += photo_problems
    if problems:
        raise ValidationError.from_problems(problems, _("the tracing request"))
    return clean, kept


# --- storing it ------------------------------------------------------------------------------------------


def index_names(request: TracingRequest) -> None:
    """Rebuild the folded name keys of the request's sought person (as the registry indexes persons)."""
    keys: set[str] = set()
    for part in ("family_name", "given_name", "patronymic"):
        keyer = given_name_keys if part == "given_name" else name_keys
        for word in str(getattr(request, part) or "").replace("-", " ").split():
            keys |= keyer(word)
    RequestNameKey.objects.filter(request=request).delete()
    RequestNameKey.objects.bulk_create(
        [RequestNameKey(request=request, key=k[:64]) for k in sorted(keys) if k]
    )


def snapshot(request: TracingRequest) -> dict[str, Any]:
    """The request as the audit trail keeps it: no secret hash; contacts as a keyed digest only."""
    data = audit.snapshot(request, exclude=("secret_hash",))
    return audit_withheld.withheld(data, CONTACT_FIELDS)


@dataclass(frozen=True)
class Submitted:
    request: TracingRequest
    secret: str  # in clear: shown once to the family, then forgotten


def submit(
    *,
    data: Mapping[str, Any],
    photos: Sequence[Any] = (),
    language: str = "uk",
    today: date | None = None,
    usable_secret: bool = True,
    before_write: Callable[[], None] | None = None,
) -> Submitted:
    """Store a family's tracing request (no user: the family has no account); its code and secret.

    ``before_write`` runs once the request has passed every check and before anything is written, outside
    the transaction that writes it (the portal counts a valid submission against its rate limit there: a
    refusal it raises writes nothing but its own audit record).
    ``usable_secret=False`` (the demo's bulk requests only) stores an unusable hash instead of hashing
    the secret: no pair opens the request, and no password hashing is spent on it."""
    clean, kept = check(data, photos, today=today)
    if before_write is not None:
        before_write()
    return _store(clean, kept, language=language, usable_secret=usable_secret)


@transaction.atomic
def _store(
    clean: dict[str, str], kept: list[tuple[bytes, str, str]], *, language: str, usable_secret: bool
) -> Submitted:
    secret = _random(SECRET_LENGTH)
    request = TracingRequest(
        **clean,
        code=_new_code(),
        secret_hash=hash_secret(secret if usable_secret else None),
        language=language if language in LANGUAGES else "uk",
        reference=f"TR-{allocate('tracing_request')[0]:07d}",
    )
    request.save(force_insert=True)
    index_names(request)
    for number, (content, content_type, ext) in enumerate(kept, start=1):
        photo = RequestPhoto(request=request, content_type=content_type, size=len(content))
        photo.image.save(f"{request.reference}-{number}.{ext}", ContentFile(content), save=False)
        photo.save()
    RequestTransition.objects.create(
        request=request, from_state="", to_state=RequestState.received, reason="submitted by the family"
    )
    audit.record(
        actor=None,
        action="create",
        obj=request,
        after={**snapshot(request), "photos": len(kept)},
        reason="tracing request submitted on the family portal",
    )
    return Submitted(request=request, secret=secret)


# --- the family reading its request ---------------------------------------------------------------------


def find(code: str, secret: str) -> TracingRequest | None:
    """The request of a right (code, secret) pair, else None — the same work for an unknown code."""
    request = TracingRequest.objects.filter(code=normalise_code(code)).first()
    given = normalise_code(secret)
    if request is None:
        secret_matches(given, _dummy_hash())  # the same work as a wrong secret
        return None
    return request if given and secret_matches(given, request.secret_hash) else None


@dataclass(frozen=True)
class Message:
    at: datetime
    text: str


@dataclass(frozen=True)
class Status:
    code: str
    state: str
    received_at: datetime
    messages: list[Message]


def released_messages(request: TracingRequest) -> list[Message]:
    """What was released to this request's family, oldest first: the liaison's releases to the request,
    and the words the officer chose in a recorded notification of death, in the contacts that told this
    request's family (``identification.notifications.released_news``: nothing until that family was
    told by a person, and nothing to another family asking about the same person)."""
    messages = [Message(at=r.released_at, text=r.text) for r in Release.objects.filter(request=request)]
    if request.person_id is not None:
        from homecoming.app.identification.notifications import released_news

        messages += [Message(at=n.at, text=n.text) for n in released_news(request)]
    return sorted(messages, key=lambda m: m.at)


def status(request: TracingRequest, *, audited: bool = True) -> Status:
    """What the family sees: state, date received, released texts — nothing else of the registry."""
    if audited:
        audit.record(actor=None, action="view", obj=request, reason="the family read the request's status")
    return Status(
        code=request.code,
        state=request.state,
        received_at=request.received_at,
        messages=released_messages(request),
    )


def send_code(submitted: Submitted, *, status_url: str) -> bool:
    """Queue the e-mail of the request code and secret to the family, in the request's language, if an
    e-mail was given; the worker sends it through the outbox (``homecoming.app.messaging``), trying again
    after a temporary failure. Only the code, the secret and where to use them: never anything about the
    sought person. A failure to queue is logged and audited, never a failed request (the family has the
    page to print). The outbox keeps the text encrypted and erases it once sent."""
    request = submitted.request
    if not request.enquirer_email:
        return False
    values = {
        "code": grouped(request.code),
        "secret": grouped(submitted.secret, 4),
        "status_url": status_url,
    }
    return _queue_email(request, purpose="request_code", values=values, what="code and secret")


def send_news(request: TracingRequest, *, status_url: str) -> bool:
    """Tell the family by e-mail that there is news on their request — never the news itself (nothing that
    could reveal a death goes by e-mail): only that they should open the status page with their code and
    secret (the outbox's fixed "news" template takes no free text). Queued in the request's language, when
    an e-mail was given and the contacts are still kept."""
    if not request.enquirer_email or request.contacts_purged_at is not None:
        return False
    values = {"code": grouped(request.code), "status_url": status_url}
    return _queue_email(request, purpose="news", values=values, what="'there is news'")


def _queue_email(request: TracingRequest, *, purpose: str, values: dict[str, str], what: str) -> bool:
    import logging

    from homecoming.app.messaging import services as outbox

    try:
        outbox.queue(
            channel="email",
            purpose=purpose,
            recipient=request.enquirer_email,
            language=request.language if request.language in LANGUAGES else "en",
            values=values,
            tracing_request_id=request.pk,
        )
    except ValidationError as exc:  # e.g. a status address the outbox refuses; the family has the page
        logging.getLogger(__name__).warning(
            "tracing request %s: e-mail not queued: %s", request.reference, exc
        )
        audit.record(
            actor=None, action="email_failed", obj=request, reason=f"{what} e-mail not queued: {exc}"
        )
        return False
    audit.record(
        actor=None, action="email_queued", obj=request, reason=f"{what} e-mail queued for the family"
    )
    return True
