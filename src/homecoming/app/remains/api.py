"""API endpoints of the remains app."""

from ninja import Router

router = Router(tags=["remains"])
