"""Remains states are bound to evidence (issue 12): no examined without an examination, no sampled without
a sample, no profiled without a post-mortem profile; proposing and signing an identification only through
the identification services, each move one audited row naming the report."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pytest
from django.test import Client

from homecoming.app.audit.models import AuditRecord
from homecoming.app.genetics import importing
from homecoming.app.remains import examinations, services
from homecoming.app.remains.models import RemainsUnit, UnitTransition
from homecoming.errors import StateError, TransitionError, ValidationError

from ..genetics.lab_world import lab_file, lab_profile, mixture, random_genotypes

pytestmark = pytest.mark.django_db

REPORT = "an identification is proposed and signed in Identification"


def states(unit: Any) -> list[str]:
    return list(UnitTransition.objects.filter(unit=unit).order_by("id").values_list("to_state", flat=True))


def registered(examiner: Any, bag: Any) -> Any:
    return services.transition(actor=examiner, unit_id=bag.pk, target="registered")


def profiled(examiner: Any, analyst: Any, unit: Any) -> Any:
    """``unit`` examined, sampled and profiled the way a user does it: by recording the evidence."""
    examinations.record_examination(actor=examiner, unit=unit, data={"sex": "male"})
    sample = examinations.take_sample(actor=examiner, unit=unit, kind="bone", description="femur")
    lab, digest = lab_file(lab_profile(sample.reference, random_genotypes(np.random.default_rng(7))))
    importing.import_read(actor=analyst, lab=lab, digest=digest)
    return RemainsUnit.objects.get(pk=unit.pk)


@pytest.fixture
def analyst(make_user: Any) -> Any:
    return make_user("dna_analyst", "analyst")


def test_recording_the_evidence_moves_the_unit_each_move_a_row_and_an_audit_record(
    examiner: Any, analyst: Any, bag: Any
) -> None:
    unit = registered(examiner, bag)
    unit = profiled(examiner, analyst, unit)
    assert unit.state == "profiled"
    assert states(unit) == ["received", "registered", "examined", "sampled", "profiled"]
    reasons = list(UnitTransition.objects.filter(unit=unit).order_by("id").values_list("reason", flat=True))
    assert reasons[2] == "post-mortem examination recorded"
    assert reasons[3].startswith("sample SM-") and reasons[3].endswith(" taken")
    assert reasons[4].startswith("DNA profile imported from laboratory file LF-")
    moves = AuditRecord.objects.filter(
        object_type="remains.remainsunit", object_id=str(unit.pk), action="transition"
    )
    assert moves.count() == 4
    assert moves.order_by("seq").last().after["state"] == "profiled"  # type: ignore[union-attr]
    assert unit.version == bag.version + 4  # one version per move


def test_a_sample_of_an_unexamined_unit_and_a_mixture_move_nothing(
    examiner: Any, analyst: Any, bag: Any
) -> None:
    unit = registered(examiner, bag)
    sample = examinations.take_sample(actor=examiner, unit=unit, kind="tooth", description="36 molar")
    assert RemainsUnit.objects.get(pk=unit.pk).state == "registered"  # not examined: no jump to sampled
    examinations.record_examination(actor=examiner, unit=unit, data={})
    assert unit.state == "examined"  # the caller's object is brought up to date
    services.transition(actor=examiner, unit_id=unit.pk, target="sampled", expected_version=unit.version)
    lab, digest = lab_file(mixture(sample.reference, np.random.default_rng(3)))
    importing.import_read(actor=analyst, lab=lab, digest=digest)
    unit = RemainsUnit.objects.get(pk=unit.pk)
    assert unit.state == "sampled"  # a mixture is excluded from kinship: no usable profile
    with pytest.raises(TransitionError, match="has no usable post-mortem DNA profile"):
        services.transition(actor=examiner, unit_id=unit.pk, target="profiled")


@pytest.mark.parametrize(
    ("path", "target", "missing"),
    [
        (["registered"], "examined", "has no post-mortem examination"),
        (["registered", "stored"], "examined", "has no post-mortem examination"),
    ],
)
def test_a_state_without_its_evidence_is_refused_and_nothing_changes(
    examiner: Any, bag: Any, path: list[str], target: str, missing: str
) -> None:
    for state in path:
        services.transition(actor=examiner, unit_id=bag.pk, target=state)
    before = AuditRecord.objects.count()
    with pytest.raises(TransitionError, match=missing) as info:
        services.transition(actor=examiner, unit_id=bag.pk, target=target)
    assert info.value.field == "state" and info.value.value == target
    assert "record the examination" in (info.value.hint or "")
    assert states(bag) == ["received", *path] and AuditRecord.objects.count() == before


def test_examined_without_a_sample_cannot_be_sampled(examiner: Any, bag: Any) -> None:
    registered(examiner, bag)
    examinations.record_examination(actor=examiner, unit=bag, data={})
    with pytest.raises(TransitionError, match="has no sample") as info:
        services.transition(actor=examiner, unit_id=bag.pk, target="sampled")
    assert "take a sample" in (info.value.hint or "")


@pytest.mark.parametrize("target", ["identification_proposed", "identified"])
def test_the_generic_move_refuses_the_identification_states(
    examiner: Any, analyst: Any, bag: Any, target: str
) -> None:
    unit = profiled(examiner, analyst, registered(examiner, bag))
    services.transition(actor=examiner, unit_id=unit.pk, target="candidate")
    with pytest.raises(TransitionError) as info:
        services.transition(actor=examiner, unit_id=unit.pk, target=target, reason="I am sure")
    assert info.value.hint == REPORT and info.value.value == target
    assert RemainsUnit.objects.get(pk=unit.pk).state == "candidate"


def test_propose_sign_reject_and_release_through_the_identification_services(
    examiner: Any, analyst: Any, bag: Any
) -> None:
    unit = profiled(examiner, analyst, registered(examiner, bag))
    with pytest.raises(StateError, match="is profiled, not identification_proposed"):
        services.mark_identified(actor=analyst, unit=unit, report_reference="IR-1")
    with pytest.raises(ValidationError, match="report_reference: is required"):
        services.mark_identification_proposed(actor=analyst, unit=unit, report_reference=" ")
    unit = services.mark_identification_proposed(actor=analyst, unit=unit, report_reference="IR-2026-1")
    assert unit.state == "identification_proposed"
    # the generic move cannot leave the proposal either way
    for target in ("candidate", "identified"):
        with pytest.raises(TransitionError, match=REPORT):
            services.transition(actor=examiner, unit_id=unit.pk, target=target, reason="x")
    with pytest.raises(ValidationError, match="reason: is required"):
        services.return_to_candidate(actor=analyst, unit=unit, reason="")
    unit = services.return_to_candidate(
        actor=analyst, unit=unit, reason="report IR-2026-1 rejected: LR below threshold"
    )
    unit = services.mark_identification_proposed(actor=analyst, unit=unit, report_reference="IR-2026-2")
    unit = services.mark_identified(actor=analyst, unit=unit, report_reference="IR-2026-2")
    assert unit.state == "identified"
    # released to the family only by a signed handover record (remains.handover)
    with pytest.raises(TransitionError, match="no signed handover record to the family"):
        services.transition(actor=examiner, unit_id=unit.pk, target="released_to_family")
    assert states(unit)[-5:] == [
        "candidate",
        "identification_proposed",
        "candidate",
        "identification_proposed",
        "identified",
    ]
    reasons = list(UnitTransition.objects.filter(unit=unit).order_by("id").values_list("reason", flat=True))
    assert reasons[-5:] == [
        "candidate match in report IR-2026-1",
        "identification proposed in report IR-2026-1",
        "report IR-2026-1 rejected: LR below threshold",
        "identification proposed in report IR-2026-2",
        "identified by signed report IR-2026-2",
    ]
    audited = AuditRecord.objects.filter(
        object_type="remains.remainsunit", object_id=str(unit.pk), action="transition"
    ).values_list("reason", flat=True)
    assert "identified by signed report IR-2026-2" in list(audited)


def test_the_api_refuses_with_field_value_and_fix(api: Any, examiner: Any, bag: Any) -> None:
    c = api(examiner)
    url = f"/api/v1/remains/units/{bag.pk}/transitions"

    def post(state: str) -> Any:
        return c.post(url, data=json.dumps({"state": state}), content_type="application/json")

    assert post("registered").status_code == 200
    refused = post("examined")
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "transition_not_allowed" and error["field"] == "state"
    assert error["value"] == "examined" and "record the examination" in error["hint"]
    assert "has no post-mortem examination" in error["message"]
    identified = post("identified").json()["error"]
    assert identified["hint"] == REPORT and identified["value"] == "identified"
    assert RemainsUnit.objects.get(pk=bag.pk).state == "registered"


def test_the_page_offers_only_the_moves_the_unit_can_make(examiner: Any, analyst: Any, bag: Any) -> None:
    c = Client()
    c.force_login(examiner)
    registered(examiner, bag)

    def options() -> list[str]:
        page = c.get(f"/remains/units/{bag.pk}/").content.decode()
        found = re.search(r'<select name="state"[^>]*>(.*?)</select>', page, re.S)
        form = found.group(1) if found else ""
        return [part.split('"', 1)[0] for part in form.split('<option value="')[1:]]

    assert options() == ["stored"]
    profiled(examiner, analyst, bag)
    services.transition(actor=examiner, unit_id=bag.pk, target="candidate")
    assert options() == ["profiled", "handed_over_to_other_party", "buried_unidentified"]
    refused = c.post(
        f"/remains/units/{bag.pk}/transition/",
        {
            "state": "identified",
            "version": RemainsUnit.objects.get(pk=bag.pk).version,
            "reason": "",
            "grave": "",
        },
        follow=True,
    )
    assert REPORT in refused.content.decode()
    assert RemainsUnit.objects.get(pk=bag.pk).state == "candidate"
    services.mark_identification_proposed(actor=analyst, unit=bag, report_reference="IR-9")
    assert options() == []


def test_the_state_form_in_ukrainian(examiner: Any, bag: Any) -> None:
    c = Client(HTTP_ACCEPT_LANGUAGE="uk")
    c.force_login(examiner)
    page = c.get(f"/remains/units/{bag.pk}/").content.decode()
    assert '<option value="registered">Зареєстровано</option>' in page
    assert "Прийнято" in page  # the unit's state
    assert "ідентифікацію пропонують і підписують у розділі «Ідентифікація»" in page
