"""Batches, units, check-digited references, state moves, links and splitting a commingled bag."""

from __future__ import annotations

from typing import Any

import pytest

from homecoming.app.audit.models import AuditRecord
from homecoming.app.remains import custody, services
from homecoming.app.remains.models import CustodyEvent, RemainsUnit, UnitTransition
from homecoming.app.remains.references import check_reference
from homecoming.domain.checkdigit import verify_check
from homecoming.errors import StateError, TransitionError, ValidationError

pytestmark = pytest.mark.django_db


def test_a_unit_gets_a_check_digited_reference_a_first_state_and_an_intake_custody_event(bag: Any) -> None:
    assert bag.reference.startswith("RU-") and verify_check(bag.reference)
    assert check_reference(bag.reference.lower()) == bag.reference
    assert [t.to_state for t in bag.transitions.all()] == ["received"]
    event = CustodyEvent.objects.get(unit=bag)
    assert (event.from_custodian, event.to_custodian, event.seal_after) == (
        "Sender team lead",
        "Morgue North",
        "S-100",
    )
    assert len(event.signature_hash) == 64
    assert AuditRecord.objects.filter(object_type="remains.remainsunit", object_id=str(bag.pk)).exists()


def test_a_typo_in_a_reference_is_detected_not_just_not_found(bag: Any) -> None:
    ref = bag.reference
    typo = ref[:4] + ("1" if ref[4] != "1" else "2") + ref[5:]
    with pytest.raises(ValidationError, match="wrong check digits"):
        services.get_unit(typo)
    digits = [
        i for i in range(len(ref) - 1) if ref[i].isdigit() and ref[i + 1].isdigit() and ref[i] != ref[i + 1]
    ]
    assert digits, ref  # a reference always has two different adjacent digits (year, check digits)
    i = digits[0]
    swapped = ref[:i] + ref[i + 1] + ref[i] + ref[i + 2 :]
    with pytest.raises(ValidationError, match="wrong check digits"):
        services.get_unit(swapped)
    assert services.get_unit(ref).pk == bag.pk


def test_a_scanned_duplicate_label_is_refused_with_the_existing_reference(examiner: Any, bag: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.register_unit(actor=examiner, batch=bag.batch, data={"bag_number": "BAG-1", "kind": "body"})
    assert f"already registered in {bag.batch.reference} as {bag.reference}" in str(info.value)
    assert RemainsUnit.objects.count() == 1


def test_state_moves_are_rows_and_wrong_moves_list_the_allowed_ones(examiner: Any, bag: Any) -> None:
    services.transition(actor=examiner, unit_id=bag.pk, target="registered")
    with pytest.raises(TransitionError, match="allowed from registered: stored, examined"):
        services.transition(actor=examiner, unit_id=bag.pk, target="sampled")
    with pytest.raises(ValidationError, match="grave: is required"):
        services.transition(actor=examiner, unit_id=bag.pk, target="stored")
        services.transition(actor=examiner, unit_id=bag.pk, target="buried_unidentified")
    unit = services.transition(
        actor=examiner, unit_id=bag.pk, target="buried_unidentified", grave="Cemetery 4, plot 12, marker 0031"
    )
    assert unit.state == "buried_unidentified" and unit.grave.startswith("Cemetery 4")
    assert list(UnitTransition.objects.filter(unit=bag).values_list("to_state", flat=True)) == [
        "received",
        "registered",
        "stored",
        "buried_unidentified",
    ]


def test_splitting_a_commingled_bag_creates_linked_children_where_the_bag_is(examiner: Any, bag: Any) -> None:
    children = services.split_container(
        actor=examiner,
        container_id=bag.pk,
        reason="opened at autopsy",
        children=[{"kind": "body"}, {"kind": "body_part"}, {"kind": "body_part"}],
    )
    assert [c.bag_number for c in children] == ["BAG-1/1", "BAG-1/2", "BAG-1/3"]
    assert [c.parent_link for c in children] == ["from_container", "part_of", "part_of"]
    assert all(c.parent_id == bag.pk and c.batch_id == bag.batch_id for c in children)
    for child in children:
        now = custody.current(child)
        assert (now.custodian, now.location) == ("Morgue North", "Facility North, hall 1")
    more = services.split_container(actor=examiner, container_id=bag.pk, children=[{"kind": "body"}])
    assert more[0].bag_number == "BAG-1/4"


def test_only_containers_split_and_only_into_bodies_and_parts(examiner: Any, bag: Any) -> None:
    body = services.register_unit(actor=examiner, batch=bag.batch, data={"bag_number": "B-2", "kind": "body"})
    with pytest.raises(StateError, match="only bags can be split"):
        services.split_container(actor=examiner, container_id=body.pk, children=[{"kind": "body_part"}])
    with pytest.raises(ValidationError, match=r"children\[1\].kind: must be body or body_part"):
        services.split_container(
            actor=examiner, container_id=bag.pk, children=[{"kind": "body"}, {"kind": "container"}]
        )
    assert RemainsUnit.objects.filter(parent=bag).count() == 0


def test_same_individual_links_across_batches(examiner: Any, bag: Any) -> None:
    other_batch = services.create_batch(
        actor=examiner,
        data={
            "source": "recovery",
            "receiving_facility": "Facility South",
            "handed_over_by": "Search team",
            "received_by": "Morgue South",
        },
    )
    part = services.register_unit(
        actor=examiner, batch=other_batch, data={"bag_number": "X-9", "kind": "body_part"}
    )
    services.link_units(actor=examiner, unit=bag, other=part, kind="same_individual", reason="DNA match")
    assert [(k, u.reference) for k, u in services.linked_units(part)] == [("same_individual", bag.reference)]
    with pytest.raises(StateError, match="already linked"):
        services.link_units(actor=examiner, unit=part, other=bag, kind="same_individual")
