"""Printed records (homecoming.app.printed): the reader's language, and the uk and ru catalogues hold every
text of the records printed in Russian too (the handover to the family, the notification of death)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import translation

from homecoming.app.identification.models_notifications import (
    ContactMethod,
    ContactPurpose,
    MessageLanguage,
    NotificationState,
)
from homecoming.app.printed import Printed
from homecoming.app.remains.choices import UNIT_KINDS
from homecoming.app.remains.models_handover import IdentityDocument
from homecoming.errors import ValidationError

from .printed_phrases import msgids

RECORDS = {
    "handover": msgids(
        ("printed.html", "remains/family_handover_print.html", "remains/_family_handover_body.html"),
        [*IdentityDocument.labels, *(label for _v, label in UNIT_KINDS)],
    ),
    "notification": msgids(
        ("printed.html", "identification/notify_print.html"),
        [*ContactMethod.labels, *ContactPurpose.labels, *MessageLanguage.labels, *NotificationState.labels],
    ),
}


@pytest.mark.parametrize("language", ["uk", "ru"])
@pytest.mark.parametrize("record", sorted(RECORDS))
def test_every_text_of_the_record_is_in_the_compiled_catalogue(record: str, language: str) -> None:
    ids = RECORDS[record]
    assert len(ids) > 30
    catalogue: Any = translation.trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    missing = [i for i in ids if i not in catalogue and (i, 0) not in catalogue]
    assert missing == [], f"{record} record not translated into {language}: {missing}"


def test_the_language_is_asked_else_the_readers_else_the_first() -> None:
    printed = Printed("printed.html", ("uk", "en", "ru"), "test record")
    rf = RequestFactory()
    assert printed.language(rf.get("/", {"lang": " RU "})) == "ru"
    request = rf.get("/")
    request.LANGUAGE_CODE = "en"
    assert printed.language(request) == "en"
    request.LANGUAGE_CODE = "de"
    assert printed.language(request) == "uk"
    with pytest.raises(ValidationError) as exc:
        printed.language(rf.get("/", {"lang": "fr"}))
    assert (exc.value.field, exc.value.value) == ("lang", "fr")
    assert (
        str(exc.value)
        == "lang: is not a language of the test record (got 'fr'); use lang=uk, lang=en or lang=ru"
    )
    assert exc.value.hint == "use lang=uk, lang=en or lang=ru"
    two = Printed("printed.html", ("uk", "en"), "report")
    with pytest.raises(ValidationError, match="not a language of the report") as exc:
        two.language(rf.get("/", {"lang": "ru"}))
    assert exc.value.hint == "use lang=uk or lang=en"
