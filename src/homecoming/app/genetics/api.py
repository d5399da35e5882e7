"""Genetics endpoints: lab files and profiles, reference families and consent, frequency tables.

Each part declares its endpoints on this one router (tagged ``genetics``) in its own module; this module
imports them so that ``app/api.py`` finds them all through ``router``.
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["genetics"])
