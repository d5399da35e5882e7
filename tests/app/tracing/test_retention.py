"""Retention: contacts and photos of requests closed longer than TRACING_RETENTION_DAYS are purged,
audited with a keyed digest; nothing else is touched."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from typer.testing import CliRunner

from homecoming.app.audit import withheld
from homecoming.app.audit.models import AuditRecord
from homecoming.app.tracing import portal, retention, services
from homecoming.app.tracing.models import RequestPhoto, TracingRequest

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def _closed(form_data: dict[str, str], liaison: Any, *, photo: bool = False) -> TracingRequest:
    photos = [SimpleUploadedFile("p.png", png_bytes(), "image/png")] if photo else []
    req = portal.submit(data=form_data, photos=photos).request
    services.release(actor=liaison, request_id=req.pk, text="Synthetic answer")
    return services.transition(actor=liaison, request_id=req.pk, state="closed", reason="family informed")


def test_contacts_of_requests_closed_long_ago_are_purged(
    form_data: dict[str, str], liaison: Any, settings: Any
) -> None:
    settings.TRACING_RETENTION_DAYS = 30
    old = _closed(form_data, liaison, photo=True)
    recent = _closed(form_data, liaison)
    still_open = portal.submit(data=form_data).request
    later = timezone.now() + dt.timedelta(days=31)
    assert [r.pk for r in retention.due(later)] == [old.pk, recent.pk]
    assert retention.due() == []  # not yet
    stored = RequestPhoto.objects.get(request=old).image.name

    purged = retention.purge(actor=None, request=old, now=later)
    assert (purged.enquirer_name, purged.enquirer_phone, purged.enquirer_email) == ("", "", "")
    assert purged.contacts_purged_at == later and purged.family_name == "Ковальчук"
    assert purged.releases.get().text == "Synthetic answer"
    assert not RequestPhoto.objects.filter(request=old).exists()
    record = AuditRecord.objects.get(action="purge")
    assert record.before["withheld"] == ["enquirer_email", "enquirer_name", "enquirer_phone", "photos"]
    expected = {
        "enquirer_email": form_data["enquirer_email"],
        "enquirer_name": form_data["enquirer_name"],
        "enquirer_phone": form_data["enquirer_phone"],
        "photos": [stored],
    }
    assert record.before[withheld.DIGEST_KEY] == withheld.keyed_digest(expected)
    assert form_data["enquirer_phone"] not in str(record.before) + str(record.after)
    # never twice; open requests are never purged
    assert [r.pk for r in retention.due(later)] == [recent.pk]
    retention.purge(actor=None, request=old, now=later)
    assert AuditRecord.objects.filter(action="purge").count() == 1
    assert retention.purge(actor=None, request=still_open).enquirer_phone == form_data["enquirer_phone"]


def test_the_purge_command(form_data: dict[str, str], liaison: Any, settings: Any) -> None:
    from homecoming.cli import app

    settings.TRACING_RETENTION_DAYS = 0
    req = _closed(form_data, liaison)
    dry = CliRunner().invoke(app, ["tracing", "purge", "--dry-run"])
    assert dry.exit_code == 0
    assert f"would purge the contacts of 1 closed request(s): {req.reference}" in dry.output
    assert TracingRequest.objects.get(pk=req.pk).contacts_purged_at is None
    done = CliRunner().invoke(app, ["tracing", "purge"])
    assert done.exit_code == 0 and "purged the contacts of 1" in done.output
    assert TracingRequest.objects.get(pk=req.pk).enquirer_phone == ""
