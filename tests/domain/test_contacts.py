"""Phone numbers, e-mail addresses and country codes: what is accepted, how it is stored, what is refused."""

from __future__ import annotations

import pytest

from homecoming.domain import contacts


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("+380 44 123 45 67", "+380441234567"),
        ("044 123 45 67", "+380441234567"),  # no country code: read as Ukrainian
        ("(050) 123-45-67", "+380501234567"),
        ("+48 22 123 45 67", "+48221234567"),
        ("  ", ""),
    ],
)
def test_a_phone_number_is_stored_in_e164(given: str, stored: str) -> None:
    assert contacts.phone_problem("phone", given) == (stored, None)


@pytest.mark.parametrize("given", ["not-a-phone", "123", "+380 12", "+000 1234567"])
def test_a_bad_phone_number_is_named_with_its_value_and_the_fix(given: str) -> None:
    _value, problem = contacts.phone_problem("enquirer_phone", given)
    assert problem is not None
    assert str(problem).startswith("enquirer_phone: is not a")
    assert f"(got {given!r})" in str(problem) and "+380 44 123 45 67" in str(problem)


@pytest.mark.parametrize("given", ["olga@example.org", "o.k+tag@mail.example.com.ua", "o@приклад.укр"])
def test_an_email_address_with_a_whole_domain_is_accepted(given: str) -> None:
    assert contacts.email_problem("email", given) == (given, None)


@pytest.mark.parametrize("given", ["olga@example", "olga", "olga@@example.org", "ol ga@example.org", "o@x.c"])
def test_an_email_address_without_a_whole_domain_is_refused(given: str) -> None:
    _value, problem = contacts.email_problem("email", given)
    assert problem is not None
    assert str(problem) == (
        f"email: is not an e-mail address (got {given!r}); "
        "write it as name@domain with the whole domain, e.g. olga@example.org"
    )


def test_a_country_code_is_a_real_one_stored_upper_case() -> None:
    assert contacts.country_problem("citizenship", "ua") == ("UA", None)
    for bad in ("XX", "UKR", "Uk", "Ukraine"):
        _value, problem = contacts.country_problem("citizenship", bad)
        assert problem is not None and str(problem).startswith(
            f"citizenship: is not an ISO 3166-1 alpha-2 country code (got {bad!r})"
        ), bad


def test_the_country_list_is_named_and_sorted_in_the_language() -> None:
    uk = dict(contacts.country_choices("uk"))
    assert uk["UA"] == "Україна" and uk["PL"] == "Польща" and len(uk) == len(contacts.COUNTRY_CODES)
    names = [name for _code, name in contacts.country_choices("uk")]
    # Ukrainian order: Г before Ґ before Д, Е before Є before Ж, И before І before Ї before Й
    assert names.index("Гана") < names.index("Ємен") < names.index("Іран") < names.index("Японія")
    assert names[0].startswith("А") and names[-1].startswith("Я")
    assert dict(contacts.country_choices("ru"))["UA"] == "Украина"
    assert dict(contacts.country_choices("en"))["UA"] == "Ukraine"
    assert contacts.country_name("pl", "uk") == "Польща"
