"""Fixtures of the remains tests: an examiner, a batch received from the other party, a bag."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture
def examiner(make_user: Callable[..., Any]) -> Any:
    return make_user("forensic_examiner", "examiner")


@pytest.fixture
def batch(examiner: Any) -> Any:
    from homecoming.app.remains import services

    return services.create_batch(
        actor=examiner,
        data={
            "source": "recovery",
            "transport": "train",
            "vehicles": 2,
            "containers_declared": 3,
            "receiving_facility": "Facility North, hall 1",
            "handed_over_by": "Sender team lead",
            "received_by": "Morgue North",
            "received_at": timezone.now() - timedelta(days=2),
        },
    )


@pytest.fixture
def bag(examiner: Any, batch: Any) -> Any:
    from homecoming.app.remains import services

    return services.register_unit(
        actor=examiner,
        batch=batch,
        seal="S-100",
        data={"bag_number": "BAG-1", "kind": "commingled_container"},
    )
