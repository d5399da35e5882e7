"""Comparison reports (IDEN / EQUL / FRAG), their transitions, families to notify."""

from __future__ import annotations

__all__: list[str] = []
