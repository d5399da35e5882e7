"""Identification: screening runs and their candidates, comparison reports and their reviews.

Two parts, each in its own module and imported here so Django finds every model:

* ``models_screening`` — a batch screened against the families in scope (a background job), the cached
  family tables, every candidate with its evidence, and each body's conclusion.
* ``models_reports`` — comparison reports (IDEN / EQUL / FRAG) with their insert-only transitions, and
  the families to notify once an identification is signed.
* ``models_notifications`` — the recorded contacts of a notification of death (insert-only).
"""

from __future__ import annotations

from homecoming.app.identification.models_notifications import *  # noqa: F403
from homecoming.app.identification.models_reports import *  # noqa: F403
from homecoming.app.identification.models_screening import *  # noqa: F403
