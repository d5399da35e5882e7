"""A person's change log and the audit trail name actions in words and show the reasons the system wrote
in the reader's language (the stored reason stays as written)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from homecoming.app.audit import services as audit
from homecoming.app.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def _get(user: Any, url: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="uk")
    client.force_login(user)
    answer = client.get(url, HTTP_ACCEPT_LANGUAGE="uk")
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_change_log_of_a_person_speaks_ukrainian(auditor: Any, person: Any) -> None:
    user = auditor
    audit.record_view(actor=user, obj=person, what="health data")
    audit.record(actor=user, action="status", obj=person, reason=f"merged into {person.reference}: дубль")
    html = _get(user, f"/registry/persons/{person.pk}/")
    log = html[html.index("<th>#</th>") :]
    cells = re.findall(r"<td>([^<]*)</td>", log)
    for code in ("create", "view", "status", "viewed health data", "merged into"):
        assert code not in cells and not any(c.startswith(code) for c in cells), (code, cells)
    assert "переглянуто: дані про здоров'я" in log.replace("&#x27;", "'")
    assert f"об'єднано з {person.reference}: дубль" in log.replace("&#x27;", "'")
    assert AuditRecord.objects.filter(reason="viewed health data").exists()  # stored as written


def test_the_audit_trail_shows_the_reasons_in_ukrainian(auditor: Any, person: Any) -> None:
    audit.record_view(actor=auditor, obj=person, what="enquirer contacts")
    html = _get(auditor, "/audit/").replace("&#x27;", "'")
    assert "viewed enquirer contacts" not in html and "переглянуто: контакти заявника" in html
    assert '<option value="registry.person">' in html and "(registry.person)" not in html  # no code shown
