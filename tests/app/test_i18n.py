"""The pages speak English and Ukrainian: the catalogue is complete and compiled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

PO = Path(__file__).resolve().parents[2] / "src/homecoming/app/locale/uk/LC_MESSAGES/django.po"


def _entries() -> list[tuple[str, str]]:
    return [(i, s) for _, i, s in _contexted_entries()]


def _contexted_entries() -> list[tuple[str, str, str]]:
    """(context or "", msgid, msgstr) of every entry."""
    text = PO.read_text(encoding="utf-8")
    pairs = []
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~") or "#, fuzzy" in block:
            continue
        m = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if m:
            context = re.search(r'^msgctxt "(.*)"$', block, re.M)
            pairs.append(
                (
                    context.group(1) if context else "",
                    "".join(re.findall(r'"(.*)"', m.group(1))),
                    "".join(re.findall(r'"(.*)"', m.group(2))),
                )
            )
    return [(c, i, s) for c, i, s in pairs if i]


def test_every_message_has_a_ukrainian_translation() -> None:
    entries = _entries()
    assert len(entries) > 300
    assert [i for i, s in entries if not s] == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("english", "ukrainian"),
    [
        ("Dashboard", "Огляд"),
        ("Find a person", "Знайти особу"),
        ("Capture card for prisoner of war", "Картка про взяття в полон військовополоненого"),
    ],
)
def test_the_compiled_catalogue_is_current(english: str, ukrainian: str) -> None:
    with translation.override("uk"):
        assert gettext(english) == ukrainian


def test_every_catalogue_entry_is_compiled() -> None:
    with translation.override("uk"):
        stale = [
            i
            for c, i, s in _contexted_entries()
            if "%" not in i and "\\" not in i and (pgettext(c, i) if c else gettext(i)) != s
        ]
    assert stale == [], "run: cd src/homecoming/app && django-admin compilemessages"
