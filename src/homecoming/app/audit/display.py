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


#: words for the other fields of the models and the keys the services record (every field has a word in
#: the reader's language; the readable form of an English field name is never shown)
FIELD_WORDS |= {
    "action": pgettext_lazy("audit field", "action"),
    "actor_name": pgettext_lazy("audit field", "actor's name"),
    "added": pgettext_lazy("audit field", "added"),
    "added_by": pgettext_lazy("audit field", "added by"),
    "after": pgettext_lazy("audit field", "after"),
    "again": pgettext_lazy("audit field", "again"),
    "assertion": pgettext_lazy("audit field", "assertion"),
    "assigned_to": pgettext_lazy("audit field", "assigned to"),
    "attempts": pgettext_lazy("audit field", "attempts"),
    "audit_record": pgettext_lazy("audit field", "audit record"),
    "author": pgettext_lazy("audit field", "author"),
    "before": pgettext_lazy("audit field", "before"),
    "birth_from": pgettext_lazy("audit field", "born from"),
    "birth_to": pgettext_lazy("audit field", "born until"),
    "body_erased_at": pgettext_lazy("audit field", "body erased at"),
    "body_sealed": pgettext_lazy("audit field", "body sealed"),
    "body_sha256": pgettext_lazy("audit field", "body SHA-256"),
    "caption": pgettext_lazy("audit field", "caption"),
    "card": pgettext_lazy("audit field", "capture card"),
    "case": pgettext_lazy("audit field", "case"),
    "category_written": pgettext_lazy("audit field", "category as written"),
    "cause": pgettext_lazy("audit field", "cause"),
    "chosen": pgettext_lazy("audit field", "chosen"),
    "compared_loci": pgettext_lazy("audit field", "compared loci"),
    "computed_at": pgettext_lazy("audit field", "computed at"),
    "computed_by": pgettext_lazy("audit field", "computed by"),
    "conflicts": pgettext_lazy("audit field", "conflicts"),
    "consensus_of": pgettext_lazy("audit field", "consensus of"),
    "consistent": pgettext_lazy("audit field", "consistent"),
    "contacts_purged_at": pgettext_lazy("audit field", "contacts purged at"),
    "content_type": pgettext_lazy("audit field", "content type"),
    "counts": pgettext_lazy("audit field", "counts"),
    "data": pgettext_lazy("audit field", "data"),
    "decided": pgettext_lazy("audit field", "decided"),
    "decided_at": pgettext_lazy("audit field", "decided at"),
    "decided_by": pgettext_lazy("audit field", "decided by"),
    "digest": pgettext_lazy("audit field", "digest"),
    "done": pgettext_lazy("audit field", "done"),
    "elimination": pgettext_lazy("audit field", "elimination"),
    "examination": pgettext_lazy("audit field", "examination"),
    "examiner": pgettext_lazy("audit field", "examiner"),
    "external_id": pgettext_lazy("audit field", "external identifier"),
    "family_digest": pgettext_lazy("audit field", "family digest"),
    "father": pgettext_lazy("audit field", "father"),
    "figure": pgettext_lazy("audit field", "figure"),
    "figure_value": pgettext_lazy("audit field", "figure value"),
    "file_sha256": pgettext_lazy("audit field", "file SHA-256"),
    "fingerprint": pgettext_lazy("audit field", "fingerprint"),
    "finished_at": pgettext_lazy("audit field", "finished at"),
    "flags": pgettext_lazy("audit field", "flags"),
    "frequency_table": pgettext_lazy("audit field", "frequency table"),
    "from_status": pgettext_lazy("audit field", "from status"),
    "grave": pgettext_lazy("audit field", "grave"),
    "handover": pgettext_lazy("audit field", "handover"),
    "hash": pgettext_lazy("audit field", "hash"),
    "heartbeat": pgettext_lazy("audit field", "heartbeat"),
    "image": pgettext_lazy("audit field", "image"),
    "imported": pgettext_lazy("audit field", "imported"),
    "imported_at": pgettext_lazy("audit field", "imported at"),
    "imported_by_name": pgettext_lazy("audit field", "imported by (name)"),
    "key": pgettext_lazy("audit field", "key"),
    "key_id": pgettext_lazy("audit field", "key identifier"),
    "lab_file": pgettext_lazy("audit field", "laboratory file"),
    "last_used": pgettext_lazy("audit field", "last used"),
    "line": pgettext_lazy("audit field", "line"),
    "loci": pgettext_lazy("audit field", "loci"),
    "loci_digest": pgettext_lazy("audit field", "loci digest"),
    "log10_lr": pgettext_lazy("audit field", "log10 LR"),
    "log_lr": pgettext_lazy("audit field", "log LR"),
    "manifest": pgettext_lazy("audit field", "manifest"),
    "manifest_count": pgettext_lazy("audit field", "manifest count"),
    "manifest_version": pgettext_lazy("audit field", "manifest version"),
    "markers": pgettext_lazy("audit field", "markers"),
    "member": pgettext_lazy("audit field", "member"),
    "merged_into": pgettext_lazy("audit field", "merged into"),
    "mismatched_loci": pgettext_lazy("audit field", "mismatched loci"),
    "missing": pgettext_lazy("audit field", "missing"),
    "missing_member": pgettext_lazy("audit field", "missing member"),
    "model": pgettext_lazy("audit field", "model"),
    "mother": pgettext_lazy("audit field", "mother"),
    "notification": pgettext_lazy("audit field", "notification"),
    "notified_by": pgettext_lazy("audit field", "notified by"),
    "number": pgettext_lazy("audit field", "number"),
    "object_id": pgettext_lazy("audit field", "object identifier"),
    "object_kind": pgettext_lazy("audit field", "object kind"),
    "object_repr": pgettext_lazy("audit field", "object"),
    "object_type": pgettext_lazy("audit field", "object type"),
    "occurrence": pgettext_lazy("audit field", "occurrence"),
    "opened": pgettext_lazy("audit field", "opened"),
    "other": pgettext_lazy("audit field", "other"),
    "own": pgettext_lazy("audit field", "own"),
    "parameters": pgettext_lazy("audit field", "parameters"),
    "parent": pgettext_lazy("audit field", "parent"),
    "parent_link": pgettext_lazy("audit field", "parent link"),
    "party": pgettext_lazy("audit field", "party"),
    "position": pgettext_lazy("audit field", "position"),
    "prefix": pgettext_lazy("audit field", "prefix"),
    "prev_hash": pgettext_lazy("audit field", "previous hash"),
    "probability": pgettext_lazy("audit field", "probability"),
    "profile_count": pgettext_lazy("audit field", "profile count"),
    "proposal": pgettext_lazy("audit field", "proposal"),
    "proposed_by": pgettext_lazy("audit field", "proposed by"),
    "provenance": pgettext_lazy("audit field", "provenance"),
    "public_key": pgettext_lazy("audit field", "public key"),
    "purged": pgettext_lazy("audit field", "purged"),
    "raw": pgettext_lazy("audit field", "raw"),
    "received_at": pgettext_lazy("audit field", "received at"),
    "recipient": pgettext_lazy("audit field", "recipient"),
    "record_id": pgettext_lazy("audit field", "record identifier"),
    "recorded": pgettext_lazy("audit field", "recorded"),
    "records": pgettext_lazy("audit field", "records"),
    "reference_sample": pgettext_lazy("audit field", "reference sample"),
    "released_by": pgettext_lazy("audit field", "released by"),
    "removed": pgettext_lazy("audit field", "removed"),
    "request_id": pgettext_lazy("audit field", "request identifier"),
    "requested_at": pgettext_lazy("audit field", "requested at"),
    "requested_by": pgettext_lazy("audit field", "requested by"),
    "retired": pgettext_lazy("audit field", "retired"),
    "retracts": pgettext_lazy("audit field", "retracts"),
    "reviewed_at": pgettext_lazy("audit field", "reviewed at"),
    "reviewer": pgettext_lazy("audit field", "reviewer"),
    "revoked": pgettext_lazy("audit field", "revoked"),
    "row": pgettext_lazy("audit field", "row"),
    "rows": pgettext_lazy("audit field", "rows"),
    "rows_sha256": pgettext_lazy("audit field", "rows SHA-256"),
    "run": pgettext_lazy("audit field", "run"),
    "second_language": pgettext_lazy("audit field", "second language"),
    "secret_hash": pgettext_lazy("audit field", "secret hash"),
    "sent_on": pgettext_lazy("audit field", "sent on"),
    "seq": pgettext_lazy("audit field", "sequence number"),
    "sha256": pgettext_lazy("audit field", "SHA-256"),
    "signature": pgettext_lazy("audit field", "signature"),
    "signed_at": pgettext_lazy("audit field", "signed at"),
    "signed_by": pgettext_lazy("audit field", "signed by"),
    "started_at": pgettext_lazy("audit field", "started at"),
    "submitted": pgettext_lazy("audit field", "submitted"),
    "submitted_by": pgettext_lazy("audit field", "submitted by"),
    "summary": pgettext_lazy("audit field", "summary"),
    "supersede_reason": pgettext_lazy("audit field", "reason for correction"),
    "supersedes": pgettext_lazy("audit field", "supersedes"),
    "system": pgettext_lazy("audit field", "system"),
    "table": pgettext_lazy("audit field", "table"),
    "taken_by": pgettext_lazy("audit field", "taken by"),
    "target": pgettext_lazy("audit field", "target"),
    "task_id": pgettext_lazy("audit field", "task identifier"),
    "theta": pgettext_lazy("audit field", "theta (θ)"),
    "to_status": pgettext_lazy("audit field", "to status"),
    "total": pgettext_lazy("audit field", "total"),
    "tracing_request": pgettext_lazy("audit field", "tracing request"),
    "trained_on": pgettext_lazy("audit field", "trained on"),
    "unit_link": pgettext_lazy("audit field", "unit link"),
    "uploaded": pgettext_lazy("audit field", "uploaded"),
    "uploaded_by": pgettext_lazy("audit field", "uploaded by"),
    "user": pgettext_lazy("audit field", "user"),
    "value": pgettext_lazy("audit field", "value"),
    "worker": pgettext_lazy("audit field", "worker"),
    "activation": pgettext_lazy("audit field", "activation"),
    "attempt": pgettext_lazy("audit field", "attempt"),
    "by": pgettext_lazy("audit field", "by"),
    "candidates": pgettext_lazy("audit field", "candidates"),
    "case_id": pgettext_lazy("audit field", "case"),
    "checked": pgettext_lazy("audit field", "checked"),
    "children": pgettext_lazy("audit field", "children"),
    "conclusions": pgettext_lazy("audit field", "conclusions"),
    "contact": pgettext_lazy("audit field", "contact"),
    "count": pgettext_lazy("audit field", "count"),
    "current": pgettext_lazy("audit field", "current"),
    "differences": pgettext_lazy("audit field", "differences"),
    "encrypted": pgettext_lazy("audit field", "encrypted"),
    "event": pgettext_lazy("audit field", "event"),
    "families": pgettext_lazy("audit field", "families"),
    "file": pgettext_lazy("audit field", "file"),
    "files": pgettext_lazy("audit field", "files"),
    "first_broken_seq": pgettext_lazy("audit field", "first broken sequence number"),
    "generated": pgettext_lazy("audit field", "generated"),
    "identical": pgettext_lazy("audit field", "identical"),
    "in_force": pgettext_lazy("audit field", "in force"),
    "items": pgettext_lazy("audit field", "items"),
    "limit": pgettext_lazy("audit field", "limit"),
    "lines": pgettext_lazy("audit field", "lines"),
    "linked": pgettext_lazy("audit field", "linked"),
    "list": pgettext_lazy("audit field", "list"),
    "ok": pgettext_lazy("audit field", "correct"),
    "old_code_ok": pgettext_lazy("audit field", "old code correct"),
    "password_ok": pgettext_lazy("audit field", "password correct"),
    "persons": pgettext_lazy("audit field", "persons"),
    "photo": pgettext_lazy("audit field", "photo"),
    "photos": pgettext_lazy("audit field", "photos"),
    "private_key_file": pgettext_lazy("audit field", "private key file"),
    "replaced": pgettext_lazy("audit field", "replaced"),
    "replaced_temporary": pgettext_lazy("audit field", "temporary replaced"),
    "request_case_id": pgettext_lazy("audit field", "request case"),
    "sections": pgettext_lazy("audit field", "sections"),
    "token": pgettext_lazy("audit field", "token"),
    "tokens_revoked": pgettext_lazy("audit field", "tokens revoked"),
    "unlinked": pgettext_lazy("audit field", "unlinked"),
    "victims": pgettext_lazy("audit field", "victims"),
    "window_seconds": pgettext_lazy("audit field", "window (seconds)"),
    "channel": pgettext_lazy("audit field", "channel"),
    "current_place": pgettext_lazy("audit field", "current place"),
    "current_status": pgettext_lazy("audit field", "current status"),
    "detail": pgettext_lazy("audit field", "detail"),
    "is_active": pgettext_lazy("audit field", "active"),
    "must_change_password": pgettext_lazy("audit field", "must change password"),
    "next_attempt_at": pgettext_lazy("audit field", "next attempt at"),
    "outcome": pgettext_lazy("audit field", "outcome"),
    "review_state": pgettext_lazy("audit field", "review state"),
    "role": pgettext_lazy("audit field", "role"),
    "rule": pgettext_lazy("audit field", "rule"),
    "scope": pgettext_lazy("audit field", "scope"),
    "second_factor_required": pgettext_lazy("audit field", "second factor required"),
    "tracing_request_id": pgettext_lazy("audit field", "tracing request"),
    "use": pgettext_lazy("audit field", "use"),
    "username": pgettext_lazy("audit field", "username"),
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
    "activate_frequency_table": pgettext_lazy("audit action", "frequency table activated"),
    "add_category": pgettext_lazy("audit action", "category added"),
    "add_statement": pgettext_lazy("audit action", "statement added"),
    "assign": pgettext_lazy("audit action", "assigned"),
    "deactivated": pgettext_lazy("audit action", "deactivated"),
    "decide": pgettext_lazy("audit action", "decided"),
    "dispatch": pgettext_lazy("audit action", "dispatched"),
    "disposition": pgettext_lazy("audit action", "disposition recorded"),
    "email_failed": pgettext_lazy("audit action", "e-mail failed"),
    "email_queued": pgettext_lazy("audit action", "e-mail queued"),
    "email_sent": pgettext_lazy("audit action", "e-mail sent"),
    "end": pgettext_lazy("audit action", "ended"),
    "event": pgettext_lazy("audit action", "event recorded"),
    "generate_key": pgettext_lazy("audit action", "key generated"),
    "given": pgettext_lazy("audit action", "given"),
    "health_report": pgettext_lazy("audit action", "health report"),
    "identification_result": pgettext_lazy("audit action", "identification result"),
    "import_file": pgettext_lazy("audit action", "file imported"),
    "import_frequency_table": pgettext_lazy("audit action", "frequency table imported"),
    "ledger_decision": pgettext_lazy("audit action", "ledger decision"),
    "link_manifest": pgettext_lazy("audit action", "manifest linked"),
    "manifest_version": pgettext_lazy("audit action", "manifest version recorded"),
    "message_queued": pgettext_lazy("audit action", "message queued"),
    "otp_replace_refused": pgettext_lazy("audit action", "second factor replacement refused"),
    "otp_replaced": pgettext_lazy("audit action", "second factor replaced"),
    "password_changed": pgettext_lazy("audit action", "password changed"),
    "password_reset": pgettext_lazy("audit action", "password reset"),
    "photo": pgettext_lazy("audit action", "photo added"),
    "rate_limited": pgettext_lazy("audit action", "rate limit reached"),
    "resume": pgettext_lazy("audit action", "resumed"),
    "role_changed": pgettext_lazy("audit action", "role changed"),
    "second_factor_required": pgettext_lazy("audit action", "second factor required"),
    "sign_list": pgettext_lazy("audit action", "list signed"),
    "token_issued": pgettext_lazy("audit action", "token issued"),
    "trust_key": pgettext_lazy("audit action", "key trusted"),
    "verify_list": pgettext_lazy("audit action", "list verified"),
    "withdrawn": pgettext_lazy("audit action", "withdrawn"),
    "link list row": pgettext_lazy("audit action", "list row linked"),
    "override rule": pgettext_lazy("audit action", "rule overridden"),
    "screening done": pgettext_lazy("audit action", "screening done"),
    "screening requeued": pgettext_lazy("audit action", "screening requeued"),
    "screening started": pgettext_lazy("audit action", "screening started"),
    "train linkage model": pgettext_lazy("audit action", "linkage model trained"),
    "retire_key": pgettext_lazy("audit action", "key retired"),
    "revoke_key": pgettext_lazy("audit action", "key revoked"),
    "message_sent": pgettext_lazy("audit action", "message sent"),
    "message_failed": pgettext_lazy("audit action", "message not sent"),
    "message_retry": pgettext_lazy("audit action", "message to be resent"),
    "report revised": pgettext_lazy("audit action", "report revised"),
    "report proposed": pgettext_lazy("audit action", "report proposed"),
    "report signed": pgettext_lazy("audit action", "report signed"),
    "report returned": pgettext_lazy("audit action", "report returned"),
    "report identified": pgettext_lazy("audit action", "identification confirmed"),
    "report excluded": pgettext_lazy("audit action", "identity excluded"),
    "report draft": pgettext_lazy("audit action", "report back to draft"),
    "family notified": pgettext_lazy("audit action", "family notified"),
    "follow-up done": pgettext_lazy("audit action", "follow-up done"),
    "follow-up planned": pgettext_lazy("audit action", "follow-up planned"),
    "add relative": pgettext_lazy("audit action", "relative added"),
    "clear parents": pgettext_lazy("audit action", "parents cleared"),
    "demote": pgettext_lazy("audit action", "relative made a connecting member"),
    "promote": pgettext_lazy("audit action", "connecting member named as a relative"),
    "remove member": pgettext_lazy("audit action", "member removed"),
    "remove": pgettext_lazy("audit action", "removed"),
    "set parent": pgettext_lazy("audit action", "parent set"),
    "set parents": pgettext_lazy("audit action", "parents set"),
    "consent given": pgettext_lazy("audit action", "consent given"),
    "consent withdrawn": pgettext_lazy("audit action", "consent withdrawn"),
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


def type_choices(types: Any) -> list[tuple[str, str]]:
    """The object types as the filter offers them: each by its name; two types of the same name told apart
    by their app's name, a type that is no model by its code (nothing else names it)."""
    labels = {t: type_label(t) for t in types}
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    choices = []
    for t, label in labels.items():
        model = model_of(t)
        if counts[label] > 1 and model is not None:
            label = f"{label} ({model._meta.app_config.verbose_name})"
        choices.append((t, label))
    return choices


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
    verbose = getattr(f, "verbose_name", None)  # a reverse relation (ManyToOneRel) has none
    if f is not None and verbose and str(verbose) != f.name.replace("_", " "):
        return str(capfirst(verbose))  # a verbose name of its own (translated)
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


_CHOICES_BY_NAME: dict[str, Any] | None = None


def _choice_field(name: str) -> Any:
    """The field with choices named ``name`` when every model's field of that name has the same choices
    (a nested value, e.g. a name's ``script`` in a person's ``names``, is then shown as its label)."""
    global _CHOICES_BY_NAME
    if _CHOICES_BY_NAME is None:
        found: dict[str, Any] = {}
        clash: set[str] = set()
        for m in apps.get_models():
            if not m.__module__.startswith("homecoming"):
                continue
            for f in m._meta.concrete_fields:
                if not f.choices:
                    continue
                if f.name in found and list(found[f.name].flatchoices) != list(f.flatchoices):
                    clash.add(f.name)
                found.setdefault(f.name, f)
        _CHOICES_BY_NAME = {k: v for k, v in found.items() if k not in clash}
    return _CHOICES_BY_NAME.get(name)


#: the objects foreign keys point at, as (model label, id) → their reference; filled per page by entries()
Referents = dict[tuple[str, int], str]


def _referent(obj: models.Model) -> str:
    ref = getattr(obj, "reference", None)
    return str(ref) if ref else str(obj)


def referents(records: Any) -> Referents:
    """The references of every object the records' foreign keys point at: one query per model."""
    wanted: dict[type[models.Model], set[int]] = {}
    for record in records:
        model = model_of(record.object_type)
        for data in (record.before, record.after):
            if model is None or not isinstance(data, dict):
                continue
            for key, value in data.items():
                f = _field(model, key)
                if (
                    isinstance(f, models.ForeignKey)
                    and isinstance(value, int)
                    and not isinstance(value, bool)
                ):
                    wanted.setdefault(f.related_model, set()).add(value)
    found: Referents = {}
    for model, ids in wanted.items():
        try:
            for pk, obj in model._default_manager.in_bulk(sorted(ids)).items():
                found[(model._meta.label_lower, pk)] = _referent(obj)
        except Exception:
            continue
    return found


def readable(value: Any, f: Any = None, sub: Any = None, refs: Referents | None = None) -> str:
    """A recorded value as words: a choice's label, yes/no, a date in the reader's format, the reference of
    the object a foreign key points at (when ``refs`` has it); a nested value as "name: value" pairs (never
    a Python or JSON dump), named by the fields of ``sub`` (the related model) when known."""
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
            ref = (
                (refs or {}).get((f.related_model._meta.label_lower, value))
                if isinstance(value, int)
                else None
            )
            return ref or f"#{value}"
        return formats.number_format(value, force_grouping=isinstance(value, int) and abs(value) >= 10000)
    if isinstance(value, dict):
        return "; ".join(
            f"{field_label(sub, str(k))}: {readable(v, _field(sub, str(k)) or _choice_field(str(k)))}"
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        sep = " | " if any(isinstance(v, dict) for v in value) else ", "
        return sep.join(readable(v, None, sub) for v in value)
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


def entries(records: Any) -> list[Entry]:
    """The records as the page shows them, the objects their foreign keys point at read in one go."""
    records = list(records)
    refs = referents(records)
    return [entry(r, refs) for r in records]


def entry(record: Any, refs: Referents | None = None) -> Entry:
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
        sub = (
            f.related_model
            if f is not None and f.is_relation and not isinstance(f, models.ForeignKey)
            else None
        )
        old = readable(before[key], f, sub, refs) if key in before else None
        new = readable(after[key], f, sub, refs) if key in after else None
        if not both and (old or new) == "—":
            continue  # an empty field of a creation says nothing
        found.changes.append(Change(field_label(model, key), old, new))
    if record.before is not None and not isinstance(record.before, dict):
        found.changes.append(Change(_("Value"), readable(record.before), readable(record.after)))
    elif record.after is not None and not isinstance(record.after, dict):
        found.changes.append(Change(_("Value"), None, readable(record.after)))
    return found
