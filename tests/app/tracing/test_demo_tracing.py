"""The demo's tracing requests: three languages, some about demo persons, three pairs that open (kept)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from homecoming.app.demo import _users
from homecoming.app.demo_tracing import PAIRS_FILE, build_tracing, keep_pairs, kept_pairs
from homecoming.app.registry import services as registry
from homecoming.app.tracing import confirmations, portal
from homecoming.app.tracing.models import TracingRequest

pytestmark = pytest.mark.django_db


def test_the_demo_requests(registrar: Any) -> None:
    for n in range(20):
        registry.create_person(
            actor=registrar,
            data={"sex": "male", "birth_date": f"19{70 + n}-0{1 + n % 9}-1{n % 9}"},
            names=[{"family_name": f"Демченко{'ов' * (n % 3)}", "given_name": "Тарас"}],
        )
    built = build_tracing(_users(), count=60, seed=3)
    assert TracingRequest.objects.count() == 60 and built.about_known_persons > 5
    assert {lang for lang, _, _ in built.pairs} == {"uk", "ru", "en"}
    assert set(TracingRequest.objects.values_list("language", flat=True)) == {"uk", "ru", "en"}
    for _lang, code, secret in built.pairs:
        assert portal.find(code, secret) is not None
    assert TracingRequest.objects.filter(person__isnull=False).exists()
    assert TracingRequest.objects.filter(state="answered").exists()
    # the other side's families: Russian requests about prisoners of war of the other party, linked; the
    # Russian pair opens the one whose captivity was confirmed from the registry
    other = TracingRequest.objects.filter(confirmations.other_side_filter())
    assert other.count() == 4 and set(other.values_list("language", flat=True)) == {"ru"}
    (ru,) = [(code, secret) for lang, code, secret in built.pairs if lang == "ru"]
    found = portal.find(*ru)
    assert found is not None and found.releases.get().kind == "captivity"
    assert "в реестре военнопленных значится" in portal.status(found, audited=False).messages[0].text


def test_the_pairs_are_kept_for_the_owner_only(tmp_path: Path) -> None:
    pairs = [("uk", "ABCDE-23456", "WXYZ-2345-6789"), ("ru", "FGHJK-23456", "MNPQ-2345-6789")]
    assert kept_pairs(tmp_path) == []  # a demo built before the pairs were kept
    path = keep_pairs(tmp_path / "demo", pairs)
    assert path == tmp_path / "demo" / PAIRS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert kept_pairs(tmp_path / "demo") == pairs
    assert [p.name for p in (tmp_path / "demo").iterdir()] == [PAIRS_FILE]  # no temporary file left
    keep_pairs(tmp_path / "demo", pairs[:1])  # a rebuilt demo replaces them
    assert kept_pairs(tmp_path / "demo") == pairs[:1]
    path.write_text("not json", encoding="utf-8")
    assert kept_pairs(tmp_path / "demo") == []
