"""Demo reference families (synthetic): pedigrees, samples, consent and reference profiles.

Each family is made for one registry person through the families services (``genetics.families``:
``create_family``, ``add_relative``; ``genetics.family_records``: ``record_sample``, ``record_consent``),
so every row has its audit record as a user's would. The relatives' genotypes are simulated down the
family's own pedigree (the members the services made, connecting members included), the missing person's
with them: for the first ``BODY_FAMILIES`` families that genotype is a body's in the demo batch. The
reference profiles go to the laboratory and come back as one CMF file, imported by the lab import service.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.utils import timezone
from faker import Faker

from homecoming.app.demo_dna import (
    BODY_FAMILIES,
    CATEGORY,
    CONSENT_MIX,
    DESIGNS,
    DemoDna,
    family_profiles,
    lab_profile,
    write_cmf_file,
)
from homecoming.app.genetics.models import FamilyMember, ReferenceFamily
from homecoming.app.registry.models import Person
from homecoming.kinship.formats.lab import LabProfile
from homecoming.kinship.model.markers import Locus, Profile

SERVICE_FAMILIES = 24  # the first families (the bodies' among them) go through the services; the rest in bulk


def _extra_persons(users: dict[str, Any], n: int, seed: int) -> None:
    """``n`` more synthetic missing persons, imported as a user's list would be (``import_persons``)."""
    from homecoming.app.registry.importing import import_persons
    from homecoming.io.persons import write_persons
    from homecoming.linkage.names import romanize_uk

    fake = Faker("uk_UA")
    fake.seed_instance(seed + 31)
    rng = random.Random(seed + 1)
    rows = []
    for i in range(n):
        male = rng.random() < 0.93
        family, given, patronymic = (
            (fake.last_name_male(), fake.first_name_male(), fake.middle_name_male())
            if male
            else (fake.last_name_female(), fake.first_name_female(), fake.middle_name_female())
        )
        rows.append(
            {
                "family_name": family,
                "given_name": given,
                "patronymic": patronymic,
                "script": "cyrillic",
                "language": "uk",
                "family_name_latin": romanize_uk(family),
                "given_name_latin": romanize_uk(given),
                "patronymic_latin": romanize_uk(patronymic),
                "sex": "male" if male else "female",
                "birth_date": f"{rng.randint(1965, 2005)}-{rng.randint(1, 12):02d}",
                "power": "UA",
                "force": "Armed Forces of Ukraine",
                "notes": f"synthetic demo person {i + 1} (reference family)",
            }
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo-missing-persons.csv"
        write_persons(rows, path, fmt="csv")
        import_persons(actor=users["registrar"], path=path)


def _persons(users: dict[str, Any], n: int, seed: int) -> list[Person]:
    """``n`` registry persons for the families: the demo's persons first, then imported synthetic ones."""
    have = Person.objects.count()
    if have < n:
        _extra_persons(users, n - have, seed)
    return list(Person.objects.order_by("id")[:n])


def _family_name(person: Person) -> str:
    form = person.name_forms.filter(script="cyrillic").first() if hasattr(person, "name_forms") else None
    return getattr(form, "family_name", "") or ""


def _family(
    actor: Any, person: Person, design: Sequence[tuple[str, str]], fake: Faker
) -> tuple[ReferenceFamily, list[FamilyMember], FamilyMember]:
    from homecoming.app.genetics import families

    surname = _family_name(person)
    family = families.create_family(actor=actor, persons=[person.pk], label=f"{surname} (demo)".strip())
    typed = []
    for relation, sex in design:
        given = (
            fake.first_name_female() if sex == "female" or relation in ("mother",) else fake.first_name_male()
        )
        typed.append(
            families.add_relative(
                actor=actor,
                family=family,
                relation=relation,
                sex=sex or None,
                display_name=f"{surname} {given}",
            )
        )
    missing = family.members.filter(relation="missing").order_by("id").first()
    assert missing is not None
    return family, typed, missing


def _consent(actor: Any, family: ReferenceFamily, k: int, given_by: FamilyMember, today: date) -> None:
    from homecoming.app.genetics.family_records import record_consent

    given, withdrawn = CONSENT_MIX[k % len(CONSENT_MIX)]
    signed = today - timedelta(days=200 + k % 150)
    for scope in given:
        record_consent(
            actor=actor, family=family, scope=scope, action="given", on=signed, given_by=given_by.pk
        )
    for scope in withdrawn:
        record_consent(
            actor=actor,
            family=family,
            scope=scope,
            action="withdrawn",
            on=signed + timedelta(days=60),
            given_by=given_by.pk,
            note="withdrawn by the family (synthetic)",
        )


def _by_services(
    users: dict[str, Any], persons: list[Person], loci: Sequence[Locus], seed: int, fake: Faker
) -> tuple[list[Profile], list[LabProfile]]:
    """The first families, through the families services; the missing persons' and relatives' genotypes."""
    from homecoming.app.genetics.family_records import record_sample
    from homecoming.app.genetics.pedigree_view import build_pedigree

    liaison = users["liaison"]
    today = timezone.localdate()
    missing_profiles, references = [], []
    for k, person in enumerate(persons):
        family, typed, missing = _family(liaison, person, DESIGNS[k % len(DESIGNS)], fake)
        members = list(family.members.filter(removed__isnull=True).order_by("id"))
        rng = family_rng(seed, k)
        genotypes = family_profiles(build_pedigree(members), loci, rng, [m.code for m in typed], missing.code)
        missing_profiles.append(genotypes[missing.code])
        for i, member in enumerate(typed):
            sample = record_sample(
                actor=liaison,
                member=member,
                lab_reference=lab_reference(k, i),
                taken_on=today - timedelta(days=180 + k % 90),
                taken_by="Demo family liaison (synthetic)",
            )
            category = CATEGORY[member.relation]
            references.append(lab_profile(sample.lab_reference, category, genotypes[member.code]))
        _consent(liaison, family, k, typed[0], today)
    return missing_profiles, references


def family_rng(seed: int, k: int) -> np.random.Generator:
    """The generator of family ``k``: each family's genotypes are the same however many families there are."""
    return np.random.default_rng([seed, k])


def lab_reference(k: int, i: int) -> str:
    """The laboratory's id of the ``i``-th reference sample of the ``k``-th demo family: ``family:person``,
    as a Familias file names a family's persons (``demo/lab-files/family-1.fam``)."""
    return f"DEMO-RS-{k + 1:05d}:{i + 1}"


def _in_bulk(
    users: dict[str, Any],
    persons: list[Person],
    start: int,
    loci: Sequence[Locus],
    seed: int,
    fake: Faker,
) -> list[LabProfile]:
    """The other families, by the bulk path (:mod:`homecoming.app.demo_families_bulk`)."""
    from homecoming.app.demo_families_bulk import SPECS, BulkFamily, records, write_families, write_samples
    from homecoming.kinship.model.pedigree import Pedigree

    liaison = users["liaison"]
    today = timezone.localdate()
    todo = []
    for k, person in enumerate(persons, start=start):
        spec = records(SPECS[k % len(SPECS)], person.sex)
        surname = _family_name(person)
        names = {
            code: f"{surname} {fake.first_name_female() if sex == 'female' else fake.first_name_male()}"
            for code, _relation, sex, _fa, _mo, typed in spec
            if typed
        }
        todo.append(BulkFamily(person, f"{surname} (demo)".strip(), spec, names))
    write_families(liaison, todo)
    samples, consents, references = [], [], []
    for k, f in enumerate(todo, start=start):
        assert f.members is not None and f.family is not None
        ped = Pedigree.from_records([(c, fa or None, mo or None, sex) for c, _r, sex, fa, mo, _t in f.spec])
        typed = [rec for rec in f.spec if rec[5]]
        genotypes = family_profiles(ped, loci, family_rng(seed, k), [rec[0] for rec in typed], "MP1")
        taken = today - timedelta(days=180 + k % 90)
        for i, rec in enumerate(typed):
            samples.append((f.members[rec[0]], lab_reference(k, i), taken))
            references.append(lab_profile(lab_reference(k, i), CATEGORY[rec[1]], genotypes[rec[0]]))
        given, withdrawn = CONSENT_MIX[k % len(CONSENT_MIX)]
        signed, by = today - timedelta(days=200 + k % 150), f.members[typed[0][0]]
        consents += [(f.family, scope, "given", signed, by, "") for scope in given]
        later = signed + timedelta(days=60)
        consents += [
            (f.family, s, "withdrawn", later, by, "withdrawn by the family (synthetic)") for s in withdrawn
        ]
    write_samples(liaison, samples, consents)
    return references


def build_families(
    users: dict[str, Any],
    dna: DemoDna,
    loci: Sequence[Locus],
    *,
    families: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> list[Profile]:
    """``families`` families with samples, consent and imported reference profiles; the genotypes of the
    missing persons of the first ``BODY_FAMILIES`` (the true persons of bodies in the batch)."""
    from homecoming.app.genetics.importing import import_lab_file

    fake = Faker("uk_UA")
    fake.seed_instance(seed + 21)
    persons = _persons(users, families, seed)
    by_services = min(families, SERVICE_FAMILIES)
    missing, references = _by_services(users, persons[:by_services], loci, seed, fake)
    if progress:
        progress(by_services)
    references += _in_bulk(users, persons[by_services:], by_services, loci, seed, fake)
    if progress:
        progress(families - by_services)
    data = write_cmf_file(references, batch_id="DEMO-REFERENCES")
    import_lab_file(actor=users["analyst"], data=data, name="demo-reference-profiles.xml", format="cmf")
    dna.references = references
    dna.missing_sex = [p.sex if p.sex in ("male", "female") else "male" for p in persons[:BODY_FAMILIES]]
    dna.counts["families"] = families
    dna.counts["families_by_services"] = by_services
    dna.counts["reference_profiles"] = len(references)
    return missing[:BODY_FAMILIES]
