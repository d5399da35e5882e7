"""Where the shared data lives: ``../shared`` beside the repository (as in CI), or HOMECOMING_SHARED_DIR.

The example kinship and DVI cases with the reference answers are there; the tests need them and fail
with this message, rather than skipping, when they are missing.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HOMECOMING_SHARED_DIR", REPO.parent / "shared")).resolve()
KINSHIP_CASES = SHARED / "data" / "kinship-cases"
MISSING = (
    f"the shared data is not at {SHARED}: put ../shared beside the repository or set HOMECOMING_SHARED_DIR"
)
