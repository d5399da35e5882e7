"""The example ledger of 2025 (public aggregate facts) as a loadable data file.

``load_example_ledger()`` reads ``data/ledger-2025.json`` and creates the parties, agreements (with
categories, party statements and state transitions), operations and reported figures through the
services, so everything is validated and audited. It is idempotent: an agreement or operation whose
reference exists is left alone, and so are its figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from homecoming.app.exchanges import services
from homecoming.app.exchanges.models import Agreement, Operation
from homecoming.errors import ImportFileError, Problem

DATA_FILE = Path(__file__).resolve().parent / "data" / "ledger-2025.json"


@dataclass
class LoadSummary:
    agreements: int = 0
    operations: int = 0
    figures: int = 0
    statements: int = 0
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _agreement(actor: Any, a: dict[str, Any], sources: dict[str, str], summary: LoadSummary) -> None:
    if Agreement.objects.filter(reference=a["reference"]).exists():
        summary.skipped.append(a["reference"])
        return
    data = {
        k: a.get(k, "")
        for k in (
            "reference",
            "title",
            "party_a",
            "party_b",
            "intermediary",
            "date_qualifier",
            "date_note",
            "place",
            "notes",
        )
    }
    agreement = services.create_agreement(actor=actor, data=dict(data, date=_date(a.get("date"))))
    for cat in a.get("categories", []):
        services.add_category(actor=actor, agreement=agreement, data=cat)
    for st in a.get("statements", []):
        services.add_statement(
            actor=actor,
            agreement=agreement,
            data=dict(
                st,
                source=sources.get(st.get("source", ""), st.get("source", "")),
                stated_on=_date(st.get("stated_on")),
            ),
        )
        summary.statements += 1
    for state, reason in a.get("states", []):
        services.move_agreement(actor=actor, agreement_id=agreement.pk, to_state=state, reason=reason)
    summary.agreements += 1


def _operation(actor: Any, o: dict[str, Any], sources: dict[str, str], summary: LoadSummary) -> None:
    if Operation.objects.filter(reference=o["reference"]).exists():
        summary.skipped.append(o["reference"])
        return
    agreement = Agreement.objects.get(reference=o["agreement"]) if o.get("agreement") else None
    data = {
        k: o[k]
        for k in (
            "reference",
            "kind",
            "stage",
            "date_qualifier",
            "date_note",
            "place",
            "place_undisclosed",
            "intermediary",
            "notes",
        )
        if k in o
    }
    data.update(date=_date(o.get("date")), agreement=agreement.pk if agreement else None)
    operation = services.create_operation(actor=actor, data=data)
    path = {"executed": ["executed"], "reconciled": ["executed", "reconciled"]}.get(o.get("state", ""), [])
    for state in path:
        services.move_operation(
            actor=actor, operation_id=operation.pk, to_state=state, reason="as reported in the sources"
        )
    for f in o.get("figures", []):
        services.add_figure(
            actor=actor,
            data={
                "operation": operation.pk,
                "receiving_party": f.get("to"),
                "sending_party": f.get("from"),
                "value": f.get("value"),
                "qualifier": f.get("qualifier", "exact"),
                "role": f["role"],
                "measure": f.get("measure", "delivered"),
                "unit": f.get("unit", "bodies"),
                "category": f.get("category"),
                "source_kind": f["source_kind"],
                "source_name": sources.get(f["source"], f["source"]),
                "source_party": f.get("source_party"),
                "reported_on": _date(f.get("reported_on")),
                "date_note": f.get("date_note", ""),
                "reliability": f.get("reliability", "F"),
                "quote": f.get("quote", ""),
            },
        )
        summary.figures += 1
    summary.operations += 1


def load_example_ledger(actor: Any = None, *, file: Path | None = None) -> LoadSummary:
    """Load the example ledger (or another file of the same shape) in one transaction; idempotent."""
    path = Path(file) if file else DATA_FILE
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ImportFileError(
            f"{path.name}: cannot be read as a ledger file ({exc})",
            field="file",
            value=str(path),
            hint="give a JSON file shaped like exchanges/data/ledger-2025.json",
            problems=[Problem("file", str(exc), str(path))],
        ) from None
    summary = LoadSummary()
    try:
        with transaction.atomic():
            sources: dict[str, str] = content.get("sources", {})
            for p in content.get("parties", []):
                services.ensure_party(actor=actor, code=p["code"], name=p["name"], body=p.get("body", ""))
            for a in content.get("agreements", []):
                _agreement(actor, a, sources, summary)
            for o in content.get("operations", []):
                _operation(actor, o, sources, summary)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        what = (
            f"the key {exc.args[0]!r} is missing"
            if isinstance(exc, KeyError)
            else f"a value has the wrong shape ({exc})"
        )
        raise ImportFileError(
            f"{path.name}: {what}; nothing was loaded",
            field="file",
            value=str(path),
            hint="shape the file like exchanges/data/ledger-2025.json",
            problems=[Problem("file", what, str(path))],
        ) from None
    return summary
