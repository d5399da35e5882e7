"""Every page in the user's language: the Ukrainian catalogue covers every app, every choice, every template.

Three checks that can each fail on their own:

* the catalogue: ``makemessages`` run on a copy of the application finds no msgid without a Ukrainian
  translation and no fuzzy one (each missing one is listed with its file and line), and no msgid of the
  family portal without a Russian one (Russian is the portal's language only);
* the choices: every choice label of every model field of every homecoming app reads differently in
  Ukrainian than in English (a short list of words that are the same in both is allowed);
* the templates: no visible text, and no ``placeholder``, ``title``, ``aria-label`` or ``alt``, with a
  Latin word outside ``{% translate %}`` and ``{% blocktranslate %}`` (a short list of names, formats and
  units is allowed).

The pages themselves, rendered in Ukrainian, are checked in ``test_pages_in_ukrainian.py``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

APP = Path(__file__).resolve().parents[2] / "src/homecoming/app"
TEMPLATES = APP / "templates"
DJANGO_ADMIN = Path(sys.executable).with_name("django-admin")


# --- the catalogue as makemessages sees it ----------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    plural: str = ""
    strs: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    fuzzy: bool = False


def _unquote(line: str) -> str:
    body = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def parse_po(text: str) -> list[Entry]:
    """The live entries of a .po file (obsolete ``#~`` ones skipped), without the header."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line.strip() and not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        e = Entry()
        target: str | None = None
        for line in lines:
            if line.startswith("#:"):
                e.refs += line[2:].split()
            elif line.startswith("#,"):
                e.fuzzy = e.fuzzy or "fuzzy" in line
            elif line.startswith("msgid_plural "):
                e.plural, target = _unquote(line), "plural"
            elif line.startswith("msgid "):
                e.msgid, target = _unquote(line), "msgid"
            elif line.startswith("msgstr"):
                e.strs.append(_unquote(line))
                target = "msgstr"
            elif line.startswith('"') and target:
                if target == "msgid":
                    e.msgid += _unquote(line)
                elif target == "plural":
                    e.plural += _unquote(line)
                else:
                    e.strs[-1] += _unquote(line)
        if e.msgid:
            entries.append(e)
    return entries


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Entry]]:
    """The uk and ru catalogues as ``makemessages`` would rewrite them from the application as it is now."""
    copy = tmp_path_factory.mktemp("catalogue") / "app"
    shutil.copytree(APP, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static", "var"))
    subprocess.run(
        [str(DJANGO_ADMIN), "makemessages", "-l", "uk", "-l", "ru", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""},
    )
    return {
        language: parse_po((copy / f"locale/{language}/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
        for language in ("uk", "ru")
    }


@pytest.fixture(scope="module")
def extracted(catalogues: dict[str, list[Entry]]) -> list[Entry]:
    return catalogues["uk"]


def _missing(entries: list[Entry]) -> list[str]:
    return [
        f"{e.refs[0] if e.refs else '?'}: {e.msgid!r}{' (fuzzy)' if e.fuzzy else ''}"
        for e in entries
        if e.fuzzy or not e.strs or not all(e.strs)
    ]


def test_the_extraction_sees_every_app(extracted: list[Entry]) -> None:
    files = {ref.split(":")[0].split("/")[0] for e in extracted for ref in e.refs}
    assert {"exchanges", "remains", "registry", "genetics", "templates", "identification"} <= files
    assert len(extracted) > 1500


def test_every_msgid_of_every_app_has_a_ukrainian_translation(extracted: list[Entry]) -> None:
    missing = _missing(extracted)
    assert missing == [], f"{len(missing)} msgids without a Ukrainian translation:\n" + "\n".join(missing)


#: the family portal's files: Russian is the portal's language (the staff pages offer en and uk only)
PORTAL = ("templates/tracing/family/", "tracing/portal.py", "tracing/forms.py", "tracing/family_views.py")


def test_every_msgid_of_the_family_portal_has_a_russian_translation(
    catalogues: dict[str, list[Entry]],
) -> None:
    portal = [e for e in catalogues["ru"] if any(r.startswith(PORTAL) for r in e.refs)]
    assert len(portal) > 80
    missing = _missing(portal)
    assert missing == [], f"{len(missing)} portal msgids without a Russian translation:\n" + "\n".join(
        missing
    )


def test_the_parser_sees_a_missing_and_a_fuzzy_entry() -> None:
    po = (
        '#: a.py:1\nmsgid "One"\nmsgstr ""\n\n#: b.html:2\n#, fuzzy\nmsgid "Two"\nmsgstr "Два"\n\n'
        '#: c.py:3\nmsgid "%(n)s unit"\nmsgid_plural "%(n)s units"\nmsgstr[0] "a"\nmsgstr[1] ""\n'
    )
    entries = parse_po(po)
    assert [(e.msgid, e.fuzzy, e.strs) for e in entries] == [
        ("One", False, [""]),
        ("Two", True, ["Два"]),
        ("%(n)s unit", False, ["a", ""]),
    ]


# --- every choice label of every model field ------------------------------------------------------------

#: labels that read the same in Ukrainian and in English
SAME_IN_BOTH = {
    "PDF", "SHA-256", "CSV", "XLSX", "JSON", "SMS", "ICMP", "INTERPOL I-Familia", "5/2N (NRC II)",
    "Familias .fam", "X-STR", "Y-STR", "CODIS CMF 3.2 XML",
    "English",  # the languages a family may choose are named in themselves (українська, English)
}  # fmt: skip


def _choice_labels() -> list[tuple[str, str, object]]:
    out = []
    for config in apps.get_app_configs():
        if not config.name.startswith("homecoming."):
            continue
        for model in config.get_models():
            for f in model._meta.get_fields():
                for value, label in getattr(f, "flatchoices", None) or []:
                    if value in ("", None):
                        continue
                    out.append((f"{model._meta.label}.{f.name}", str(value), label))
    return out


def test_the_choices_of_every_app_are_found() -> None:
    where = {w.split(".")[0] for w, _v, _l in _choice_labels()}
    assert {"exchanges", "remains", "registry", "genetics", "identification", "captivity"} <= where


def test_every_choice_label_is_translated() -> None:
    untranslated = []
    for where, value, label in _choice_labels():
        with translation.override("en"):
            english = str(label)
        with translation.override("uk"):
            ukrainian = str(label)
        if ukrainian == english and english not in SAME_IN_BOTH and re.search(r"[A-Za-z]{2}", english):
            untranslated.append(f"{where}={value}: {english!r}")
    assert untranslated == [], "choice labels shown in English under uk:\n" + "\n".join(
        sorted(set(untranslated))
    )


# --- text in the templates outside the translate tags ------------------------------------------------

#: Latin words that may stand in a template as they are: names, formats, units, standards
ALLOWED_WORDS = {
    "Homecoming", "CSV", "XLSX", "PDF", "JSON", "API", "SHA", "LR", "log10", "EN", "UK", "DNA", "ICRC",
    "FDI", "INTERPOL", "DVI", "HTML", "XML", "CMF", "CODIS", "TOTP", "OTP", "QR", "URL", "ID", "PIN",
    "Enter", "RU", "UA", "ISO", "GEDmatch", "cM", "SHA-256", "Python", "P-0000001",
}  # fmt: skip

_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
_BLOCK = re.compile(r"\{%\s*blocktranslate\b.*?\{%\s*endblocktranslate\s*%\}", re.S)
_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
# identifiers (column names in <code>) and a language named in itself (an element with its own lang)
_VERBATIM = re.compile(
    r"<(code|kbd|samp)\b.*?</\1\s*>|<(a|button|option|span)\b[^>]*\slang=[^>]*>.*?</\2\s*>", re.S
)
_ATTR = re.compile(r"""\b(placeholder|title|aria-label|alt)\s*=\s*(["'])(.*?)\2""", re.S | re.I)
_HTML_TAG = re.compile(r"<[^>]*>", re.S)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*[A-Za-z0-9]|[A-Za-z]{2,}")


def untranslated_text(source: str) -> list[str]:
    """The Latin words a reader would see that no translate tag covers."""
    text = _COMMENT.sub(" ", source)
    text = _BLOCK.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _SCRIPT.sub(" ", text)
    text = _VERBATIM.sub(" ", text)
    seen = [m.group(3) for m in _ATTR.finditer(text)]
    seen.append(_HTML_TAG.sub(" ", text))
    words = []
    for chunk in seen:
        chunk = re.sub(r"&[a-z]+;|&#x?[0-9a-f]+;", " ", chunk, flags=re.I)
        words += [w for w in _WORD.findall(chunk) if w not in ALLOWED_WORDS]
    return words


def test_the_template_scan_finds_bare_text() -> None:
    assert untranslated_text('<p>{% translate "Fine" %} Left bare</p>') == ["Left", "bare"]
    assert untranslated_text('<input placeholder="Search here">') == ["Search", "here"]
    assert untranslated_text("<input placeholder=\"{% translate 'Search' %}\"> {{ x.y }}") == []
    assert untranslated_text("{% blocktranslate %}All {{ n }} here{% endblocktranslate %} CSV") == []
    assert untranslated_text('<a href="?lang=en">In English</a>') == ["In", "English"]
    assert untranslated_text('<a href="?lang=en" lang="en">In English</a> <code>family_name</code>') == []


@pytest.mark.parametrize(
    "path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_no_template_shows_untranslated_text(path: Path) -> None:
    assert untranslated_text(path.read_text(encoding="utf-8")) == []
