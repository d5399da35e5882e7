"""The audit trail page reads as changes, field by field (not Python dicts), filters by object, actor,
action and date, links each record to its object and to all its changes, and withholds what it withholds."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.audit.models import AuditRecord
from homecoming.app.registry import services as registry

pytestmark = pytest.mark.django_db


def _page(user: Any, query: str = "", language: str = "en") -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    answer = client.get(f"/audit/{query}", HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 200
    return answer.content.decode()


def _seqs(**filters: str) -> Any:
    return AuditRecord.objects.filter(**filters).values_list("seq", flat=True)


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr id="record-(\d+)"', html)


@pytest.fixture
def changed(person: Any, registrar: Any) -> Any:
    return registry.update_person(
        actor=registrar, person_id=person.pk, expected_version=person.version, data={"sex": "female"}
    )


def test_a_change_reads_field_by_field_with_labels_and_no_dict_dumps(
    auditor: Any, person: Any, changed: Any
) -> None:
    html = _page(auditor)
    table = html.split('<table id="audit-records"')[1].split("</table>")[0]
    for dump in ("{'", "&#x27;:", '{"', "{&quot;", "&#x27;,"):
        assert dump not in table, dump
    update = AuditRecord.objects.filter(action="update", object_type="registry.person").last()
    row = html.split(f'<tr id="record-{update.seq}"')[1].split("</tr>")[0]
    # the field's verbose name and the choices' labels, before → after
    assert "<dt" in row and ">Sex</dt>" in row, row
    assert "<del>male</del> → <ins>female</ins>" in row, row
    assert "changed" in row  # the action in words


def test_the_page_is_in_ukrainian_for_a_ukrainian_reader(auditor: Any, person: Any, changed: Any) -> None:
    html = _page(auditor, language="uk")
    update = AuditRecord.objects.filter(action="update", object_type="registry.person").last()
    row = html.split(f'<tr id="record-{update.seq}"')[1].split("</tr>")[0]
    for english in (">Sex</dt>", "female", "Version", "Updated"):
        assert english not in row, row
    assert "змінено" in row and "усі зміни цього об'єкта" in row, row
    assert "Тип об&#x27;єкта" in html and "all changes of this object" not in html


def test_each_record_links_to_its_object_and_to_all_its_changes(
    auditor: Any, person: Any, changed: Any
) -> None:
    html = _page(auditor)
    assert f'class="object-link" href="/registry/persons/{person.pk}/"' in html
    history = f"?object_type=registry.person&amp;object_id={person.pk}"
    assert history in html
    only = _page(auditor, history.replace("&amp;", "&"))
    seqs = {str(s) for s in audit.history(person).values_list("seq", flat=True)}
    assert set(_rows(only)) == seqs and len(seqs) >= 2


def test_filters_by_type_id_actor_action_and_date(
    auditor: Any, registrar: Any, person: Any, changed: Any
) -> None:
    audit.record(
        actor=auditor, action="verify", object_type="audit.chain", object_id="all", after={"ok": True}
    )
    everything = _page(auditor)
    assert 'name="object_type"' in everything and "<select" in everything
    assert '<option value="registry.person">' in everything  # the object types, by their names
    by_actor = _rows(_page(auditor, "?actor=" + registrar.username))
    assert by_actor and set(by_actor) == {str(s) for s in _seqs(actor_name=registrar.username)}
    assert _rows(_page(auditor, "?action=verify")) == [str(AuditRecord.objects.get(action="verify").seq)]
    assert set(_rows(_page(auditor, "?object_type=registry.person&action=update"))) == {
        str(s) for s in _seqs(object_type="registry.person", action="update")
    }
    today = timezone.localdate()
    assert len(_rows(_page(auditor, f"?date_from={today}&date_to={today}"))) == AuditRecord.objects.count()
    tomorrow = today + dt.timedelta(days=1)
    assert _rows(_page(auditor, f"?date_from={tomorrow}")) == []
    yesterday = today - dt.timedelta(days=1)
    assert _rows(_page(auditor, f"?date_to={yesterday}")) == []


def test_the_trail_is_paginated_and_the_pages_keep_the_filter(auditor: Any) -> None:
    for i in range(60):
        audit.record(actor=auditor, action="export", object_type="audit.chain", object_id=str(i))
    first = _page(auditor, "?action=export")
    assert len(_rows(first)) == 50 and "action=export&amp;page=2" in first
    assert len(_rows(_page(auditor, "?action=export&page=2"))) == 10


def test_withheld_values_stay_withheld(auditor: Any) -> None:
    from homecoming.app.audit.withheld import withheld

    after = withheld({"state": "alive", "health_status": "slightly_wounded-Zz9"}, ("health_status",))
    audit.record(
        actor=auditor, action="create", object_type="captivity.capturecard", object_id="1", after=after
    )
    html = _page(auditor)
    assert "slightly_wounded-Zz9" not in html and "slightly wounded" not in html
    assert after["withheld_hmac"] not in html
    assert "Withheld from the trail" in html and "Health status" in html


def test_fields_are_named_in_words_a_relation_by_what_it_points_to() -> None:
    from homecoming.app.audit.display import field_label, readable
    from homecoming.app.registry.models import Person
    from homecoming.app.remains.models import Sample

    assert field_label(Person, "unit") == "Military unit"
    assert field_label(Sample, "unit_id") == field_label(Sample, "unit") == "Remains unit"
    assert field_label(Person, "sex") == "Sex" and field_label(Person, "version") == "Version"
    names = [{"family_name": "Бондаренко", "script": "cyrillic"}, {"family_name": "Bondarenko"}]
    assert readable(names) == "Family name: Бондаренко; Script: Cyrillic | Family name: Bondarenko"
    assert readable(True) == "yes" and readable(None) == "—"


def test_the_chain_verification_page_still_verifies(auditor: Any, person: Any) -> None:
    client = Client()
    client.force_login(auditor)
    answer = client.post("/audit/verify/")
    assert answer.status_code == 200 and 'id="verify-result"' in answer.content.decode()
    assert "The chain is intact" in answer.content.decode()


def test_a_filter_on_something_the_trail_never_held_finds_nothing_without_an_error(auditor: Any) -> None:
    html = _page(auditor, "?object_type=registry.person&object_id=999999&action=merge")
    assert _rows(html) == [] and "No record matches these filters." in html and "errorlist" not in html
