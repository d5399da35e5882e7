"""The family portal speaks Ukrainian, Russian and English: every text of its pages is translated.

Two checks that can each fail on their own:

* the catalogues: every msgid the portal's templates and Python modules use has a translation in the
  compiled uk and ru catalogues;
* the pages: each portal page (home, form, form with problems, code and secret, status form, wrong
  pair, status with a release, both rate-limited forms, too large a request, an expired form) is
  rendered in uk, ru and en; no English text of the portal's catalogue is left in the uk or ru
  rendering, and the uk and ru renderings differ from the English one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from homecoming.app.tracing import portal, services

APP = Path(__file__).resolve().parents[3] / "src/homecoming/app"
TEMPLATES = sorted((APP / "templates/tracing/family").glob("*"))
MODULES = [APP / "tracing/portal.py", APP / "tracing/forms.py", APP / "tracing/family_views.py"]
LANGUAGES = ("uk", "ru")

_TAG = re.compile(r"""\{%\s*translate\s+(["'])(.+?)\1""")
_BLOCK = re.compile(
    r"\{%\s*blocktranslate(?P<args>[^%]*)%\}(?P<one>.*?)(?:\{%\s*plural\s*%\}.*?)?\{%\s*endblocktranslate\s*%\}",
    re.S,
)
_PY = re.compile(r"""\b_\(\s*(["'])(.+?)(?<!\\)\1""")


def _msgids() -> list[str]:
    found: list[str] = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        found += [m.group(2) for m in _TAG.finditer(text)]
        found += [re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", m.group("one")) for m in _BLOCK.finditer(text)]
    for path in MODULES:
        found += [m.group(2) for m in _PY.finditer(path.read_text(encoding="utf-8"))]
    return sorted(set(found))


def test_russian_is_one_of_the_languages() -> None:
    assert [code for code, _name in settings.LANGUAGES] == ["en", "uk", "ru"]


def test_the_scan_finds_the_portal_texts() -> None:
    ids = _msgids()
    assert len(ids) > 80
    assert "Submit a tracing request" in ids and "we need a way to reach you" in ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_portal_text_is_in_the_compiled_catalogue(language: str) -> None:
    with translation.override(language):
        catalogue = translation.trans_real.translation(language)._catalog  # type: ignore[attr-defined]
        missing = [i for i in _msgids() if i not in catalogue and (i, 0) not in catalogue]
    assert missing == [], f"not translated into {language}: {missing}"


# --- the pages as rendered ------------------------------------------------------------------------------

_SKIP = re.compile(r"<(script|style)\b.*?</\1>", re.S)


def _text(html: str) -> str:
    """The visible text and the attributes people read (labels, alt, aria-label, placeholder, title)."""
    html = _SKIP.sub(" ", html)
    attrs = " ".join(re.findall(r'(?:alt|aria-label|placeholder|title)="([^"]*)"', html))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html) + " " + attrs).replace("&#x27;", "'")


def _english_texts() -> list[str]:
    # whole phrases only: a single word like "Secret" could be a proper part of another text
    return [i for i in _msgids() if " " in i and "%(" not in i]


@pytest.fixture
def pages(form_data: dict[str, str], liaison: Any, settings: Any) -> Any:
    settings.TRACING_STATUS_RATE_LIMIT = (1000, 60)
    settings.TRACING_SUBMIT_RATE_LIMIT = (1000, 60)
    done = portal.submit(data=form_data)
    services.release(actor=liaison, request_id=done.request.pk, text="Synthetic released text 42.")

    def render(language: str) -> dict[str, str]:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        out = {
            "home": client.get(reverse("family:home")),
            "form": client.get(reverse("family:request")),
            "form with problems": client.post(
                reverse("family:request"), {**form_data, "enquirer_phone": "x", "birth_date": "2999"}
            ),
            "status form": client.get(reverse("family:status")),
            "wrong pair": client.post(reverse("family:status"), {"code": "AAAAA", "secret": "B"}),
            "nothing to show": client.get(reverse("family:request_done")),
        }
        client.post(reverse("family:request"), form_data)
        out["code and secret"] = client.get(reverse("family:request_done"))
        client.post(reverse("family:status"), {"code": done.request.code, "secret": done.secret})
        out["status"] = client.get(reverse("family:status"))
        settings.TRACING_STATUS_RATE_LIMIT = (1, 600)
        client.post(reverse("family:status"), {"code": "CCCCC", "secret": "D"})
        out["rate limited"] = client.post(reverse("family:status"), {"code": "CCCCC", "secret": "D"})
        settings.TRACING_STATUS_RATE_LIMIT = (1000, 60)
        settings.TRACING_SUBMIT_RATE_LIMIT = (1, 600)  # the form above was the one request let through
        out["request rate limited"] = client.post(reverse("family:request"), form_data)
        settings.TRACING_SUBMIT_RATE_LIMIT = (1000, 60)
        out["too large"] = client.post(
            reverse("family:request"), {"x": "y"}, CONTENT_LENGTH=str(portal.MAX_BODY_BYTES + 1)
        )
        expired = Client(enforce_csrf_checks=True)
        expired.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        out["form expired"] = expired.post(reverse("family:request"), form_data)
        from django.core.cache import cache

        cache.clear()
        return {name: r.content.decode() for name, r in out.items()}

    return render


@pytest.mark.django_db
def test_every_portal_page_is_fully_translated(pages: Any) -> None:
    english = pages("en")
    assert "Synthetic released text 42." in english["status"]
    assert "Too many attempts" in english["rate limited"]
    assert "Your request was not sent yet" in english["request rate limited"]
    assert "The request is too large" in english["too large"]
    assert "The form has expired" in english["form expired"]
    phrases = _english_texts()
    problems = []
    for language in LANGUAGES:
        rendered = pages(language)
        for name, html in rendered.items():
            assert f'<html lang="{language}">' in html, (language, name)
            text = _text(html)
            left = [p for p in phrases if p in text]
            if left:
                problems.append(f"{language} {name}: English left: {left}")
            if _text(english[name]) == text:
                problems.append(f"{language} {name}: same as the English page")
    assert not problems, "\n".join(problems)
