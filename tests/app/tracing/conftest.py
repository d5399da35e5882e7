"""Fixtures of the tracing tests: a valid family request, fast password hashes, a liaison officer."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def form_data() -> dict[str, str]:
    """A complete, valid request (synthetic people)."""
    return {
        "enquirer_name": "Оксана Тестова",
        "enquirer_relationship": "сестра",
        "enquirer_phone": "+380440001122",
        "enquirer_email": "oksana.synth@example.invalid",
        "family_name": "Ковальчук",
        "given_name": "Григорій",
        "patronymic": "Іванович",
        "birth_date": "1990-05",
        "unit": "72 ОМБр",
        "service_number": "ua 1234567",
        "last_contact_date": "2024-03-02",
        "last_contact_place": "біля Синтетичного",
        "circumstances": "Зв'язок зник після бою (synthetic).",
        "dna_relatives": "мати, батько",
    }


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def liaison(make_user: Callable[..., Any]) -> Any:
    return make_user("family_liaison", "liaison")


@pytest.fixture
def submitted(form_data: dict[str, str]) -> Any:
    from homecoming.app.tracing import portal

    return portal.submit(data=form_data, language="uk")
