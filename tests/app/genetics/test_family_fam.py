"""Familias .fam exchange: export a consent scope's families and post-mortem profiles; import a family."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from homecoming.app.audit.models import AuditRecord
from homecoming.app.genetics import fam_exchange, families, family_records
from homecoming.app.genetics.models import FamilyMember, Profile, ReferenceFamily, ReferenceSample
from homecoming.errors import CaseFileError, FrequencyError
from homecoming.kinship.formats.familias import read_fam

pytestmark = pytest.mark.django_db

FATHER = {"D3S1358": ["15", "16"], "TH01": ["6", "9.3"], "D21S11": ["28", "30"]}
SISTER = {"D3S1358": ["15", "15"], "TH01": ["9.3", "8"], "D21S11": ["30", "31"]}
BODY = {"D3S1358": ["16", "17"], "TH01": ["6", "8"], "D21S11": ["28", "31"], "AMEL": ["X", "Y"]}


@pytest.fixture
def liaison(make_user: Any) -> Any:
    return make_user("family_liaison", "liaison")


def _loci(genos: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [{"locus": m, "used": a, "written": a, "flags": []} for m, a in genos.items()]


def _typed(actor: Any, member: FamilyMember, lab: str, genos: dict[str, list[str]]) -> None:
    sample = family_records.record_sample(actor=actor, member=member, lab_reference=lab)
    Profile.objects.create(
        reference=f"PR-{lab}",
        kind="reference",
        reference_sample=sample,
        specimen=lab,
        category="father",
        method="autosomal_str",
        locus_count=len(genos),
        loci=_loci(genos),
    )


@pytest.fixture
def body(examiner_sample: Any) -> Profile:
    return Profile.objects.create(
        reference="PR-BODY-1",
        kind="post_mortem",
        sample=examiner_sample,
        specimen="B1",
        category="unidentified_person",
        method="autosomal_str",
        locus_count=3,
        loci=_loci(BODY),
    )


@pytest.fixture
def examiner_sample(make_user: Any) -> Any:
    from homecoming.app.remains import examinations, services

    examiner = make_user("forensic_examiner", "examiner")
    batch = services.create_batch(
        actor=examiner,
        data={
            "source": "recovery",
            "transport": "train",
            "receiving_facility": "Lab (synthetic)",
            "handed_over_by": "A",
            "received_by": "B",
        },
    )
    unit = services.register_unit(actor=examiner, batch=batch, data={"bag_number": "BAG-1", "kind": "body"})
    return examinations.take_sample(actor=examiner, unit=unit, kind="bone", description="femur")


@pytest.fixture
def family(liaison: Any, person: Any) -> ReferenceFamily:
    fam = families.create_family(actor=liaison, persons=[person.pk])
    father = families.add_relative(actor=liaison, family=fam, relation="father")
    sister = families.add_relative(actor=liaison, family=fam, relation="full_sibling", sex="female")
    _typed(liaison, father, "LAB-F", FATHER)
    _typed(liaison, sister, "LAB-S", SISTER)
    family_records.record_consent(
        actor=liaison, family=fam, scope="icrc", action="given", on=dt.date(2026, 1, 2)
    )
    return fam


def test_export_then_read_gives_the_same_pedigree_and_profiles(
    liaison: Any, family: ReferenceFamily, body: Profile, tmp_path: Path
) -> None:
    data = fam_exchange.export_fam(actor=liaison, scope="icrc")
    path = tmp_path / "x.fam"
    path.write_bytes(data)
    got = read_fam(path)
    (fam,) = got.families
    ref = family.reference
    assert fam.name == ref
    live = {m.code: m for m in family.members.filter(removed__isnull=True)}
    father, sister = live["R2"], live["R4"]
    assert set(fam.references) == {f"{ref}:R2", f"{ref}:R4"}
    for code, genos in (("R2", FATHER), ("R4", SISTER)):
        prof = fam.references[f"{ref}:{code}"]
        assert {m: sorted(g.alleles) for m, g in prof.genotypes.items() if g} == {
            m: sorted(a) for m, a in genos.items()
        }
    recs = {r["id"]: r for r in fam.pedigree.records()}
    mp = fam.missing[0]
    assert recs[mp]["father"] == f"{ref}:R2" and recs[f"{ref}:R4"]["father"] == f"{ref}:R2"
    assert recs[mp]["mother"] == recs[f"{ref}:R4"]["mother"] is not None
    assert recs[f"{ref}:R4"]["sex"] == "female" and father.sex == "male" and sister.sex == "female"
    (victim,) = [p for p, _s in got.victims]
    assert victim.sample == "PR-BODY-1"
    assert AuditRecord.objects.filter(action="export", object_id="scope:icrc").exists()


def test_a_withdrawn_family_is_not_exported(liaison: Any, family: ReferenceFamily, tmp_path: Path) -> None:
    family_records.record_consent(
        actor=liaison, family=family, scope="domestic", action="given", on=dt.date(2026, 1, 2)
    )
    family_records.record_consent(
        actor=liaison, family=family, scope="domestic", action="withdrawn", on=dt.date(2026, 1, 3)
    )
    assert list(family_records.families_in_scope("icrc")) == []
    assert fam_exchange.build_problem("icrc").families == ()


def test_an_allele_without_frequency_is_named_and_nothing_is_written(
    liaison: Any, family: ReferenceFamily
) -> None:
    other = families.add_relative(actor=liaison, family=family, relation="paternal_half_sibling", sex="male")
    _typed(liaison, other, "LAB-H", {"D3S1358": ["15", "99"], "TH01": ["6", "77"]})
    before = AuditRecord.objects.count()
    with pytest.raises(FrequencyError) as err:
        fam_exchange.export_fam(actor=liaison, scope="icrc")
    messages = [p.message for p in err.value.problems]
    assert any("allele 99 has no frequency" in m for m in messages) and any(
        "allele 77" in m for m in messages
    )
    assert AuditRecord.objects.count() == before


def test_import_round_trip(liaison: Any, family: ReferenceFamily, registrar: Any, tmp_path: Path) -> None:
    from homecoming.app.registry import services

    path = tmp_path / "family.fam"
    path.write_bytes(fam_exchange.export_fam(actor=liaison, scope="icrc"))
    ReferenceSample.objects.filter(
        lab_reference__in=["LAB-F", "LAB-S"]
    )  # the names in the file are member ids
    other = services.create_person(
        actor=registrar,
        data={"sex": "male", "power": "UA"},
        names=[{"family_name": "Коваль", "given_name": "Іван"}],
    )
    fam = fam_exchange.import_fam(actor=liaison, path=path, person=other.pk)
    live = {m.display_name: m for m in fam.members.filter(removed__isnull=True)}
    ref = family.reference
    assert live[f"{ref}:R2"].relation == "father" and live[f"{ref}:R4"].relation == "full_sibling"
    assert live[f"{ref}:R4"].sex == "female"
    mp = fam.members.get(relation="missing")
    assert mp.father_id == live[f"{ref}:R2"].pk and mp.person_id == other.pk
    labs = set(ReferenceSample.objects.filter(member__family=fam).values_list("lab_reference", flat=True))
    assert labs == {f"{ref}:R2", f"{ref}:R4"}
    with pytest.raises(Exception, match="is taken by another reference sample"):
        fam_exchange.import_fam(actor=liaison, path=path, person=other.pk)


def test_import_refuses_a_parent_of_unknown_sex(liaison: Any, person: Any) -> None:
    path = Path(__file__).parent / "data" / "lone_parent_unknown_sex.fam"  # synthetic, hand-written
    before = (ReferenceFamily.objects.count(), AuditRecord.objects.count())
    with pytest.raises(CaseFileError) as err:
        fam_exchange.import_fam(actor=liaison, path=path, person=person.pk)
    assert (
        err.value.message
        == "lone_parent_unknown_sex.fam: a parent has unknown sex (a founder the file gives no Gender)"
    )
    assert "is 'Lone' the father or the mother?" in str(err.value.value)
    assert (ReferenceFamily.objects.count(), AuditRecord.objects.count()) == before


def test_export_page_and_api_need_genotypes(
    liaison: Any, family: ReferenceFamily, make_user: Any, api: Any
) -> None:
    from django.test import Client

    analyst = make_user("dna_analyst", "analyst")
    c = Client()
    c.force_login(analyst)
    got = c.get("/genetics/families/export.fam?scope=icrc")
    assert got.status_code == 200 and b"[DVI]" in got.content and family.reference.encode() in got.content
    c.force_login(liaison)
    assert c.get("/genetics/families/export.fam?scope=icrc").status_code == 403
    assert b"Export .fam" not in c.get("/genetics/families/").content
    assert api(analyst).get("/api/v1/genetics/family-exports/fam?scope=icrc").status_code == 200
    err = api(liaison).get("/api/v1/genetics/family-exports/fam?scope=icrc").json()["error"]
    assert err["value"] == "genetics.view_genotype"


def test_import_page(liaison: Any, person: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    c = Client()
    c.force_login(liaison)
    data = (Path(__file__).parent / "data" / "lone_parent_unknown_sex.fam").read_bytes()
    got = c.post(
        "/genetics/families/import/",
        {"file": SimpleUploadedFile("f.fam", data), "person": person.reference},
        follow=True,
    )
    assert "a parent has unknown sex" in got.content.decode()
    assert ReferenceFamily.objects.count() == 0


def test_export_matches_locus_names_the_table_spells_otherwise(
    liaison: Any, person: Any, examiner_sample: Any, tmp_path: Path
) -> None:
    """A kit writes vWA, the frequency table VWA: one locus (the demo's export was refused at every vWA)."""
    from homecoming.app.genetics.family_power import _profile, frequency_table

    fam = families.create_family(actor=liaison, persons=[person.pk])
    father = families.add_relative(actor=liaison, family=fam, relation="father")
    _typed(liaison, father, "LAB-V", {**FATHER, "vWA": ["14", "17"]})
    Profile.objects.create(
        reference="PR-BODY-V",
        kind="post_mortem",
        sample=examiner_sample,
        specimen="BV",
        category="unidentified_person",
        method="autosomal_str",
        locus_count=4,
        loci=_loci({**BODY, "vWA": ["14", "16"]}),
    )
    family_records.record_consent(
        actor=liaison, family=fam, scope="icrc", action="given", on=dt.date(2026, 1, 2)
    )
    path = tmp_path / "v.fam"
    path.write_bytes(fam_exchange.export_fam(actor=liaison, scope="icrc"))
    got = read_fam(path)
    (victim,) = [p for p, _s in got.victims]
    assert sorted(victim.genotypes["VWA"].alleles) == ["14", "16"]
    assert sorted(got.families[0].references[f"{fam.reference}:R2"].genotypes["VWA"].alleles) == ["14", "17"]
    ranked = _profile("R2", _loci({"vWA": ["14", "17"], "Penta D": ["9", "12"]}), frequency_table())
    assert set(ranked.genotypes) == {"VWA", "PENTA_D"}


def test_a_body_typed_twice_is_one_victim_its_consensus(
    liaison: Any, family: ReferenceFamily, body: Profile, examiner_sample: Any, tmp_path: Path
) -> None:
    for ref, replicate in (("PR-BODY-2", 2), ("PR-BODY-C", 0)):
        Profile.objects.create(
            reference=ref,
            kind="post_mortem",
            sample=examiner_sample,
            specimen="B1",
            category="unidentified_person",
            method="autosomal_str",
            replicate=replicate,
            consensus_of=["PR-BODY-1", "PR-BODY-2"] if replicate == 0 else [],
            locus_count=3,
            loci=_loci(BODY),
        )
    path = tmp_path / "c.fam"
    path.write_bytes(fam_exchange.export_fam(actor=liaison, scope="icrc"))
    assert [p.sample for p, _s in read_fam(path).victims] == ["PR-BODY-C"]
