"""The remains pages: scanning, import errors, unit page (chain in red), split, handover, export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from homecoming.app.audit.models import AuditRecord
from homecoming.app.remains import custody, examinations
from homecoming.app.remains.models import RemainsUnit

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_scan_page_appends_units_and_refuses_duplicates_clearly(examiner: Any, batch: Any) -> None:
    c = client_for(examiner)
    page = c.get(f"/remains/batches/{batch.pk}/scan/")
    assert (
        page.status_code == 200
        and b"autofocus" in page.content
        and b'hx-post="/remains/batches/' in page.content
    )
    first = c.post(
        f"/remains/batches/{batch.pk}/scan/", {"label": "LBL-7", "kind": "body"}, HTTP_HX_REQUEST="true"
    )
    unit = RemainsUnit.objects.get(bag_number="LBL-7")
    assert first.status_code == 200 and unit.reference.encode() in first.content and b"<tr" in first.content
    again = c.post(
        f"/remains/batches/{batch.pk}/scan/", {"label": "LBL-7", "kind": "body"}, HTTP_HX_REQUEST="true"
    )
    assert again.status_code == 422 and again["HX-Retarget"] == "#scan-message"
    assert f"is already registered in {batch.reference} as {unit.reference}".encode() in again.content


def test_a_bad_manifest_shows_every_row_and_imports_nothing(examiner: Any, batch: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("m.csv", b"bag_number,kind,date_of_recovery\nA,body,2024-02-30\nA,bag,\n")
    page = client_for(examiner).post(f"/remains/batches/{batch.pk}/import/", {"file": upload})
    assert page.status_code == 422
    text = page.content.decode()
    assert "date_of_recovery" in text and "duplicates row 2" in text and "is not an allowed value" in text
    assert RemainsUnit.objects.count() == 0


def test_the_unit_page_shows_custody_problems_in_red(examiner: Any, bag: Any) -> None:
    custody.record_event(
        actor=examiner,
        obj=bag,
        data={
            "from_custodian": "Morgue North",
            "to_custodian": "Lab",
            "from_signer": "a",
            "to_signer": "b",
            "seal_before": "S-WRONG",
            "at": timezone.now() - timedelta(hours=1),
        },
    )
    page = client_for(examiner).get(f"/remains/units/{bag.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and 'class="errors custody-problems"' in text
    assert "found S-WRONG but event" in text and 'class="overdue"' in text


def test_splitting_through_the_page(examiner: Any, bag: Any) -> None:
    page = client_for(examiner).post(
        f"/remains/units/{bag.pk}/split/", {"bodies": 2, "body_parts": 1, "reason": ""}
    )
    assert page.status_code == 302
    assert sorted(bag.children.values_list("kind", flat=True)) == ["body", "body", "body_part"]


def test_who_sees_an_examination_page(examiner: Any, make_user: Callable[..., Any], bag: Any) -> None:
    exam = examinations.record_examination(actor=examiner, unit=bag, data={"cause_of_death": "gunshot wound"})
    reviewer = make_user("identification_reviewer", "rev")
    page = client_for(reviewer).get(f"/remains/examinations/{exam.pk}/")
    assert page.status_code == 200 and b"gunshot wound" in page.content
    assert AuditRecord.objects.filter(actor=reviewer, action="view").count() == 1
    for role in ("dna_analyst", "registrar"):
        assert client_for(make_user(role)).get(f"/remains/examinations/{exam.pk}/").status_code == 403
    unit_page = client_for(make_user("registrar", "reg-b")).get(f"/remains/units/{bag.pk}/")
    assert unit_page.status_code == 200 and b"gunshot" not in unit_page.content


def test_handover_record_print_view_pdf_and_exports(examiner: Any, bag: Any) -> None:
    c = client_for(examiner)
    html = c.get(f"/remains/batches/{bag.batch_id}/handover/").content.decode()
    assert bag.reference in html and "@media print" in html and bag.batch.signature_hash in html
    assert "Sender team lead" in html and "Morgue North" in html
    pdf = c.get(f"/remains/batches/{bag.batch_id}/handover.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    csv = c.get(f"/remains/batches/{bag.batch_id}/export.csv").content.decode("utf-8-sig")
    header, row = csv.splitlines()[:2]
    assert header.startswith("reference,state,parent_reference,bag_number,kind") and bag.reference in row
    xlsx = c.get(f"/remains/batches/{bag.batch_id}/export.xlsx")
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    assert [r[0] for r in sheet.iter_rows(values_only=True)] == ["reference", bag.reference]
    assert c.get(f"/remains/batches/{bag.batch_id}/export.ods").status_code == 404


def test_go_to_a_unit_by_reference_names_a_typo(examiner: Any, bag: Any) -> None:
    c = client_for(examiner)
    assert (
        c.get("/remains/find/", {"reference": bag.reference.lower()})["Location"]
        == f"/remains/units/{bag.pk}/"
    )
    typo = bag.reference[:-1] + str((int(bag.reference[-1]) + 1) % 10)
    page = c.get("/remains/find/", {"reference": typo}, follow=True)
    assert b"wrong check digits" in page.content


def _post_custody(examiner: Any, bag: Any, seal_found: str, language: str = "en") -> list[Any]:
    from django.contrib.messages import get_messages

    page = client_for(examiner).post(
        f"/remains/units/{bag.pk}/custody/",
        {
            "from_custodian": "Morgue North",
            "to_custodian": "Lab",
            "from_signer": "a",
            "to_signer": "b",
            "seal_before": seal_found,
            "seal_after": "S-200",
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert page.status_code == 302
    return list(get_messages(page.wsgi_request))


def test_a_custody_event_with_a_wrong_seal_is_one_message_saying_it_was_recorded_with_a_break(
    examiner: Any, bag: Any
) -> None:
    sent = _post_custody(examiner, bag, "S-WRONG")
    assert len(sent) == 1, [str(m) for m in sent]
    text = str(sent[0])
    event = custody.events_of(bag)[-1]
    assert sent[0].level_tag == "error" and "success" not in sent[0].tags
    assert f"Custody event #{event.pk} was recorded, but with a break in the chain of custody" in text
    assert "S-WRONG" in text and "S-100" in text


def test_a_custody_event_with_the_right_seal_is_plainly_recorded(examiner: Any, bag: Any) -> None:
    sent = _post_custody(examiner, bag, "S-100")
    assert [(m.level_tag, str(m)) for m in sent] == [("success", "Custody event recorded.")]


def test_the_break_message_is_in_ukrainian_for_a_ukrainian_reader(examiner: Any, bag: Any) -> None:
    (sent,) = _post_custody(examiner, bag, "", language="uk")
    text = str(sent)
    assert "записано, але з розривом у ланцюгу зберігання" in text and "без пломби" in text, text
    assert "recorded" not in text and "seal" not in text, text
