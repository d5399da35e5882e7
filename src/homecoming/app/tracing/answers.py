"""Suggested answers for a linked request, drafted from the registry in the family's language.

For families of either side ("I Want to Find": Russian families asking about soldiers of the other party),
the officer may confirm what the registry holds about the person the request is linked to — captivity
(with the detaining power and the date, for a role that may see detentions), alive, or a confirmed death
— and release it. Nothing is released by itself: each suggestion is a text the officer reads, edits and
releases (or not). Without a link, or for a role that may not see the person, there is none.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from homecoming.app.permissions import may
from homecoming.app.tracing.models import TracingRequest


def _name(req: TracingRequest) -> str:
    return " ".join(p for p in (req.given_name, req.patronymic, req.family_name) if p)


def suggestions(req: TracingRequest, user: Any) -> list[str]:
    """Texts the officer may release to the family of ``req``, in the request's language."""
    person = req.person
    if person is None or not may(user, "person"):
        return []
    out: list[str] = []
    with translation.override(req.language):
        name = _name(req)
        status = person.current_status
        detention = None
        if status == "captive" and may(user, "detentions"):
            detention = person.detentions.order_by("-capture_date", "-id").first()
        if detention is not None:
            out.append(
                _(
                    "%(name)s is registered as a prisoner of war, held by %(power)s since %(date)s. "
                    "We will write here what more we learn."
                )
                % {
                    "name": name,
                    "power": detention.detaining_power,
                    "date": detention.capture_date.isoformat(),
                }
            )
        elif status == "captive":
            out.append(
                _("%(name)s is registered as a prisoner of war. We will write here what more we learn.")
                % {"name": name}
            )
        elif status == "alive":
            alive = _("%(name)s is registered as alive. We will write here what more we learn.")
            out.append(alive % {"name": name})
        elif status == "confirmed_dead":
            out.append(
                _(
                    "With deep regret we must tell you that the death of %(name)s has been confirmed. Please "
                    "contact the family liaison office: we will answer your questions and help you."
                )
                % {"name": name}
            )
        out.append(
            _(
                "We received your request about %(name)s and are searching. We will write here as soon as we "
                "learn anything."
            )
            % {"name": name}
        )
    return out
