"""Every input of a remains unit's page has a label (the "Links" form had none)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str]] = []
        self.labelled: set[str] = set()
        self.forms: list[str] = []  # the action of the form each field is in
        self._action = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._action = a.get("action", "")
        elif tag == "label" and a.get("for"):
            self.labelled.add(a["for"])
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.fields.append({**a, "form": self._action})


def _unlabelled(html: str) -> list[dict[str, str]]:
    page = _Inputs()
    page.feed(html)
    return [
        f for f in page.fields if f.get("id", "") not in page.labelled and not f.get("aria-label", "").strip()
    ]


def test_the_links_form_of_a_unit_has_a_label_for_each_input(examiner: Any, bag: Any) -> None:
    client = Client()
    client.force_login(examiner)
    client.cookies["django_language"] = "uk"
    html = client.get(f"/remains/units/{bag.pk}/").content.decode()
    link_inputs = [f for f in _fields_of(html) if f["form"].endswith("/link/")]
    assert {f["name"] for f in link_inputs} == {"other", "kind", "reason"}
    assert _unlabelled(html) == []
    assert '<label for="id_link_other">Інша одиниця (номер)</label>' in html


def _fields_of(html: str) -> list[dict[str, str]]:
    page = _Inputs()
    page.feed(html)
    return page.fields


def test_the_ids_the_labels_point_at_are_unique_on_the_unit_page(examiner: Any, bag: Any) -> None:
    client = Client()
    client.force_login(examiner)
    ids = [
        f["id"] for f in _fields_of(client.get(f"/remains/units/{bag.pk}/").content.decode()) if f.get("id")
    ]
    assert sorted(i for i in ids if ids.count(i) > 1) == []
