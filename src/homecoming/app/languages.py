"""The staff pages speak English and Ukrainian; Russian is a language of the family portal only.

``LANGUAGES`` lists every language the installation translates into (en, uk, ru) because the family
portal (``/family/``, the public pages of ``tracing``) offers all three. The staff pages, the API and the
admin offer ``STAFF_LANGUAGES`` (en, uk) only: a staff page requested while a portal-only language is
active (a family member's cookie or browser asking for ru, a member of staff who chose ru on the portal)
is rendered in ``STAFF_FALLBACK_LANGUAGE`` (uk), and the staff pages' language selector lists en and uk.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from homecoming.app.conventions import public_page_urls


def staff_languages() -> list[tuple[str, str]]:
    """``(code, name)`` of the languages the staff pages offer, in the order of ``LANGUAGES``."""
    codes = set(settings.STAFF_LANGUAGES)
    return [(code, name) for code, name in settings.LANGUAGES if code in codes]


@cache
def _public_prefixes() -> tuple[str, ...]:
    return tuple("/" + prefix.lstrip("/") for prefix, _module in public_page_urls())


def is_public_path(path: str) -> bool:
    """Whether ``path`` is a public page (the family portal), which offers every language."""
    return path.startswith(_public_prefixes())


class StaffLanguageMiddleware:
    """After ``LocaleMiddleware``: a language the staff pages do not offer falls back to Ukrainian.

    The choice itself (cookie, Accept-Language) is left as it is, so the family portal still opens in
    the language the family chose.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language()
        if language not in settings.STAFF_LANGUAGES and not is_public_path(request.path_info):
            translation.activate(settings.STAFF_FALLBACK_LANGUAGE)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def context(request: HttpRequest) -> dict[str, object]:
    """``staff_languages`` for the staff pages' language selector."""
    return {"staff_languages": staff_languages()}
