"""Frequency-table endpoints: list, detail, upload (the file's text in JSON), put in force.

Declared on this module's own router (tagged ``genetics``), which ``genetics.api`` mounts on the app's
router: importing ``genetics.api.router`` from here would be an import cycle (tests/architecture).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from homecoming.app.genetics import frequencies as services
from homecoming.app.genetics.models import FrequencyTable
from homecoming.app.lookup import by_id
from homecoming.app.permissions import require

router = Router(tags=["genetics"])


class TableOut(Schema):
    id: int
    reference: str
    name: str
    population: str
    source: str
    sample_size: int | None
    minimum_rule: str
    minimum_frequency: float | None
    sha256: str
    file_name: str
    file_layout: str
    markers: int
    alleles: int
    in_force: bool
    imported_at: dt.datetime
    imported_by: str | None
    notes: str


class TableDetailOut(TableOut):
    frequencies: dict[str, dict[str, float]]
    activations: list[dict[str, Any]]


class TableIn(Schema):
    name: str
    population: str
    source: str
    text: str = Field(description="the file's text: long CSV, Familias text database or EuroForMix table")
    file_name: str = ""
    layout: str | None = Field(None, description="long | familias | euroformix (default: detected)")
    sample_size: int | None = Field(None, description="persons typed (N), for the 5/2N rule")
    minimum_rule: str = Field("five_over_2n", description="none | five_over_2n | fixed")
    minimum_frequency: float | None = Field(None, description="the value of the fixed rule")
    normalise: bool = Field(False, description="divide each marker by its sum instead of refusing it")
    notes: str = ""
    activate: bool = Field(False, description="put the new table in force at once")
    reason: str = Field("", description="why it is put in force (with activate)")


class ActivateIn(Schema):
    reason: str = ""


class ActivationOut(Schema):
    table: str
    at: dt.datetime
    reason: str


def table_out(table: FrequencyTable, in_force_id: int | None) -> dict[str, Any]:
    return {
        "id": table.pk,
        "reference": table.reference,
        "name": table.name,
        "population": table.population,
        "source": table.source,
        "sample_size": table.sample_size,
        "minimum_rule": table.minimum_rule,
        "minimum_frequency": table.minimum_frequency,
        "sha256": table.sha256,
        "file_name": table.file_name,
        "file_layout": table.file_layout,
        "markers": len(table.markers),
        "alleles": sum(len(a) for a in table.markers.values()),
        "in_force": table.pk == in_force_id,
        "imported_at": table.imported_at,
        "imported_by": table.imported_by.username if table.imported_by else None,
        "notes": table.notes,
    }


def _in_force_id() -> int | None:
    current = services.table_in_force()
    return current.pk if current else None


@router.get("/genetics/frequency-tables", response=list[TableOut], summary="Frequency tables, newest first")
def list_tables(request: HttpRequest) -> list[dict[str, Any]]:
    require(request, "genetics.view_frequencytable")
    current = _in_force_id()
    return [table_out(t, current) for t in FrequencyTable.objects.select_related("imported_by")[:500]]


@router.get(
    "/genetics/frequency-tables/{table_id}",
    response=TableDetailOut,
    summary="A frequency table with its frequencies and activations",
)
def get_table(request: HttpRequest, table_id: int) -> dict[str, Any]:
    require(request, "genetics.view_frequencytable")
    table = by_id(
        FrequencyTable.objects.select_related("imported_by"), table_id, what="frequency table", field="table"
    )
    activations = [
        {"at": a.at, "by": a.actor.username if a.actor else None, "reason": a.reason}
        for a in table.activations.select_related("actor")
    ]
    return table_out(table, _in_force_id()) | {"frequencies": table.markers, "activations": activations}


@router.post("/genetics/frequency-tables", response={201: TableOut}, summary="Import a frequency table")
def upload_table(request: HttpRequest, payload: TableIn) -> Status:
    actor = require(request, "genetics.add_frequencytable")
    if payload.activate:
        require(request, "genetics.add_frequencytableactivation")
    data = payload.dict()
    activate, reason = data.pop("activate"), data.pop("reason")
    table = services.import_table(actor=actor, **data, activate_reason=reason if activate else None)
    return Status(201, table_out(table, _in_force_id()))


@router.post(
    "/genetics/frequency-tables/{table_id}/activate",
    response={201: ActivationOut},
    summary="Put a frequency table in force",
)
def activate_table(request: HttpRequest, table_id: int, payload: ActivateIn) -> Status:
    actor = require(request, "genetics.add_frequencytableactivation")
    row = services.activate(actor=actor, table_id=table_id, reason=payload.reason)
    return Status(201, {"table": row.table.reference, "at": row.at, "reason": row.reason})
