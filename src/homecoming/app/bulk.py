"""Writing many rows at once: COPY on PostgreSQL, one ``executemany`` elsewhere (inside the caller's
transaction). ``bulk_create`` on PostgreSQL quotes every value into array literals in Python, which is
most of the time of storing 10,000 screening candidates with their evidence; COPY takes the rows as they
are."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


class Table:
    """Rows of one table as tuples of ``fields`` (attribute names: ``run_id`` or ``run``)."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.table = model._meta.db_table
        self.fields = [model._meta.get_field(f) for f in fields]
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)

    def write(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            prepared = [
                tuple(f.get_db_prep_save(v, connection) for f, v in zip(self.fields, row, strict=True))
                for row in rows
            ]
            marks = ", ".join(["%s"] * len(self.fields))
            cursor.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})", prepared)


def insert(objs: Sequence[models.Model]) -> None:
    """Insert unsaved model instances of one model (every concrete field but an automatic id); their
    ids are not read back."""
    if not objs:
        return
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    table = Table(model, [f.attname for f in fields])
    pg = connection.vendor == "postgresql"

    def value(obj: models.Model, f: models.Field[Any, Any]) -> Any:
        v = getattr(obj, f.attname)
        if pg and isinstance(f, models.JSONField) and v is not None:
            return json.dumps(v, cls=f.encoder)
        return v

    table.write([tuple(value(o, f) for f in fields) for o in objs])
