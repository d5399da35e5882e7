"""The audit trail as a person reads it: each record's change field by field, in the model's words.

A record keeps ``before``/``after`` as JSON values (:func:`~homecoming.app.audit.findings.field_value`);
here each field is named by its model field's verbose name (translated), each value written as the page
writes it (a choice's label, a date in the reader's format, yes/no), and values the trail withholds stay
withheld: only their field names are shown, never the keyed digest. Nothing here reads the current row:
the page shows what the record holds, no more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from homecoming.app.audit.withheld import DIGEST_KEY

#: keys of ``before``/``after`` that are the trail's bookkeeping of withheld values, not fields
WITHHELD_KEYS = {"withheld", DIGEST_KEY, "withheld_sha256"}

#: the page of an object type: URL name and its keyword argument (the models have no get_absolute_url)
OBJECT_PAGES: dict[str, tuple[str, str]] = {
    "registry.person": ("registry:person", "person_id"),
    "captivity.capturecard": ("captivity:card", "card_id"),
    "exchanges.agreement": ("exchanges:agreement", "agreement_id"),
    "exchanges.operation": ("exchanges:operation", "operation_id"),
    "genetics.frequencytable": ("genetics:frequency_table", "table_id"),
    "genetics.referencefamily": ("genetics:family", "family_id"),
    "genetics.labfile": ("genetics:lab_file", "lab_file_id"),
    "genetics.profile": ("genetics:profile", "profile_id"),
    "identification.comparisonreport": ("identification:report", "report_id"),
    "identification.familynotification": ("identification:notification", "notification_id"),
    "messaging.outboundmessage": ("messaging:message", "message_id"),
    "remains.intakebatch": ("remains:batch", "batch_id"),
    "remains.remainsunit": ("remains:unit", "unit_id"),
    "remains.examination": ("remains:examination", "exam_id"),
    "remains.sample": ("remains:sample", "sample_id"),
    "remains.personaleffect": ("remains:effect", "effect_id"),
    "remains.familyhandover": ("remains:family_handover", "handover_id"),
    "tracing.tracingrequest": ("tracing:request", "request_id"),
}

#: words for fields that have no verbose name of their own (the rest are shown as their names)
FIELD_WORDS: dict[str, Any] = {
    "at": pgettext_lazy("audit field", "time"),
    "created": pgettext_lazy("audit field", "created"),
    "updated": pgettext_lazy("audit field", "updated"),
    "reference": pgettext_lazy("audit field", "reference"),
    "person": pgettext_lazy("audit field", "person"),
    "actor": pgettext_lazy("audit field", "by"),
    "reason": pgettext_lazy("audit field", "reason"),
    "created_by": pgettext_lazy("audit field", "created by"),
    "unit": pgettext_lazy("audit field", "military unit"),
    "names": pgettext_lazy("audit field", "names"),
    "family_name": pgettext_lazy("audit field", "family name"),
    "given_name": pgettext_lazy("audit field", "given name"),
    "patronymic": pgettext_lazy("audit field", "patronymic"),
    "script": pgettext_lazy("audit field", "script"),
    "kind": pgettext_lazy("audit field", "kind"),
    "notes": pgettext_lazy("audit field", "notes"),
    "note": pgettext_lazy("audit field", "note"),
    "version": pgettext_lazy("audit field", "version"),
    "recorded_by": pgettext_lazy("audit field", "recorded by"),
    "recorded_at": pgettext_lazy("audit field", "recorded at"),
    "name": pgettext_lazy("audit field", "name"),
    "state": pgettext_lazy("audit field", "state"),
    "from_state": pgettext_lazy("audit field", "from state"),
    "to_state": pgettext_lazy("audit field", "to state"),
    "evidence": pgettext_lazy("audit field", "evidence"),
    "family": pgettext_lazy("audit field", "family"),
    "agreement": pgettext_lazy("audit field", "agreement"),
    "operation": pgettext_lazy("audit field", "operation"),
    "request": pgettext_lazy("audit field", "request"),
    "source": pgettext_lazy("audit field", "source"),
    "record": pgettext_lazy("audit field", "record"),
    "date": pgettext_lazy("audit field", "date"),
    "place": pgettext_lazy("audit field", "place"),
    "report": pgettext_lazy("audit field", "report"),
    "category": pgettext_lazy("audit field", "category"),
    "profile": pgettext_lazy("audit field", "DNA profile"),
    "batch": pgettext_lazy("audit field", "batch"),
    "effect": pgettext_lazy("audit field", "personal effect"),
    "sample": pgettext_lazy("audit field", "sample"),
    "purpose": pgettext_lazy("audit field", "purpose"),
    "decision": pgettext_lazy("audit field", "decision"),
    "status": pgettext_lazy("audit field", "status"),
    "size": pgettext_lazy("audit field", "size"),
    "file_name": pgettext_lazy("audit field", "file name"),
    "imported_by": pgettext_lazy("audit field", "imported by"),
    "signature_hash": pgettext_lazy("audit field", "signature hash"),
    "condition": pgettext_lazy("audit field", "condition"),
    "method": pgettext_lazy("audit field", "method"),
    "stage": pgettext_lazy("audit field", "stage"),
    "language": pgettext_lazy("audit field", "language"),
}


#: words for relations named like a plain field (``unit`` is then a remains unit, not a military one)
RELATION_WORDS: dict[str, Any] = {"unit": pgettext_lazy("audit field", "remains unit")}


#: the actions the services record, in words (an action not listed is shown with its underscores as spaces)
ACTIONS: dict[str, Any] = {
    "create": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "view": gettext_lazy("viewed"),
    "transition": gettext_lazy("state changed"),
    "import": gettext_lazy("imported"),
    "review": gettext_lazy("reviewed"),
    "purge": gettext_lazy("purged"),
    "merge": gettext_lazy("merged"),
    "unmerge": gettext_lazy("merge undone"),
    "link": gettext_lazy("linked"),
    "verify": gettext_lazy("verified"),
    "custody": gettext_lazy("custody event"),
    "supersede_custody": gettext_lazy("custody event corrected"),
    "export": gettext_lazy("exported"),
    "split": gettext_lazy("split"),
    "status": gettext_lazy("status changed"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action.replace("_", " ")))


def model_of(object_type: str) -> type[models.Model] | None:
    if object_type.count(".") != 1:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    model = model_of(object_type)
    if model is None:
        return object_type
    return str(capfirst(model._meta.verbose_name))


def object_url(object_type: str, object_id: str) -> str | None:
    page = OBJECT_PAGES.get(object_type)
    if page is None or not object_id.isdigit():
        return None
    try:
        return reverse(page[0], kwargs={page[1]: int(object_id)})
    except NoReverseMatch:
        return None


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        pass
    for f in model._meta.concrete_fields:
        if f.attname == key:
            return f
    return None


def field_label(model: type[models.Model] | None, key: str) -> str:
    f = _field(model, key)
    name = f.name if f is not None else key
    if f is not None and str(getattr(f, "verbose_name", "") or f.name) != f.name.replace("_", " "):
        return str(capfirst(f.verbose_name))  # a verbose name of its own (translated)
    if f is not None and f.is_relation and name in RELATION_WORDS:
        return str(capfirst(RELATION_WORDS[name]))
    if name in FIELD_WORDS:
        return str(capfirst(FIELD_WORDS[name]))
    return str(capfirst(name.removesuffix("_id").replace("_", " ")))


def _when(text: str) -> str | None:
    moment = parse_datetime(text) if "T" in text or " " in text else None
    if moment is not None:
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "DATETIME_FORMAT")
    day = parse_date(text) if len(text) == 10 else None
    return formats.date_format(day, "DATE_FORMAT") if day is not None else None


def readable(value: Any, f: Any = None) -> str:
    """A recorded value as words: a choice's label, yes/no, a date in the reader's format; a nested value
    as "name: value" pairs (never a Python or JSON dump)."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if f is not None and getattr(f, "choices", None):
        labels = {str(k): v for k, v in f.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        if isinstance(f, models.DateField | models.DateTimeField) or (len(value) >= 10 and value[4:5] == "-"):
            try:
                when = _when(value)
            except ValueError:
                when = None
            if when is not None:
                return when
        return value
    if isinstance(value, int | float):
        if isinstance(f, models.ForeignKey):
            return f"#{value}"
        return formats.number_format(value, force_grouping=isinstance(value, int) and abs(value) >= 10000)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(None, str(k))}: {readable(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return (" | " if any(isinstance(v, dict) for v in value) else ", ").join(readable(v) for v in value)
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


@dataclass
class Change:
    label: str
    before: str | None  # None: the field had no earlier value in the record (a creation)
    after: str | None  # None: the field was removed (a deletion)


@dataclass
class Entry:
    """One record as the page shows it."""

    record: Any
    type_label: str
    action_label: str
    url: str | None
    changes: list[Change] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    unchanged: int = 0


def _withheld_names(data: Any) -> list[str]:
    names = data.get("withheld") if isinstance(data, dict) else None
    return [str(n) for n in names] if isinstance(names, list) else []


def entry(record: Any) -> Entry:
    model = model_of(record.object_type)
    before = record.before if isinstance(record.before, dict) else {}
    after = record.after if isinstance(record.after, dict) else {}
    found = Entry(
        record=record,
        type_label=type_label(record.object_type),
        action_label=action_label(record.action),
        url=object_url(record.object_type, record.object_id),
    )
    hidden = sorted(set(_withheld_names(before)) | set(_withheld_names(after)))
    found.withheld = [field_label(model, k) for k in hidden]
    keys = [k for k in list(before) + [k for k in after if k not in before] if k not in WITHHELD_KEYS]
    if model is not None:  # the model's field order, then anything else as recorded
        order = {f.name: i for i, f in enumerate(model._meta.concrete_fields)}
        order |= {f.attname: i for i, f in enumerate(model._meta.concrete_fields)}
        keys.sort(key=lambda k: order.get(k, len(order)))
    both = bool(before) and bool(after)
    for key in keys:
        f = _field(model, key)
        if both and key in before and key in after and before[key] == after[key]:
            found.unchanged += 1
            continue
        old = readable(before[key], f) if key in before else None
        new = readable(after[key], f) if key in after else None
        if not both and (old or new) == "—":
            continue  # an empty field of a creation says nothing
        found.changes.append(Change(field_label(model, key), old, new))
    if record.before is not None and not isinstance(record.before, dict):
        found.changes.append(Change(_("Value"), readable(record.before), readable(record.after)))
    elif record.after is not None and not isinstance(record.after, dict):
        found.changes.append(Change(_("Value"), None, readable(record.after)))
    return found
