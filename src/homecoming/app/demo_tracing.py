"""The demo's tracing requests: synthetic families asking in Ukrainian, Russian and English.

About a third of the requests are about demo persons (their names as the registry has them, or their
Latin transliteration for the English ones), the rest about people the registry does not know (Faker
names). Four are the other side's families ("I Want to Find"): Russian mothers asking about soldiers of
the other party the registry holds as prisoners of war — one repatriated, one dead in captivity — all
linked, the first one's captivity confirmed to the family from the registry. Some are worked by the demo
liaison officer: linked to their person, answered, closed. Three requests (one per language; the
Russian one is the confirmed request of the other side) have a usable secret, printed by ``homecoming
demo`` so that the portal can be tried (kept in ``DATA_DIR/demo-portal-pairs.json``, mode 0600, when the
demo is built — the secrets exist nowhere else — and printed again on every start); the bulk requests
store an unusable hash (no password hashing spent on them). Everything is invented.
"""

from __future__ import annotations

import json
import os
import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from faker import Faker

from homecoming.app.registry.models import Person
from homecoming.app.tracing import confirmations, portal, services

RELATIONS = {
    "uk": ["мати", "батько", "дружина", "сестра", "брат", "син", "донька"],
    "ru": ["мать", "отец", "жена", "сестра", "брат", "сын", "дочь"],
    "en": ["mother", "father", "wife", "sister", "brother", "son", "daughter"],
}
ANSWERS = {
    "uk": "Ми отримали ваш запит і шукаємо. Ми напишемо тут, щойно щось дізнаємося.",
    "ru": "Мы получили ваш запрос и ищем. Мы напишем здесь, как только что-то узнаем.",
    "en": "We received your request and are searching. We will write here as soon as we learn anything.",
}
FAKER = {"uk": "uk_UA", "ru": "ru_RU", "en": "en_GB"}
#: Ukrainian mobile operator codes: the demo's phone numbers are synthetic but valid (libphonenumber)
_MOBILE = (50, 63, 66, 67, 68, 73, 93, 95, 96, 97, 98, 99)
#: the pairs (code, secret) of the requests that can be opened on the portal (``homecoming demo`` prints them)
DEMO_PAIRS: list[tuple[str, str, str]] = []
#: where ``homecoming demo`` keeps the pairs in its data folder (readable by the owner only)
PAIRS_FILE = "demo-portal-pairs.json"


@dataclass(frozen=True)
class Built:
    requests: int
    about_known_persons: int
    pairs: list[tuple[str, str, str]]  # (language, code, secret)


def _sought(rng: random.Random, fake: Faker, lang: str, persons: list[Person]) -> tuple[dict[str, str], Any]:
    if persons and rng.random() < 0.35:
        person = rng.choice(persons)
        forms = list(person.names.all())
        latin = [f for f in forms if f.script == "latin"]
        form = (latin or forms)[0] if lang == "en" else forms[0]
        return {
            "family_name": form.family_name,
            "given_name": form.given_name,
            "patronymic": form.patronymic if lang != "en" else "",
            "birth_date": (person.birth_date or "")[: rng.choice((4, 7, 10))],
            "unit": person.unit,
            "service_number": person.service_number if rng.random() < 0.5 else "",
        }, person
    return {
        "family_name": fake.last_name_male(),
        "given_name": fake.first_name_male(),
        "patronymic": fake.middle_name_male() if lang != "en" and hasattr(fake, "middle_name_male") else "",
        "birth_date": str(rng.randint(1965, 2005)),
        "unit": "",
        "service_number": "",
    }, None


OTHER_SIDE = 4


def _other_side(
    users: dict[str, Any], rng: random.Random, fake: Faker, today: date
) -> tuple[str, str] | None:
    """Soldiers of the other party held as prisoners of war, and their mothers' requests in Russian (the
    first confirmed from the registry); the (code, secret) of that first request, to try the portal."""
    from homecoming.app.captivity import services as captivity
    from homecoming.app.registry import services as registry

    registrar, liaison = users.get("registrar"), users.get("liaison")
    if registrar is None or liaison is None:
        return None
    pair = None
    for n in range(OTHER_SIDE):
        given, patronymic, family = fake.first_name_male(), fake.middle_name_male(), fake.last_name_male()
        born = date(rng.randint(1975, 2004), rng.randint(1, 12), rng.randint(1, 28))
        person = registry.create_person(
            actor=registrar,
            data={
                "sex": "male",
                "birth_date": born.isoformat(),
                "power": "RU",
                "force": "Armed Forces of the Russian Federation",
                "service_number": f"Z-{rng.randint(100000, 999999)}",
            },
            names=[{"family_name": family, "given_name": given, "patronymic": patronymic, "language": "ru"}],
            reason="demo data: a prisoner of war of the other party",
        )
        captured = today - timedelta(days=rng.randint(120, 600))
        record = captivity.create_detention(
            actor=registrar,
            person=person,
            data={
                "detaining_power": "UA",
                "capture_date": captured,
                "internment_number": f"UA-{rng.randint(10000, 99999)}",
                "current_place": f"Camp No. {rng.randint(1, 9)} (synthetic)",
            },
        )
        if n == 2:
            captivity.add_event(
                actor=registrar, record_id=record.pk, kind="repatriation", on=today - timedelta(days=20)
            )
        elif n == 3:
            captivity.add_event(
                actor=registrar, record_id=record.pk, kind="death", on=captured + timedelta(days=60)
            )
        done = portal.submit(
            data={
                "enquirer_name": fake.name_female(),
                "enquirer_relationship": "мать",
                "enquirer_phone": f"+7 900 {rng.randint(100, 999)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}",
                "enquirer_email": "",
                "family_name": family,
                "given_name": given,
                "patronymic": patronymic,
                "birth_date": str(born.year),
                "last_contact_date": (captured - timedelta(days=3)).isoformat(),
                "last_contact_place": "Запорожское направление",
                "circumstances": "synthetic demo request (I Want to Find)",
                "dna_relatives": "мать, отец",
            },
            language="ru",
            usable_secret=n == 0,
        )
        req = services.link_person(
            actor=liaison, request_id=done.request.pk, person_id=person.pk, confirm=True
        )
        if n == 0:
            (fact,) = [f for f in confirmations.facts(req, liaison) if f.kind == "captivity"]
            confirmations.confirm(actor=liaison, request_id=req.pk, fact=fact.key, text=fact.text)
            pair = (portal.grouped(done.request.code), portal.grouped(done.secret, 4))
    return pair


def build_tracing(users: dict[str, Any], *, count: int = 300, seed: int = 0) -> Built:
    """``count`` tracing requests in uk, ru and en (about 50 / 35 / 15 %), some about demo persons, four
    of them the other side's families (:func:`_other_side`)."""
    rng = random.Random(seed + 13)
    fakes = {lang: Faker(locale) for lang, locale in FAKER.items()}
    for i, f in enumerate(fakes.values()):
        f.seed_instance(seed + 100 + i)
    persons = list(Person.objects.filter(purged=False).prefetch_related("names").order_by("id")[:2000])
    liaison = users.get("liaison")
    today = date.today()
    known = 0
    pairs: list[tuple[str, str, str]] = []
    other = _other_side(users, rng, fakes["ru"], today) if count > OTHER_SIDE else None
    if other is not None:
        count -= OTHER_SIDE
        known += OTHER_SIDE
    for i in range(count):
        lang = "uk" if rng.random() < 0.5 else "ru" if rng.random() < 0.7 else "en"
        fake = fakes[lang]
        sought, person = _sought(rng, fake, lang, persons)
        contact = today - timedelta(days=rng.randint(10, 900))
        data = {
            "enquirer_name": fake.name(),
            "enquirer_relationship": rng.choice(RELATIONS[lang]),
            "enquirer_phone": f"+380 {_MOBILE[rng.randint(10, 99) % len(_MOBILE)]} {rng.randint(100, 999)} "
            f"{rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            "enquirer_email": f"family{i:04d}@example.invalid" if rng.random() < 0.6 else "",
            "last_contact_date": contact.isoformat(),
            "last_contact_place": rng.choice(["Донецька область", "Запорізький напрямок", "Kherson region"]),
            "circumstances": "synthetic demo request",
            "dna_relatives": rng.choice(RELATIONS[lang]),
            **sought,
        }
        printable = lang not in {p[0] for p in pairs} and (lang != "ru" or other is None)
        done = portal.submit(data=data, language=lang, usable_secret=printable)
        if printable:
            pairs.append((lang, portal.grouped(done.request.code), portal.grouped(done.secret, 4)))
        known += person is not None
        if liaison is None or person is None or rng.random() < 0.3:
            continue
        req = done.request
        services.link_person(actor=liaison, request_id=req.pk, person_id=person.pk, confirm=True)
        if rng.random() < 0.6:
            services.release(actor=liaison, request_id=req.pk, text=ANSWERS[lang])
    if other is not None:  # the Russian pair opens the other side's confirmed request
        pairs.append(("ru", *other))
        count += OTHER_SIDE
    pairs.sort(key=lambda p: ("uk", "ru", "en").index(p[0]))
    DEMO_PAIRS[:] = pairs
    return Built(requests=count, about_known_persons=known, pairs=pairs)


def keep_pairs(folder: Path, pairs: list[tuple[str, str, str]]) -> Path:
    """Write the demo's (language, code, secret) pairs to ``folder/PAIRS_FILE``, readable by the owner
    only (0600: the secrets open the demo's requests), written whole under a private name first."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PAIRS_FILE
    tmp = folder / f".{PAIRS_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump([list(p) for p in pairs], out, ensure_ascii=False)
    os.replace(tmp, path)
    return path


def kept_pairs(folder: Path) -> list[tuple[str, str, str]]:
    """The pairs :func:`keep_pairs` wrote in ``folder`` ([] when there are none, or the file is not ours)."""
    try:
        rows = json.loads((folder / PAIRS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(rows, list):
        return []
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows if isinstance(r, list) and len(r) == 3]
