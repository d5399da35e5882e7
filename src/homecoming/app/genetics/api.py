"""Genetics endpoints: lab files and profiles, reference families and consent, frequency tables.

Each part declares its endpoints on this one router (tagged ``genetics``) in its own module; this module
imports them so that ``app/api.py`` finds them all through ``router``.
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["genetics"])

# Each part's endpoints live on its own router, mounted here (a part importing this router would make an
# import cycle, which tests/architecture refuses).
from homecoming.app.genetics import api_families, api_frequencies, api_profiles  # noqa: E402

router.add_router("", api_frequencies.router)
router.add_router("", api_families.router)
router.add_router("", api_profiles.router)
