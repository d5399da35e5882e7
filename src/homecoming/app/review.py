"""The four-eyes rule of every conclusion that needs a review: a status claim, a ledger decision (and
next, an identification). The reviewer's role must grant the review permission, and the reviewer must
not be the person who made what is reviewed.
"""

from __future__ import annotations

from typing import Any

from homecoming.errors import PermissionDenied


def check_reviewer(
    actor: Any,
    *,
    perm: str,
    author_id: Any,
    what: str,
    made: str,
    reviewer: str,
    verdict: str,
    field: str = "verdict",
) -> None:
    """Refuse ``actor`` as the reviewer of ``what`` (e.g. "a claim", made by ``author_id``; ``made``:
    "submitted it") unless their role grants ``perm`` (``reviewer``: who has it, e.g. "an identification
    reviewer") and they did not make it. ``field``: the name the caller gives the verdict. ``actor``
    None is the system (CLI without --as, loaders)."""
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise PermissionDenied(
            f"only {reviewer} may accept or reject {what}",
            field=field,
            value=verdict,
            hint=f"ask {reviewer}",
        )
    if author_id == actor.pk:
        raise PermissionDenied(
            f"{what} must be reviewed by someone other than the person who {made}",
            field="reviewer",
            value=actor.get_username(),
            hint="ask a second person",
        )
