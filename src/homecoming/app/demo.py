"""The demo database: synthetic persons (Faker uk_UA and ru_RU names), cases, claims, prisoners.

Everything here is invented. Names are drawn by Faker; numbers, dates and places are random. Every
record is written through the services, so the demo's audit trail is a real one.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from faker import Faker

from homecoming.app.accounts.models import User
from homecoming.app.accounts.roles import Role
from homecoming.app.accounts.services import create_user
from homecoming.app.captivity import services as captivity
from homecoming.app.demo_places import last_contact_coordinates
from homecoming.app.registry import services as registry
from homecoming.app.registry.models import Person
from homecoming.app.vocabulary import RANKS, UNITS
from homecoming.linkage.names import romanize_ru, romanize_uk

DEMO_PASSWORD = "homecoming-demo"
DEMO_FAMILIES = 2000  # reference families of the full demo (demo_genetics)
DEMO_USERS = {
    "registrar": Role.registrar,
    "coordinator": Role.exchange_coordinator,
    "examiner": Role.forensic_examiner,
    "analyst": Role.dna_analyst,
    "reviewer": Role.identification_reviewer,
    "senior": Role.senior_identification_reviewer,
    "liaison": Role.family_liaison,
    "auditor": Role.auditor,
    "admin": Role.admin,
}
PLACES = [
    "near Pokrovsk",
    "near Bakhmut",
    "near Vovchansk",
    "Zaporizhzhia direction",
    "Kupiansk direction",
    "Kherson region",
    "Donetsk region",
    "Luhansk region",
]


def _users() -> dict[str, User]:
    users = {}
    for name, role in DEMO_USERS.items():
        user = User.objects.filter(username=name).first() or create_user(
            username=name, password=DEMO_PASSWORD, role=role, first_name=name.title(), check_password=False
        )
        users[name] = user
    return users


def _name(fake: Faker, sex: str) -> tuple[str, str, str]:
    if sex == "female":
        return fake.last_name_female(), fake.first_name_female(), fake.middle_name_female()
    return fake.last_name_male(), fake.first_name_male(), fake.middle_name_male()


def _person(rng: random.Random, fakes: dict[str, Faker], users: dict[str, User], today: date) -> Person:
    lang = "uk" if rng.random() < 0.8 else "ru"
    fake = fakes[lang]
    sex = "male" if rng.random() < 0.93 else "female"
    family, given, patronymic = _name(fake, sex)
    rom = romanize_uk if lang == "uk" else romanize_ru
    names = [
        {
            "family_name": family,
            "given_name": given,
            "patronymic": patronymic,
            "script": "cyrillic",
            "language": lang,
            "kind": "registered",
        },
        {
            "family_name": rom(family),
            "given_name": rom(given),
            "patronymic": rom(patronymic),
            "script": "latin",
            "language": lang,
            "kind": "transliteration",
        },
    ]
    born = date(rng.randint(1965, 2005), rng.randint(1, 12), rng.randint(1, 28))
    precision = rng.random()
    birth = (
        born.isoformat()
        if precision < 0.7
        else (born.strftime("%Y-%m") if precision < 0.85 else str(born.year))
    )
    data: dict[str, Any] = {
        "sex": sex,
        "birth_date": birth,
        "place_of_birth": fake.city(),
        "citizenship": "UA",
        "father_name": fake.first_name_male(),
        "mother_maiden_name": fake.last_name_female(),
        "power": "UA",
        "force": "Armed Forces of Ukraine",
        "unit": rng.choice(UNITS),
        "rank": rng.choice(RANKS),
        "service_number": f"{rng.choice('ABCDEFGH')}{rng.randint(100000, 999999)}",
        "identity_document": f"ID-{rng.randint(1000000, 9999999)}",
    }
    return registry.create_person(actor=users["registrar"], data=data, names=names, reason="demo data")


def _story(rng: random.Random, person: Person, users: dict[str, User], today: date, fake: Faker) -> None:
    reg, rev, liaison = users["registrar"], users["reviewer"], users["liaison"]
    lost = today - timedelta(days=rng.randint(30, 900))
    place = rng.choice(PLACES)
    case = registry.open_case(
        actor=liaison,
        person=person,
        data={
            "last_contact_date": lost.isoformat(),
            "last_contact_place": place,
            **last_contact_coordinates(place, person.pk),  # synthetic, seeded apart (demo_places)
            "unit_at_disappearance": person.unit,
            "circumstances": "Lost contact during combat (synthetic).",
        },
        enquirers=[
            {
                "name": fake.name(),
                "relationship": rng.choice(["mother", "wife", "father", "sister"]),
                "phone": f"+380 50 {rng.randint(1000000, 9999999)}",  # a valid (synthetic) mobile
            }
        ],
    )
    registry.transition_case(actor=liaison, case_id=case.pk, target="verified", reason="documents checked")
    registry.transition_case(actor=liaison, case_id=case.pk, target="active_search")
    fate = rng.random()
    if fate < 0.3:
        captured = lost + timedelta(days=rng.randint(0, 10))
        claim = registry.add_assertion(
            actor=reg,
            person=person,
            status="captive",
            source_type="icrc",
            source_name="ICRC notification (synthetic)",
            source_date=min(captured + timedelta(days=20), today),
            reliability="A",
        )
        registry.review_assertion(actor=rev, assertion_id=claim.pk, decision="accepted")
        registry.transition_case(actor=liaison, case_id=case.pk, target="captivity_confirmed")
        record = captivity.create_detention(
            actor=reg,
            person=person,
            data={
                "detaining_power": "RU",
                "capture_date": captured,
                "capture_place": case.last_contact_place,
                "internment_number": f"RU-{rng.randint(10000, 99999)}",
                "current_place": f"Camp No. {rng.randint(1, 12)}",
                "seriously_ill": rng.random() < 0.15,
            },
        )
        captivity.add_event(
            actor=reg,
            record_id=record.pk,
            kind="registration",
            on=min(captured + timedelta(days=3), today),
            place=record.current_place,
        )
        if rng.random() < 0.7:
            card = captivity.create_card(
                actor=reg,
                record_id=record.pk,
                data={
                    "health": rng.choice(["good", "slightly_wounded", "seriously_wounded"]),
                    "family_address": "(synthetic address)",
                    "card_date": min(captured + timedelta(days=5), today),
                },
            )
            if rng.random() < 0.6:
                captivity.dispatch_card(
                    actor=reg,
                    card_id=card.pk,
                    recipient="central_tracing_agency",
                    sent_on=min(captured + timedelta(days=rng.randint(3, 12)), today),
                )
        if record.seriously_ill:
            captivity.add_health_report(
                actor=reg,
                record_id=record.pk,
                on=min(captured + timedelta(days=9), today),
                condition="serious",
                report="Serious injury; treatment ongoing (synthetic).",
            )
            captivity.set_eligibility(
                actor=users["coordinator"],
                record_id=record.pk,
                data={
                    "category": "110_1_2",
                    "finding": "eligible",
                    "consent": "given",
                    "commission_date": min(captured + timedelta(days=30), today),
                },
            )
    elif fate < 0.45:
        claim = registry.add_assertion(
            actor=reg,
            person=person,
            status="believed_dead",
            source_type="returnee_testimony",
            source_name="testimony of a returned prisoner (synthetic)",
            source_date=min(lost + timedelta(days=60), today),
            reliability="C",
        )
        if rng.random() < 0.5:
            registry.review_assertion(actor=rev, assertion_id=claim.pk, decision="accepted")
    elif fate < 0.5:
        claim = registry.add_assertion(
            actor=reg,
            person=person,
            status="confirmed_dead",
            source_type="forensic_report",
            source_name="forensic report (synthetic)",
            source_date=min(lost + timedelta(days=200), today),
            reliability="A",
        )
        registry.review_assertion(actor=rev, assertion_id=claim.pk, decision="accepted")
        registry.transition_case(actor=liaison, case_id=case.pk, target="death_confirmed_identified")
    elif fate < 0.55:
        registry.add_assertion(
            actor=reg,
            person=person,
            status="alive",
            source_type="open_source",
            source_name="video published online (synthetic)",
            source_date=min(lost + timedelta(days=5), today),
            reliability="E",
        )


def build_demo(
    *,
    persons: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    families: int | None = None,
    lab_files: Path | None = None,
    stage: Callable[[str], None] | None = None,
) -> int:
    """Fill an empty database with ``persons`` synthetic persons and their stories, then the genetics demo
    (``families`` reference families; by default one per person, and 2,000 for a demo of 1,000 persons or
    more, the extra missing persons imported as a person list); 0 if already filled. With ``lab_files``,
    the demo's lab files (``demo/lab-files``) are written there for the samples of this build. ``stage`` is
    told what each part of the build is before it starts (the command's progress lines)."""
    if Person.objects.exists():
        return 0
    say = stage or (lambda _what: None)
    say("the users, the agreements, the operations and the intake batch")
    users = _users()
    rng = random.Random(seed)
    fakes = {"uk": Faker("uk_UA"), "ru": Faker("ru_RU")}
    for i, f in enumerate(fakes.values()):
        f.seed_instance(seed + i)
    today = date.today()
    from homecoming.app.demo_remains import build_exchanges_and_remains

    build_exchanges_and_remains(users)
    say(f"{persons} synthetic persons and their stories")
    for _ in range(persons):
        person = _person(rng, fakes, users, today)
        if rng.random() < 0.85:
            _story(rng, person, users, today, fakes["uk"])
        if progress:
            progress(1)
    from homecoming.app.demo_genetics import build_genetics

    if families is None:
        families = DEMO_FAMILIES if persons >= 1000 else persons
    say(f"the DNA: the frequency table, the batch's profiles, {families} reference families")
    dna = build_genetics(users, families=families, seed=seed)
    from homecoming.app.demo_tracing import build_tracing

    # the families' tracing requests (issue 13): 300 for a demo of 300 persons or more
    say("the families' tracing requests")
    build_tracing(users, count=300 if persons >= 300 else max(6, persons), seed=seed)
    if lab_files is not None and dna.pending:
        from homecoming.app.demo_lab_files import write_lab_files

        write_lab_files(dna, lab_files, year=today.year)
    return persons
