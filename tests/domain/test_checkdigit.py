import pytest

from homecoming.domain.checkdigit import add_check, verify_check
from homecoming.errors import ValidationError


def test_known_iso7064_value() -> None:
    # ISO 7064 MOD 97-10 as used by IBAN: "3214282912345698765432161182" is 1 mod 97
    assert int("3214282912345698765432161182") % 97 == 1
    assert add_check("32142829123456987654321611") == "3214282912345698765432161182"


def test_round_trip_and_separators() -> None:
    ref = add_check("HC-2024-000123")
    assert ref.startswith("HC-2024-000123") and len(ref) == len("HC-2024-000123") + 2
    assert verify_check(ref)
    assert verify_check(ref.lower())
    assert verify_check(ref.replace("-", " "))


def test_detects_single_errors_and_adjacent_swaps() -> None:
    ref = add_check("HC2024000123")
    assert not verify_check(ref.replace("HC2024", "HC2025"))
    assert not verify_check(ref.replace("0123", "0213"))
    assert not verify_check("")
    assert not verify_check("HC@1234")


def test_add_check_refuses_bad_characters() -> None:
    with pytest.raises(ValidationError) as info:
        add_check("HC/2024", field="case_reference")
    assert str(info.value) == (
        "case_reference: may contain only letters A-Z, digits, spaces and hyphens (got 'HC/2024'); "
        "check the reference number for typing errors"
    )
