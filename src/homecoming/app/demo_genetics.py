"""Demo DNA (synthetic): the frequency table in force, the batch's DNA, reference families, lab files.

* The public Norwegian table (forrel::NorwegianFrequencies) is imported and put in force.
* Every body of the demo intake batch gets a bone sample and a *true person*: a genotype simulated
  (seeded ``numpy`` Generator) on the 21 autosomal STRs of a GlobalFiler-like kit. Some bodies are the
  missing persons of reference families: their relatives are simulated from the same pedigree.
  The laboratory's result is written as a CODIS CMF file with the lab-file writer and imported through
  the lab import service, the way a user's file is; a few staff elimination profiles come with it (and
  one body's sample is contaminated by a staff member, so the elimination check has something to find).
  ``PENDING`` samples are not in it: their profiles are ``demo/lab-files/batch-good.xml``, for a new user
  to import.
* ``families`` reference families (synthetic names from Faker, as ``demo.py`` makes them), each for a
  missing person of the registry, built through the families services with a mix of pedigrees and of
  consent scopes (some withdrawn). Their reference profiles are written as one CMF file and imported
  through the lab import service.

Everything is invented; nothing here is a real person's name or DNA.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import numpy as np

from homecoming.app.demo_dna import (
    BODY_FAMILIES,
    DEMO_LOCI,
    FILE_TIME,
    DemoDna,
    lab_profile,
    single_profiles,
    write_cmf_file,
)
from homecoming.app.demo_families import build_families
from homecoming.app.demo_places import place_bodies
from homecoming.app.genetics import frequencies
from homecoming.app.genetics.models import FrequencyTable
from homecoming.app.registry.models import Person
from homecoming.app.remains import examinations
from homecoming.app.remains import services as remains
from homecoming.app.remains.models import IntakeBatch, RemainsUnit, Sample
from homecoming.kinship.model.markers import Locus, Profile

PENDING = 3  # the batch's last samples: reported later (demo/lab-files/batch-good.xml)
STAFF = 3  # staff elimination profiles
CONTAMINATED = 4  # the body (in batch order) whose sample carries staff member 2's DNA
TABLE_NAME = "Norwegian 35 STR (forrel::NorwegianFrequencies)"


def norwegian_text() -> str:
    return (
        resources.files("homecoming.kinship")
        .joinpath("data", "forrel_NorwegianFrequencies.csv")
        .read_text("utf-8")
    )


def table_in_force(users: dict[str, Any]) -> FrequencyTable:
    """The Norwegian table, imported and put in force (once)."""
    found = FrequencyTable.objects.filter(name=TABLE_NAME).first()
    if found is not None:
        return found
    return frequencies.import_table(
        actor=users["analyst"],
        text=norwegian_text(),
        name=TABLE_NAME,
        population="Norway",
        source="Dupuy et al. (2013), FSI: Genetics Supplement Series 4(1); forrel 1.9.0 (GPL >= 2)",
        file_name="forrel_NorwegianFrequencies.csv",
        minimum_rule="none",
        notes="Public aggregate data shipped with Homecoming for the demo; the table's own values are used.",
        activate_reason="demo: the table in force for screening and matching",
    )


def build_genetics(
    users: dict[str, Any],
    *,
    families: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> DemoDna:
    """The whole genetics demo (see the module); once: nothing is done if a table is already stored."""
    dna = DemoDna()
    if FrequencyTable.objects.exists():
        return dna
    dna.table = table_in_force(users)
    loci = frequencies.kinship_loci(dna.table, DEMO_LOCI)
    missing = build_families(users, dna, loci, families=families, seed=seed, progress=progress)
    batch_dna(users, dna, loci, np.random.default_rng([seed, 1 << 20]), missing)
    return dna


def batch_bodies(batch: IntakeBatch) -> list[RemainsUnit]:
    """The bodies of the batch: bags of one body and the bodies a commingled bag was opened into."""
    units = list(batch.units.filter(kind__in=("container", "body")).order_by("id"))
    parents = set(RemainsUnit.objects.filter(parent__in=units).values_list("parent_id", flat=True))
    return [u for u in units if u.pk not in parents]


def _samples(users: dict[str, Any], bodies: list[RemainsUnit]) -> list[Sample]:
    samples = []
    for unit in bodies:
        sample = unit.samples.order_by("id").first()
        if sample is None:
            if unit.state == "received":  # walked as a body is: registered, examined, then sampled
                unit = remains.transition(actor=users["examiner"], unit_id=unit.pk, target="registered")
            if unit.state == "registered":
                examinations.record_examination(
                    actor=users["examiner"],
                    unit=unit,
                    data={"place": "Demo forensic facility", "external": "skeletonised remains (synthetic)"},
                )
            sample = examinations.take_sample(
                actor=users["examiner"], unit=unit, kind="bone", description="petrous bone (demo DNA sample)"
            )
        samples.append(sample)
    return samples


def _anthropology(
    examiner: Any,
    units: list[RemainsUnit],
    sexes: list[str],
    true_person: list[int | None],
    persons: list[int],
) -> None:
    """An examination of each body giving its sex and an age range (from the true person's birth year at
    the recovery, ten years wide; 20-45 for a soldier no family looks for), so the demo's candidates
    show the sex and age factors beside the DNA LR."""
    births = dict(Person.objects.filter(pk__in=persons).values_list("pk", "birth_date"))
    for unit, sex, k in zip(units, sexes, true_person, strict=True):
        birth = births.get(persons[k]) if k is not None and k < len(persons) else None
        when = unit.date_of_death or unit.date_of_recovery or "2025"
        if birth and str(birth)[:4].isdigit() and str(when)[:4].isdigit():
            age = int(str(when)[:4]) - int(str(birth)[:4])
            low, high = max(16, age - 5), age + 5
        else:
            low, high = 20, 45
        examinations.record_examination(
            actor=examiner,
            unit=unit,
            data={"place": "Demo forensic facility", "sex": sex, "age_min": low, "age_max": high},
        )


def batch_dna(
    users: dict[str, Any],
    dna: DemoDna,
    loci: Sequence[Locus],
    rng: np.random.Generator,
    missing: list[Profile],
) -> None:
    """A sample and a true person for every body; the lab's CMF file imported for all but PENDING."""
    from homecoming.app.genetics.importing import import_lab_file

    batch = IntakeBatch.objects.order_by("id").first()
    if batch is None:
        return
    samples = _samples(users, batch_bodies(batch))
    staff = single_profiles(loci, rng, STAFF)
    truths = single_profiles(loci, rng, len(samples))
    n = len(samples)
    order = [int(i) for i in rng.permutation(n) if int(i) != CONTAMINATED and int(i) != n - PENDING]
    order.insert(0, n - PENDING)  # the first sample reported later is a family's missing person
    sexes = ["male"] * n  # the bodies of soldiers; a family's missing person has the registry's sex
    for k, (slot, profile) in enumerate(zip(order, missing[:BODY_FAMILIES], strict=False)):
        truths[slot] = profile
        dna.truth[samples[slot].reference] = k
        if k < len(dna.missing_sex):
            sexes[slot] = dna.missing_sex[k]
    if n > CONTAMINATED:
        truths[CONTAMINATED] = staff[1]
    staff_sex = ("female", "male")
    dna.staff = [
        lab_profile(f"DEMO-STAFF-{i + 1:03d}", "staff", p, sex=staff_sex[i % 2]) for i, p in enumerate(staff)
    ]
    if n > CONTAMINATED:
        sexes[CONTAMINATED] = staff_sex[1]
    profiles = [
        lab_profile(s.reference, "unidentified_person", t, sex=x)
        for s, t, x in zip(samples, truths, sexes, strict=True)
    ]
    dna.bodies, dna.pending = profiles[:-PENDING], profiles[-PENDING:]
    data = write_cmf_file([*dna.bodies, *dna.staff], batch_id=batch.reference)
    dna.files["batch-good.xml"] = write_cmf_file(dna.pending, batch_id=batch.reference, when=FILE_TIME)
    import_lab_file(
        actor=users["analyst"], data=data, name=f"{batch.reference}-dna.xml", format="cmf", batch=batch
    )
    persons = list(Person.objects.order_by("id").values_list("pk", flat=True)[:BODY_FAMILIES])
    true_person = [dna.truth.get(s.reference) for s in samples]
    dna.counts["bodies_near_last_contact"] = place_bodies(
        users["examiner"],
        [s.unit for s in samples],
        [persons[k] if k is not None and k < len(persons) else None for k in true_person],
    )
    _anthropology(users["examiner"], [s.unit for s in samples], sexes, true_person, persons)
    dna.counts["samples"] = len(samples)
    dna.counts["post_mortem_profiles"] = len(dna.bodies)
    dna.counts["staff_profiles"] = STAFF
