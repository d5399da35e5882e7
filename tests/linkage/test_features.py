"""The per-record features the linkage model compares: names in any script, dates, numbers, units, sex.

Synthetic names only (very common stems)."""

from __future__ import annotations

import pytest

from homecoming.linkage.features import (
    BirthParts,
    ascii_key,
    birth_parts,
    clean_name,
    given_keys,
    initial_letters,
    is_initial,
    name_key_list,
    patronymic_keys,
    rnokpp_valid,
    service_number_parts,
    sex_code,
    unit_key,
)


def shares_key(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return bool(set(a) & set(b))


@pytest.mark.parametrize(
    "spellings",
    [
        ("Шевченко", "ШЕВЧЕНКО", "Shevchenko", "SHEVCHENKO", "Ševčenko"),
        ("Хмельницький", "Хмельницкий", "Khmelnytskyi", "Khmelnitskii"),
        ("Ковальчук", "Kovalchuk", "Kowalczuk"),
        ("Єресько", "Ересько", "Yeresko", "Jeres'ko"),
        ("Деревʼянко", "Деревянко", "Derevianko"),
    ],
)
def test_spellings_of_one_surname_share_a_key(spellings: tuple[str, ...]) -> None:
    first = name_key_list(spellings[0])
    for other in spellings[1:]:
        assert shares_key(first, name_key_list(other)), other


def test_different_surnames_share_no_key() -> None:
    assert not shares_key(name_key_list("Шевченко"), name_key_list("Коваленко"))
    assert not shares_key(name_key_list("Бондар"), name_key_list("Бондаренко"))


def test_keys_are_ascii_one_byte_a_letter() -> None:
    for name in ("Шевченко", "Щербак", "Жук", "Чорновол", "Ševčenko"):
        for key in name_key_list(name):
            assert key.isascii() and len(key.encode()) == len(key)
    assert ascii_key("ševčenko") == "wevxenko"
    assert ascii_key("žuk") == "quk"


def test_lookalike_letters_of_the_other_alphabet_are_read_in_the_words_own() -> None:
    latin_o = "Сидор\u006fвський"  # a Latin o among Cyrillic letters
    assert clean_name(latin_o) == "сидоровський"
    assert name_key_list(latin_o) == name_key_list("Сидоровський")
    assert clean_name("K\u043e\u0441\u0442\u0438\u043d") == "костин"  # Latin K, Cyrillic rest
    assert clean_name("Petr\u043e") == "petro"  # Cyrillic о in a Latin word


def test_clean_name_is_the_exact_form() -> None:
    assert clean_name("  ОЛЕКСАНДР ") == "олександр"
    assert clean_name("Деревʼянко") == clean_name("Дерев'янко") == clean_name("Дерев’янко")
    assert clean_name(None) == clean_name("") == ""


@pytest.mark.parametrize(
    "forms",
    [
        ("Олександр", "Александр", "OLEKSANDR", "Aleksandr", "Alexander"),
        ("Сергій", "Сергей", "Serhii", "Sergey"),
        ("Дмитро", "Дмитрий", "Dmytro", "Dmitriy"),
        ("Микола", "Николай", "Mykola", "Nikolay"),
    ],
)
def test_given_names_meet_across_languages(forms: tuple[str, ...]) -> None:
    first = given_keys(forms[0])
    for other in forms[1:]:
        assert shares_key(first, given_keys(other)), other


def test_brothers_given_names_do_not_meet() -> None:
    assert not shares_key(given_keys("Олександр"), given_keys("Олексій"))
    assert not shares_key(given_keys("Іван"), given_keys("Петро"))


def test_initials() -> None:
    assert is_initial("О.") and is_initial("O") and is_initial("Ол.")
    assert not is_initial("Олег") and not is_initial("")
    assert given_keys("О.") == ()
    assert initial_letters("О.") == ("o",)
    assert set(initial_letters("Олександр")) >= {"o", "a"}  # Александр starts with A
    assert "o" in initial_letters("Oleksandr")


@pytest.mark.parametrize(
    "forms",
    [
        ("Андрійович", "Андреевич", "Andriiovych", "Andreyevich", "Андріївна", "Andriivna"),
        ("Миколайович", "Николаевич", "Mykolaiovych", "Nikolayevich"),
        ("Олександрович", "Александрович", "Oleksandrovych", "Aleksandrovich", "Олександрівна"),
        ("Сергійович", "Сергеевич", "Serhiiovych", "Sergeyevich"),
        ("Юрійович", "Юрьевич", "Yuriiovych", "Iurevich"),
        ("Ілліч", "Ильич", "Illich", "Ilyich"),
    ],
)
def test_patronymics_of_one_father_meet(forms: tuple[str, ...]) -> None:
    first = patronymic_keys(forms[0])
    for other in forms[1:]:
        assert shares_key(first, patronymic_keys(other)), other


def test_patronymics_of_different_fathers_do_not_meet() -> None:
    assert not shares_key(patronymic_keys("Олександрович"), patronymic_keys("Олексійович"))
    assert not shares_key(patronymic_keys("Петрович"), patronymic_keys("Павлович"))
    assert patronymic_keys("") == patronymic_keys(None) == patronymic_keys("О.") == ()


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("1990-05-17", BirthParts("1990-05-17", 1990, 5, 17)),
        ("1990-05", BirthParts(None, 1990, 5, None)),
        ("1990", BirthParts(None, 1990, None, None)),
        ("", BirthParts(None, None, None, None)),
        (None, BirthParts(None, None, None, None)),
        ("17.05.1990", BirthParts(None, None, None, None)),  # the reader writes ISO; anything else is nothing
    ],
)
def test_birth_parts(text: str | None, parts: BirthParts) -> None:
    assert birth_parts(text) == parts


def test_taxpayer_number_check_digit() -> None:
    # weights -1 5 7 9 4 6 10 5 7 over the first nine digits; (sum mod 11) mod 10 is the tenth
    digits = "123456789"
    total = sum(int(d) * w for d, w in zip(digits, (-1, 5, 7, 9, 4, 6, 10, 5, 7), strict=True))
    valid = digits + str(total % 11 % 10)
    assert rnokpp_valid(valid)
    for i in range(9):  # every one-digit typo in the first nine breaks it
        typo = valid[:i] + str((int(valid[i]) + 1) % 10) + valid[i + 1 :]
        assert not rnokpp_valid(typo), typo
    assert not rnokpp_valid("12345") and not rnokpp_valid("abcdefghij")


def test_service_numbers_across_scripts_and_separators() -> None:
    cyrillic = service_number_parts("КМ 875676")  # Cyrillic К and М
    latin = service_number_parts("KM-875676")
    assert cyrillic is not None and latin is not None
    assert cyrillic.normal == latin.normal == "KM875676"
    assert cyrillic.digits == "875676"
    assert service_number_parts("  ") is None and service_number_parts(None) is None
    transliterated = service_number_parts("ZH-875676")  # Ж written as ZH: the digits still agree
    assert transliterated is not None and transliterated.digits == latin.digits


@pytest.mark.parametrize(
    "text", ["в/ч А4009", "в/чА4009", "military unit A4009", "m/u A4009", "А4009", "A4009", "в/ч а4009"]
)
def test_units_written_every_way_are_one_code(text: str) -> None:
    assert unit_key(text) == "A4009"


def test_unit_numbers() -> None:
    assert unit_key("в/ч 84407") == unit_key("m/u 84407") == unit_key("84407") == "84407"
    assert unit_key("") is None and unit_key(None) is None


@pytest.mark.parametrize(
    ("sex", "patronymic", "code"),
    [
        ("M", None, "M"),
        ("male", None, "M"),
        ("F", "Петрович", "F"),  # the column wins
        ("", "Петрівна", "F"),
        (None, "Petrovna", "F"),
        ("unknown", "Петрович", "M"),
        (None, None, None),
        ("", "О.", None),
    ],
)
def test_sex(sex: str | None, patronymic: str | None, code: str | None) -> None:
    assert sex_code(sex, patronymic) == code


def test_the_byte_versus_letter_trap_is_avoided() -> None:
    """Cyrillic letters are two bytes in UTF-8: a byte-counting edit distance sees "Петренко" and
    "Пітренко" (one letter apart) as two edits apart. The model measures only ASCII keys, where a byte
    is a letter, so any engine's distance on them counts letters."""
    import duckdb

    left, right = "Петренко", "Пітренко"
    bytes_apart = sum(a != b for a, b in zip(left.encode(), right.encode(), strict=True))
    assert bytes_apart == 2  # е = D0 B5, і = D1 96: what a byte-counting distance reports
    (key_left,), (key_right,) = name_key_list(left), name_key_list(right)
    assert (key_left, key_right) == ("petrenko", "pitrenko")
    connection = duckdb.connect()
    distance, key_bytes = connection.execute(
        "SELECT levenshtein(?, ?), octet_length(encode(?))", [key_left, key_right, key_left]
    ).fetchall()[0]
    assert distance == 1
    assert key_bytes == len(key_left)
