"""Who may see what: the one table of sensitive resources, used by the API, the pages and the templates.

``SENSITIVE`` names every kind of data that not every role may see, with the permission that opens it.
Every API endpoint (``require``), every page (``page_requires``, ``may``) and every template (``can``,
put into each page's context by ``context``) asks this module, so a page can never show what the API
refuses: a view fetches a resource only when ``may(user, resource)`` — data a role may not see is not
even read into the template's context. ``tests/app/test_access_matrix.py`` logs in as every role and
reads every page and endpoint that holds such data, checking the body.

It lives apart from ``app/api.py`` so that the apps' API modules never import the API that mounts them
(``app/api.py`` imports their routers; they import only this).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from homecoming.errors import PermissionDenied, RateLimited

#: resource → the permission that opens it. A resource is shown (page, API, dashboard, export) only to a
#: user holding the permission; the roles that hold each permission are declared in each app's roles.py.
SENSITIVE: dict[str, str] = {
    # a person's identity, names and status claims
    "person": "registry.view_person",
    # tracing cases (state, last contact, circumstances)
    "cases": "registry.view_missingcase",
    # enquirers (names, relationship, phone, e-mail, address) and the family address on capture cards
    "contacts": "registry.view_contacts",
    # captivity: held by, since, place of capture, internment number, current place
    "detentions": "captivity.view_detentionrecord",
    # detention events (transfers, hospital, release ... with places and details)
    "detention_events": "captivity.view_detentionevent",
    # capture cards (Annex IV B), their dispatches and which are overdue
    "capture_cards": "captivity.view_capturecard",
    # health: health reports, seriously ill, state of health on cards, Art. 110 eligibility, wounded list
    "health": "captivity.view_health",
    # what a post-mortem examination found
    "examination_details": "remains.view_examination_details",
    # samples taken from remains (DNA) and their descriptions
    "samples": "remains.view_sample",
    # personal effects and documents found with remains
    "effects": "remains.view_personaleffect",
    # the chain of custody of remains, samples and effects
    "custody": "remains.view_custodyevent",
    # DNA profiles: that a sample has a profile, its kit, loci count and quality flags (not the alleles)
    "profiles": "genetics.view_profile",
    # genotypes: the alleles of DNA profiles (post-mortem, reference, elimination)
    "genotypes": "genetics.view_genotype",
    # reference families: the missing person's relatives, their relations, sexes and samples
    "families": "genetics.view_referencefamily",
    # a reference family's consent (scopes given and withdrawn)
    "consent": "genetics.view_consentevent",
    # the contacts of a notification of death: who in the family was told, where, their questions, the
    # words chosen for them (family contact data)
    "notification_contacts": "identification.view_notificationcontact",
    # who in the family received the remains: name, relation, identity document (type and number), the
    # handover's notes and the receiver's signature block (family personal data)
    "handover_receiver": "remains.view_handoverreceiver",
    # the family's contacts on a tracing request and the officers' casework notes (calls, what was said)
    "request_contacts": "tracing.view_requestcontacts",
    # the audit trail
    "audit_trail": "audit.view_auditrecord",
    # the users: names, e-mail addresses, roles, whether active, and what administrators did to them
    # (granted to no role: administrators only, as superusers)
    "users": "accounts.manage_users",
}


def permission_for(resource_or_perm: str) -> str:
    """The permission of a resource of ``SENSITIVE``, or ``resource_or_perm`` itself if it is a permission
    (``"app_label.codename"``: the API's write endpoints ask for their own permissions)."""
    if resource_or_perm in SENSITIVE:
        return SENSITIVE[resource_or_perm]
    if "." not in resource_or_perm:
        raise KeyError(f"{resource_or_perm!r} is neither a resource of SENSITIVE nor a permission")
    return resource_or_perm


def may(user: Any, resource_or_perm: str) -> bool:
    """Whether ``user`` may see ``resource_or_perm`` (a key of ``SENSITIVE`` or a permission)."""
    return bool(
        user is not None and user.is_authenticated and user.has_perm(permission_for(resource_or_perm))
    )


def visible(user: Any) -> dict[str, bool]:
    """Every resource of ``SENSITIVE`` with whether ``user`` may see it (``can`` in the templates)."""
    return {resource: may(user, resource) for resource in SENSITIVE}


def fetch(user: Any, resource: str, read: Callable[[], Any], default: Any = None) -> Any:
    """``read()`` if ``user`` may see ``resource``, else ``default`` — without reading anything."""
    return read() if may(user, resource) else default


def require(request: HttpRequest, resource_or_perm: str) -> Any:
    """The API check: the request's user if ``may``, else PermissionDenied (403 in the error shape)."""
    perm = permission_for(resource_or_perm)
    user = request.user
    if not may(user, perm):
        raise PermissionDenied(
            f"your role does not allow this ({perm})",
            field="permission",
            value=perm,
            hint="ask an administrator for a role that has it",
        )
    return user


def opens(user: Any, all_of: tuple[str, ...] = (), any_of: tuple[str, ...] = ()) -> bool:
    """Whether ``user`` passes a page's check: every one of ``all_of`` and, if any are named, at least
    one of ``any_of`` (see ``page_requires``)."""
    if user is None or not user.is_authenticated:
        return False
    return all(may(user, n) for n in all_of) and (not any_of or any(may(user, n) for n in any_of))


def page_requires(
    *resources_or_perms: str, any_of: tuple[str, ...] = ()
) -> Callable[[Callable[..., HttpResponse]], Callable[..., Any]]:
    """The page check: log-in required, then 403 unless the user ``may`` see every one named (and at least
    one of ``any_of``, if given), then the per-user page rate limit (``ratelimit.check_page``: 429 page
    with ``Retry-After`` past it).

    The check is kept on the view as ``page_access`` (``(all_of, any_of)``): the navigation
    (``homecoming.app.navigation``) shows a link only to a user the view itself would let in.
    """
    for name in (*resources_or_perms, *any_of):
        permission_for(name)  # a typo fails at import, not as a 403 for everybody

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., Any]:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not opens(request.user, resources_or_perms, any_of):
                missing = [n for n in resources_or_perms if not may(request.user, n)] or list(any_of)
                raise DjangoPermissionDenied(permission_for(missing[0]))
            from homecoming.app import ratelimit

            try:
                ratelimit.check_page(request.user)
            except RateLimited as exc:
                response = render(request, "rate_limited.html", {"retry_after": exc.retry_after}, status=429)
                response["Retry-After"] = str(exc.retry_after)
                return response
            return view(request, *args, **kwargs)

        page = login_required(checked)
        page.page_access = (tuple(resources_or_perms), tuple(any_of))  # type: ignore[attr-defined]
        return page

    return decorate


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``can.<resource>`` for every resource of ``SENSITIVE``."""
    return {"can": visible(getattr(request, "user", None))}
