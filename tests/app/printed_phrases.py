"""The texts of a printed record's templates (and of the choices it shows), to check a rendering in one
language holds none of them in English, and that the uk and ru catalogues translate each of them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.utils import translation

TEMPLATES = Path(__file__).resolve().parents[2] / "src/homecoming/app/templates"

_TAG = re.compile(r"""\{%\s*translate\s+(["'])(.+?)\1""")
_BLOCK = re.compile(
    r"\{%\s*blocktranslate(?P<args>[^%]*)%\}(?P<one>.*?)(?:\{%\s*plural\s*%\}.*?)?\{%\s*endblocktranslate\s*%\}",
    re.S,
)


def msgids(templates: Iterable[str], labels: Iterable[Any] = ()) -> list[str]:
    """Every msgid of the templates (paths under templates/) and the (lazy) ``labels`` of the choices the
    record shows."""
    found: set[str] = set()
    for name in templates:
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        found |= {m.group(2) for m in _TAG.finditer(text)}
        found |= {re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", m.group("one")) for m in _BLOCK.finditer(text)}
    with translation.override("en"):
        found |= {str(label) for label in labels}
    return sorted(found)


def flat(text: str) -> str:
    """``text`` without white space: a PDF breaks lines where it likes, and the text read from it may
    join two lines with no space between them."""
    return re.sub(r"\s+", "", text)


def english_left(text: str, ids: Iterable[str]) -> list[str]:
    """The English phrases (msgids of more than one word, no placeholder) found in ``text``."""
    text = flat(text)
    return [i for i in ids if " " in i and "%(" not in i and flat(i) in text]
