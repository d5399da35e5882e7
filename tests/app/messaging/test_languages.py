"""The messages to families and the outbox page are translated: every text of the message templates (and
the subjects in ``compose.py``) is in the compiled Ukrainian and Russian catalogues, and every text of the
staff's outbox pages and the app's models in the Ukrainian one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

APP = Path(__file__).resolve().parents[3] / "src/homecoming/app"
MESSAGES = sorted((APP / "templates/messaging").glob("*.txt"))
PAGES = sorted((APP / "templates/messaging").glob("*.html"))

_TAG = re.compile(r"""\{%\s*translate\s+(["'])(.+?)\1""")
_BLOCK = re.compile(r"\{%\s*blocktranslate(?P<args>[^%]*)%\}(?P<one>.*?)\{%\s*endblocktranslate\s*%\}", re.S)
_PY = re.compile(r"""\b_\(\s*(["'])(.+?)(?<!\\)\1""")


def _msgids(templates: list[Path], modules: list[Path]) -> list[str]:
    found: list[str] = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        found += [m.group(2) for m in _TAG.finditer(text)]
        found += [re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", m.group("one")) for m in _BLOCK.finditer(text)]
    for path in modules:
        found += [m.group(2) for m in _PY.finditer(path.read_text(encoding="utf-8"))]
    return sorted(set(found))


def _missing(language: str, ids: list[str]) -> list[str]:
    with translation.override(language):
        catalogue = translation.trans_real.translation(language)._catalog  # type: ignore[attr-defined]
        return [i for i in ids if i not in catalogue and (i, 0) not in catalogue]


def test_the_scan_finds_the_texts() -> None:
    assert len(MESSAGES) == 4 and len(PAGES) == 2
    assert "Secret" in _msgids(MESSAGES, []) and "Last error" in _msgids(PAGES, [])


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_every_message_text_is_translated(language: str) -> None:
    ids = _msgids(MESSAGES, [APP / "messaging/compose.py"])
    assert _missing(language, ids) == []


def test_every_outbox_page_text_is_in_ukrainian() -> None:
    ids = _msgids(PAGES, [APP / "messaging/models.py"])
    assert len(ids) > 30
    assert _missing("uk", ids) == []
