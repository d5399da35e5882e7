"""The navigation: one table of the site's pages, each shown only to a user its view lets in.

Every entry names a URL; whether a user sees it is asked of the view the URL leads to — the check its
``page_requires`` keeps on it (``page_access``) — so the navigation and the page cannot disagree: a link
is shown exactly when the page would open (``tests/app/test_navigation.py`` opens every link as every
role, and checks every page left out answers 403).

``nav`` (the context processor) puts the entries the request's user may open into every page's context
as ``nav``: a list of ``(label, url, current)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from homecoming.app.permissions import opens


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: Promise


#: the navigation, in the order shown. An app's page joins it here; who sees it is its view's check.
NAV: tuple[Entry, ...] = (
    Entry("dashboard", _("Dashboard")),
    Entry("registry:search", _("Search")),
    Entry("registry:person_create", _("New person")),
    Entry("registry:import", _("Import a list")),
    Entry("registry:claims", _("Status claims")),
    Entry("registry:duplicates", _("Possible duplicates")),
    Entry("captivity:overdue_cards", _("Overdue capture cards")),
    Entry("captivity:wounded", _("Wounded list")),
    Entry("exchanges:agreements", _("Exchanges")),
    Entry("exchanges:operations", _("Operations")),
    Entry("remains:batches", _("Remains")),
    Entry("remains:units", _("Remains units")),
    Entry("genetics:index", _("Genetics")),
    Entry("identification:batches", _("Screening")),
    Entry("identification:reports", _("Reports")),
    Entry("tracing:queue", _("Tracing requests")),
    Entry("identification:notify", _("Families to notify")),
    Entry("messaging:outbox", _("Messages to families")),
    Entry("remains:family_handovers", _("Handovers to the family")),
    Entry("audit:log", _("Audit")),
    Entry("accounts:users", _("Users")),  # the administrator's user management
)


@cache
def access(url_name: str) -> tuple[str, tuple[tuple[str, ...], tuple[str, ...]] | None]:
    """The URL of ``url_name`` and its view's check ``(all_of, any_of)`` (None: log-in only)."""
    url = reverse(url_name)
    view = resolve(url).func
    return url, getattr(view, "page_access", None)


def may_open(user: Any, url_name: str) -> bool:
    """Whether ``user`` may open the page ``url_name`` (its view's own check)."""
    if user is None or not user.is_authenticated:
        return False
    _url, check = access(url_name)
    return check is None or opens(user, *check)


def entries(user: Any, path: str = "") -> list[tuple[str, str, bool]]:
    """The navigation ``user`` may open: ``(label, url, current)`` each."""
    shown = [(str(e.label), access(e.url_name)[0]) for e in NAV if may_open(user, e.url_name)]
    # the current page: the longest URL the path starts with ("/" only for the dashboard itself)
    matching = [url for _label, url in shown if (path == url if url == "/" else path.startswith(url))]
    current = max(matching, key=len, default=None)
    return [(label, url, url == current) for label, url in shown]


def nav(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``nav``, the entries the request's user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    return {"nav": entries(user, request.path)}
