"""Fixtures of the exchanges tests: a coordinator, two parties, a hand-made agreement and operations."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from homecoming.io.manifests import ManifestRow


@pytest.fixture
def coordinator(make_user: Any) -> Any:
    return make_user("exchange_coordinator", "coordinator")


@pytest.fixture
def agreement(coordinator: Any) -> Any:
    from homecoming.app.exchanges import services

    services.ensure_party(actor=coordinator, code="UA", name="Ukraine")
    services.ensure_party(actor=coordinator, code="RU", name="Russia")
    a = services.create_agreement(
        actor=coordinator,
        data={
            "reference": "AG-1",
            "title": "Synthetic agreement",
            "party_a": "UA",
            "party_b": "RU",
            "date": date(2025, 6, 2),
        },
    )
    services.add_category(
        actor=coordinator,
        agreement=a,
        data={"code": "bodies", "name": "Bodies", "rule": "n_for_n", "quota": 10, "unit": "bodies"},
    )
    services.add_category(
        actor=coordinator,
        agreement=a,
        data={
            "code": "wounded",
            "name": "Seriously wounded and sick",
            "rule": "all_for_all",
            "unit": "prisoners",
        },
    )
    return a


@pytest.fixture
def make_operation(coordinator: Any, agreement: Any) -> Any:
    from homecoming.app.exchanges import services

    def make(reference: str, on: date | None, **extra: Any) -> Any:
        data = {
            "reference": reference,
            "kind": "remains_repatriation",
            "agreement": agreement.pk,
            "date": on,
            "date_qualifier": "exact" if on else "unknown",
            **extra,
        }
        return services.create_operation(actor=coordinator, data=data)

    return make


@pytest.fixture
def bags() -> Any:
    """``bags("B1", "B2", outcome=..., category=..., start=1)`` → manifest rows of remains."""

    def make(
        *numbers: str, outcome: str = "transferred", category: str = "bodies", start: int = 1
    ) -> list[Any]:
        return [
            ManifestRow(line_no=i, category=category, container_number=n, outcome=outcome)
            for i, n in enumerate(numbers, start=start)
        ]

    return make
