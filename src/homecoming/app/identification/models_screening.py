"""Screening runs of a batch, cached family tables, candidates, body conclusions."""

from __future__ import annotations

__all__: list[str] = []
