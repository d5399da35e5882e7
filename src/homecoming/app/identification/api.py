"""Identification endpoints: screening runs and candidates, comparison reports, families to notify.

Each part declares its endpoints on its own router, mounted here (tagged ``identification``).
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["identification"])
