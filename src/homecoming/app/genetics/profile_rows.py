"""Writing many profiles at once: COPY on PostgreSQL (ids drawn from the table's sequence first),
``bulk_create`` elsewhere. 100,000 profiles of 24 loci are one file's worth.

A row is a mapping of :class:`Profile` column names (``sample_id``, ``lab_file_id``, ...) to values; the
JSON columns are given as Python lists and dicts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii as _q  # type: ignore[attr-defined]
from typing import Any

from django.db import connection

from homecoming.app.genetics.models import Profile

CHUNK = 2000
JSON_COLUMNS = frozenset({"loci", "flags", "consensus_of", "conflicts", "raw"})


def loci_rows(loci: Sequence[Any]) -> list[dict[str, Any]]:
    """``Profile.loci`` of a reader's loci: alleles as written and as used, flags, kit, batch."""
    return [
        {
            "locus": lc.locus,
            "written_name": lc.written_name,
            "written": list(lc.written),
            "used": list(lc.used),
            "flags": list(lc.flags),
            "kit": lc.kit,
            "batch": lc.batch,
        }
        for lc in loci
    ]


def _strings(values: Sequence[str]) -> str:
    return "[" + ",".join(_q(v) for v in values) + "]"


def loci_json(loci: Sequence[Any]) -> str:
    """The JSON text of :func:`loci_rows` (the same value), written directly: ten times the rows of a file
    pass through here, and ``json.dumps`` of the dicts is the larger part of writing them."""
    return (
        "["
        + ",".join(
            f'{{"locus":{_q(lc.locus)},"written_name":{_q(lc.written_name)},"written":{_strings(lc.written)},'
            f'"used":{_strings(lc.used)},"flags":{_strings(lc.flags)},"kit":{_q(lc.kit)},"batch":{_q(lc.batch)}}}'
            for lc in loci
        )
        + "]"
    )


class Json(str):
    """JSON text already written (COPY takes it as is; ``bulk_create`` gets the value back)."""


def insert_profiles(rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (inside the caller's transaction); their ids, in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        made = Profile.objects.bulk_create(
            [Profile(**{k: json.loads(v) if isinstance(v, Json) else v for k, v in r.items()}) for r in rows],
            batch_size=CHUNK,
        )
        return [int(p.pk) for p in made]
    table = Profile._meta.db_table
    columns = ["id", *rows[0]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
        )
        ids = [int(r[0]) for r in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *(_json(v) if k in JSON_COLUMNS else v for k, v in row.items())])
    return ids


def _json(value: Any) -> str:
    return str(value) if isinstance(value, Json) else json.dumps(value)
