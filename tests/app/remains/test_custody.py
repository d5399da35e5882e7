"""Custody events through the services: refusals, corrections, lab shipments, insert-only storage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from homecoming.app.remains import custody, examinations
from homecoming.app.remains.models import CustodyEvent
from homecoming.errors import CustodyError, ValidationError

pytestmark = pytest.mark.django_db


def move(examiner: Any, obj: Any, frm: str, to: str, hours_ago: float, **extra: Any) -> Any:
    data = {
        "from_custodian": frm,
        "to_custodian": to,
        "from_signer": f"{frm} signer",
        "to_signer": f"{to} signer",
        "at": timezone.now() - timedelta(hours=hours_ago),
        **extra,
    }
    return custody.record_event(actor=examiner, obj=obj, data=data)


def test_an_event_from_someone_who_does_not_hold_the_bag_is_refused_saying_where_it_is(
    examiner: Any, bag: Any
) -> None:
    move(
        examiner,
        bag,
        "Morgue North",
        "Morgue North",
        20,
        location="Facility North",
        storage_unit="fridge 3",
        seal_before="S-100",
        seal_after="S-100",
    )
    with pytest.raises(CustodyError) as info:
        move(examiner, bag, "Morgue South", "Lab East", 1)
    text = str(info.value)
    assert f"{bag.reference} is with Morgue North at Facility North, fridge 3 under seal S-100" in text
    assert "Morgue South cannot hand it to Lab East" in text
    assert CustodyEvent.objects.filter(unit=bag).count() == 2


def test_missing_signers_are_named(examiner: Any, bag: Any) -> None:
    with pytest.raises(ValidationError) as info:
        custody.record_event(
            actor=examiner, obj=bag, data={"from_custodian": "Morgue North", "to_custodian": "X"}
        )
    assert {p.field for p in info.value.problems} == {"from_signer", "to_signer"}


def test_a_wrong_event_is_superseded_with_a_reason_and_then_ignored(examiner: Any, bag: Any) -> None:
    wrong = move(examiner, bag, "Morgue North", "Lab West", 10, seal_before="S-999")
    assert [p.kind for p in custody.chain(bag).problems] == ["broken_seal"]
    with pytest.raises(ValidationError, match="reason: is required"):
        custody.record_event(
            actor=examiner,
            obj=bag,
            supersedes=wrong.pk,
            data={
                "from_custodian": "Morgue North",
                "to_custodian": "Lab West",
                "from_signer": "a",
                "to_signer": "b",
                "at": wrong.at,
                "seal_before": "S-100",
            },
        )
    fixed = custody.record_event(
        actor=examiner,
        obj=bag,
        supersedes=wrong.pk,
        reason="seal misread",
        data={
            "from_custodian": "Morgue North",
            "to_custodian": "Lab West",
            "from_signer": "a",
            "to_signer": "b",
            "at": wrong.at,
            "seal_before": "S-100",
        },
    )
    chain = custody.chain(bag)
    assert chain.problems == [] and chain.superseded == {wrong.pk}
    assert fixed.supersedes_id == wrong.pk and chain.now is not None and chain.now.custodian == "Lab West"


def test_custody_events_cannot_be_edited_or_deleted(bag: Any) -> None:
    event = CustodyEvent.objects.get(unit=bag)
    with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic():
        CustodyEvent.objects.filter(pk=event.pk).update(to_custodian="someone else")
    with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic():
        CustodyEvent.objects.filter(pk=event.pk).delete()
    assert CustodyEvent.objects.get(pk=event.pk).to_custodian == "Morgue North"


def test_a_sample_ships_between_laboratories_with_an_accession_number(examiner: Any, bag: Any) -> None:
    sample = examinations.take_sample(
        actor=examiner,
        unit=bag,
        kind="tooth",
        description="36 lower left molar",
        custody_data={"seal_after": "SS-1"},
    )
    assert custody.current(sample).custodian == "Morgue North"
    custody.dispatch_sample(
        actor=examiner,
        sample=sample,
        carrier="Courier Co",
        data={"from_signer": "M. North", "to_signer": "courier", "seal_after": "SS-1"},
    )
    with pytest.raises(ValidationError, match="accession_number: is required on arrival"):
        custody.receive_sample(
            actor=examiner,
            sample=sample,
            laboratory="Lab East",
            accession_number=" ",
            data={"from_signer": "courier", "to_signer": "lab clerk"},
        )
    arrival = custody.receive_sample(
        actor=examiner,
        sample=sample,
        laboratory="Lab East",
        accession_number="LE-2025-0042",
        data={
            "from_signer": "courier",
            "to_signer": "lab clerk",
            "seal_before": "SS-1",
            "seal_after": "SS-1",
        },
    )
    assert arrival.accession_number == "LE-2025-0042"
    chain = custody.chain(sample)
    assert [e.to_custodian for e in chain.events] == ["Morgue North", "Courier Co", "Lab East"]
    assert chain.problems == []
    other = examinations.take_sample(actor=examiner, unit=bag, kind="bone", description="femur")
    custody.dispatch_sample(
        actor=examiner, sample=other, carrier="Courier Co", data={"from_signer": "a", "to_signer": "b"}
    )
    with pytest.raises(ValidationError, match=f"already used by Lab East for {sample.reference}"):
        custody.receive_sample(
            actor=examiner,
            sample=other,
            laboratory="Lab East",
            accession_number="LE-2025-0042",
            data={"from_signer": "b", "to_signer": "c"},
        )
