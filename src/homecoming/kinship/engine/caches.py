"""Every cache of the engine, in one place: bounded, keyed by values or by the objects themselves.

Keys are frozen values (pedigrees, tuples) or objects held by the cache itself (allele spaces), never
bare ``id()`` numbers that a new object could reuse. Each cache empties itself when full (the same
structures come back family after family, so a simple bound is enough). Per-object caches live on
the frozen objects: a locus keeps its allele spaces, a plan its compiled program.
"""

from __future__ import annotations

from typing import Any


class Cache(dict[Any, Any]):
    """A dict that empties itself when it holds ``limit`` entries and one more is put."""

    def __init__(self, name: str, limit: int) -> None:
        super().__init__()
        self.name = name
        self.limit = limit
        CACHES.append(self)

    def put(self, key: Any, value: Any) -> Any:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


CACHES: list[Cache] = []

ORDERS = Cache("generic elimination orders", 4096)
PLANS = Cache("compiled plans", 2048)
BUFFERS = Cache("compiled marker buffers", 256)
DIGESTS = Cache("provenance digests of loci", 256)


def clear_all() -> None:
    """Empty every cache (tests; long-running workers after a large batch)."""
    for cache in CACHES:
        cache.clear()
