"""Identification endpoints: screening runs and candidates, comparison reports, families to notify.

Each part declares its endpoints on its own router, mounted here (tagged ``identification``).
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["identification"])

# Each part's endpoints live on its own router, mounted here (a part importing this router would make an
# import cycle, which tests/architecture refuses).
from homecoming.app.identification import api_reports, api_screening  # noqa: E402

router.add_router("", api_reports.router)
from homecoming.app.identification import api_report_pdf  # noqa: E402

router.add_router("", api_report_pdf.router)
router.add_router("", api_screening.router)
from homecoming.app.identification import api_notifications  # noqa: E402

router.add_router("", api_notifications.router)
