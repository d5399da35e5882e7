"""The pages speak English and Ukrainian: the catalogue is complete and compiled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

PO = Path(__file__).resolve().parents[2] / "src/homecoming/app/locale/uk/LC_MESSAGES/django.po"


def _entries() -> list[tuple[str, str]]:
    text = PO.read_text(encoding="utf-8")
    pairs = []
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~") or "#, fuzzy" in block or re.search(r"^msgctxt ", block, re.M):
            continue  # obsolete, fuzzy, or with a context (checked in _contexts)
        m = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if m:
            pairs.append(
                ("".join(re.findall(r'"(.*)"', m.group(1))), "".join(re.findall(r'"(.*)"', m.group(2))))
            )
    return [(i, s) for i, s in pairs if i]


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


def _contexts() -> list[tuple[str, str, str]]:
    """``(msgctxt, msgid, msgstr)`` of the entries with a context (``{% translate "x" context "y" %}``)."""
    text = PO.read_text(encoding="utf-8")
    return re.findall(r'^msgctxt "(.*)"\nmsgid "(.*)"\nmsgstr "(.*)"$', text, re.M)


def test_every_catalogue_entry_is_compiled() -> None:
    with translation.override("uk"):
        stale = [i for i, s in _entries() if "%" not in i and "\\" not in i and gettext(i) != s]
        stale += [i for c, i, s in _contexts() if pgettext(c, i) != s]
    assert stale == [], "run: cd src/homecoming/app && django-admin compilemessages"
