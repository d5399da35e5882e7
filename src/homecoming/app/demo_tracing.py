"""The demo's tracing requests: synthetic families asking in Ukrainian, Russian and English.

About a third of the requests are about demo persons (their names as the registry has them, or their
Latin transliteration for the English ones), the rest about people the registry does not know (Faker
names). Some are worked by the demo liaison officer: linked to their person, answered, closed. Three
requests have a usable secret, printed by ``homecoming demo`` so that the portal can be tried; the bulk
requests store an unusable hash (no password hashing spent on them). Everything is invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from faker import Faker

from homecoming.app.registry.models import Person
from homecoming.app.tracing import portal, services

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
#: the pairs (code, secret) of the requests that can be opened on the portal (``homecoming demo`` prints them)
DEMO_PAIRS: list[tuple[str, str, str]] = []


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


def build_tracing(users: dict[str, Any], *, count: int = 300, seed: int = 0) -> Built:
    """``count`` tracing requests in uk, ru and en (about 50 / 35 / 15 %), some about demo persons."""
    rng = random.Random(seed + 13)
    fakes = {lang: Faker(locale) for lang, locale in FAKER.items()}
    for i, f in enumerate(fakes.values()):
        f.seed_instance(seed + 100 + i)
    persons = list(Person.objects.filter(purged=False).prefetch_related("names").order_by("id")[:2000])
    liaison = users.get("liaison")
    today = date.today()
    known = 0
    pairs: list[tuple[str, str, str]] = []
    for i in range(count):
        lang = "uk" if rng.random() < 0.5 else "ru" if rng.random() < 0.7 else "en"
        fake = fakes[lang]
        sought, person = _sought(rng, fake, lang, persons)
        contact = today - timedelta(days=rng.randint(10, 900))
        data = {
            "enquirer_name": fake.name(),
            "enquirer_relationship": rng.choice(RELATIONS[lang]),
            "enquirer_phone": f"+380 {rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            "enquirer_email": f"family{i:04d}@example.invalid" if rng.random() < 0.6 else "",
            "last_contact_date": contact.isoformat(),
            "last_contact_place": rng.choice(["Донецька область", "Запорізький напрямок", "Kherson region"]),
            "circumstances": "synthetic demo request",
            "dna_relatives": rng.choice(RELATIONS[lang]),
            **sought,
        }
        printable = len(pairs) < 3 and lang == ("uk", "ru", "en")[len(pairs)]
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
    DEMO_PAIRS[:] = pairs
    return Built(requests=count, about_known_persons=known, pairs=pairs)
