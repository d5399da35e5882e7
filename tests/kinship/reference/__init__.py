"""Slow, independent reference implementations ("oracles") for the kinship engine.

Nothing in this package imports ``homecoming.kinship``: the oracles work on plain data (lists, dicts,
tuples of allele labels) so that they can pin the fast engine instead of repeating its mistakes.
Only ``adapter.py`` knows the engine's objects.
"""
