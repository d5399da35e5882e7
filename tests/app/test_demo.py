"""The demo database: synthetic persons with stories, the public 2025 ledger and a synthetic intake batch."""

from __future__ import annotations

import pytest

from homecoming.app.audit import services as audit
from homecoming.app.demo import build_demo
from homecoming.app.exchanges.models import Agreement, Operation
from homecoming.app.registry.models import NameForm, Person
from homecoming.app.remains.models import RemainsUnit, Sample

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_part_and_an_intact_audit_chain() -> None:
    assert build_demo(persons=12, seed=7) == 12
    assert Person.objects.count() == 12
    assert NameForm.objects.filter(script="cyrillic").count() == 12
    assert NameForm.objects.filter(script="latin", kind="transliteration").count() == 12
    assert Agreement.objects.filter(reference="IST-2025-06").exists()
    assert Operation.objects.filter(reference="REM-2025-09-18").exists()
    assert RemainsUnit.objects.filter(bag_number__startswith="DEMO-BAG-", parent__isnull=True).count() == 20
    assert RemainsUnit.objects.filter(parent__isnull=False).count() == 3
    assert Sample.objects.count() == 1
    report = audit.verify()
    assert report.ok and report.checked > 100


def test_building_twice_adds_nothing() -> None:
    build_demo(persons=3, seed=1)
    units = RemainsUnit.objects.count()
    assert build_demo(persons=3, seed=1) == 0
    assert Person.objects.count() == 3 and RemainsUnit.objects.count() == units
