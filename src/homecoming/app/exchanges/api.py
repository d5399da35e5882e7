"""API endpoints of the exchanges app."""

from ninja import Router

router = Router(tags=["exchanges"])
