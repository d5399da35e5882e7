"""Homecoming: bringing the missing and the dead of war home."""

__version__ = "0.1.0"
