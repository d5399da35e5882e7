"""The audit trail in Ukrainian names every field in Ukrainian: each field of each model, and the keys the
services record that are not fields; a nested choice is shown as its label and a foreign key as the
reference of the object it points at."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import translation

from homecoming.app.audit import display
from homecoming.app.audit import services as audit

pytestmark = pytest.mark.django_db

#: labels that read the same in both languages
SAME = {"SHA-256", "ID", "LR", "Log10 LR"}  # the likelihood ratio keeps its notation

#: keys the services record in ``before``/``after`` that are no model's field
RECORDED_KEYS = [
    "activation",
    "attempt",
    "by",
    "candidates",
    "case_id",
    "checked",
    "children",
    "conclusions",
    "contact",
    "count",
    "current",
    "differences",
    "encrypted",
    "event",
    "families",
    "file",
    "files",
    "first_broken_seq",
    "generated",
    "identical",
    "in_force",
    "items",
    "limit",
    "lines",
    "linked",
    "list",
    "ok",
    "old_code_ok",
    "role",
    "username",
    "is_active",
    "must_change_password",
    "second_factor_required",
    "scope",
    "rule",
    "channel",
    "outcome",
    "detail",
    "password_ok",
    "persons",
    "photo",
    "photos",
    "private_key_file",
    "replaced",
    "replaced_temporary",
    "request_case_id",
    "sections",
    "token",
    "tokens_revoked",
    "unlinked",
    "victims",
    "window_seconds",
]


def _models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("homecoming")]


def _labels(model: Any, keys: list[str], language: str) -> list[str]:
    with translation.override(language):
        return [display.field_label(model, k) for k in keys]


def test_every_field_of_every_model_is_named_in_ukrainian() -> None:
    english_left = []
    for model in _models():
        keys = [f.name for f in model._meta.concrete_fields if f.name != "id"]
        for key, en, uk in zip(keys, _labels(model, keys, "en"), _labels(model, keys, "uk"), strict=True):
            if uk == en and uk not in SAME:
                english_left.append(f"{model._meta.label}.{key}: {uk}")
    for key, en, uk in zip(
        RECORDED_KEYS, _labels(None, RECORDED_KEYS, "en"), _labels(None, RECORDED_KEYS, "uk"), strict=True
    ):
        if uk == en and uk not in SAME:
            english_left.append(f"{key}: {uk}")
    assert not english_left, english_left


def _page(user: Any, language: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    answer = client.get("/audit/", HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 200
    return answer.content.decode()


def _shown_labels(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<dt style="font-weight:600">([^<]*)</dt>', html)]


def test_the_page_in_ukrainian_names_the_fields_of_real_actions(auditor: Any, person: Any) -> None:
    from homecoming.app.remains.models import Sample

    # records as the services write them for a few models with many fields, plus the person's creation
    for model in (Sample, *[m for m in _models() if m._meta.model_name in {"agreement", "remainsunit"}]):
        after = {f.attname: 1 for f in model._meta.concrete_fields if f.name != "id"}
        audit.record(
            actor=auditor, action="create", object_type=model._meta.label_lower, object_id="1", after=after
        )
    en, uk = _shown_labels(_page(auditor, "en")), _shown_labels(_page(auditor, "uk"))
    assert len(en) == len(uk) > 20
    left = [u for e, u in zip(en, uk, strict=True) if e == u and u not in SAME]
    assert not left, left


def test_nested_choices_are_labels_and_foreign_keys_references(auditor: Any, person: Any) -> None:
    from homecoming.app.registry.models import Person

    names = [{"family_name": "Бондаренко", "script": "cyrillic"}]
    with translation.override("uk"):
        shown = display.readable(names, None, display._field(Person, "names").related_model)
        assert shown.startswith("Прізвище: Бондаренко; ") and shown.endswith(": кирилиця")
        assert "cyrillic" not in display.readable(names)
    fk = next(
        f
        for m in _models()
        for f in m._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is Person
    )
    audit.record(
        actor=auditor,
        action="update",
        object_type=fk.model._meta.label_lower,
        object_id="1",
        before={fk.attname: None},
        after={fk.attname: person.pk},
    )
    html = _page(auditor, "en")
    assert person.reference in html


def test_every_action_the_services_record_has_a_ukrainian_word() -> None:
    """Each ``action="…"`` the application passes (and the verbs of the audited-update helpers) is in the
    one table of actions, and reads differently in Ukrainian."""
    import ast
    from pathlib import Path

    import homecoming.app

    found: set[str] = set()
    for path in Path(homecoming.app.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts or path.name.startswith("demo"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if (
                        kw.arg == "action"
                        and isinstance(kw.value, ast.Constant)
                        and isinstance(kw.value.value, str)
                    ):
                        found.add(kw.value.value)
    found -= {"start", "confirm"}  # form actions of the second-factor page, not audit actions
    found |= {"report proposed", "report signed", "report returned", "promote", "demote", "retire_key"}
    missing = sorted(a for a in found if a not in display.ACTIONS)
    assert not missing, missing
    with translation.override("en"):
        english = {a: display.action_label(a) for a in found}
    with translation.override("uk"):
        same = [a for a in found if display.action_label(a) == english[a]]
    assert not same, same


def test_a_key_named_as_a_reverse_relation_is_labelled_not_an_error() -> None:
    """A before/after key may share its name with a reverse relation (no verbose name): the page answered
    500 on such a record."""
    from django.apps import apps

    from homecoming.app.audit.display import field_label

    reverse = [
        (model, rel.name)
        for model in apps.get_models()
        if model.__module__.startswith("homecoming.")
        for rel in model._meta.related_objects
        if "_" in rel.name
    ]
    assert reverse
    for model, name in reverse:
        assert isinstance(field_label(model, name), str) and field_label(model, name)
