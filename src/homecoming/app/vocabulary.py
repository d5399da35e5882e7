"""Synthetic vocabularies shared by the demo database and the registry benchmark (no real units)."""

from __future__ import annotations

UNITS = [
    "1st Mechanised Brigade",
    "24th Separate Battalion",
    "72nd Brigade",
    "3rd Assault Company",
    "Territorial Defence, 112th Brigade",
    "Naval Infantry, 36th Brigade",
]
RANKS = [
    "soldier",
    "senior soldier",
    "junior sergeant",
    "sergeant",
    "senior sergeant",
    "lieutenant",
    "captain",
]
