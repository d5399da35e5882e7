import pytest

from homecoming.linkage.names import (
    GIVEN_NAME_EQUIVALENTS,
    NameParts,
    detect_script,
    fold_latin,
    given_name_groups,
    given_name_keys,
    guess_language,
    matches_query,
    name_keys,
    romanize_ru,
    romanize_uk,
    search_tokens,
    split_full_name,
)

# synthetic: very common name stems only, no real persons
SAME_NAME = [
    ("Шевченко", "Shevchenko", "Schewtschenko"),
    ("Олександр", "Oleksandr"),
    ("Александр", "Aleksandr", "Alexander", "Alexandr"),
    ("Сергій", "Serhii", "Serhiy", "Sergiy"),
    ("Сергей", "Sergei", "Sergey", "Serhii"),
    ("Юрій", "Yurii", "Iurii", "Jurij"),
    ("Григорій", "Hryhorii"),
    ("Григорий", "Grigorii"),
    ("Євген", "Yevhen", "Ievgen"),
    ("Щербак", "Shcherbak", "Szczerbak"),
    ("Ковальчук", "Kovalchuk", "Kowalczuk"),
    ("Ольга", "Olha", "Olga"),
    ("Наталія", "Nataliia", "Natalia", "Nataliya"),
    ("Дмитро", "Dmytro"),
    ("Дмитрий", "Dmitrii", "Dmitriy"),
    ("Зінченко", "Zinchenko"),
    ("Михаил", "Mikhail", "Michail"),
    ("Ковальський", "Kovalskyi", "Kowalski", "Kovalsky"),
]


@pytest.mark.parametrize("spellings", SAME_NAME, ids=lambda s: s[1])
def test_spellings_of_one_name_share_a_key(spellings: tuple[str, ...]) -> None:
    common = frozenset.intersection(*(name_keys(s) for s in spellings))
    assert common, {s: sorted(name_keys(s)) for s in spellings}


@pytest.mark.parametrize(("a", "b"), [("Petrenko", "Pavlenko"), ("Петренко", "Павленко"), ("Ivan", "Ihor")])
def test_different_names_stay_apart(a: str, b: str) -> None:
    assert not name_keys(a) & name_keys(b)


def test_romanize_uk_follows_the_2010_rules() -> None:
    assert romanize_uk("Згорани") == "Zghorany"
    assert romanize_uk("Юрій Їжак Євген") == "Yurii Yizhak Yevhen"
    assert romanize_uk("Щербак") == "Shcherbak"
    assert romanize_uk("Знам'янка") == "Znamianka"


def test_romanize_ru_is_icao() -> None:
    assert romanize_ru("Юрий") == "Iurii"
    assert romanize_ru("Пётр Щукин") == "Petr Shchukin"
    assert romanize_ru("Зінченко") == "Zinchenko"  # Ukrainian letters outside the Russian table


def test_fold_latin_examples() -> None:
    assert fold_latin("Schewtschenko") == "ševčenko"
    assert fold_latin("Kowalczuk") == "kovalčuk"
    assert fold_latin("Nataliya") == fold_latin("Natalja") == "natala"
    assert fold_latin("Sergéy") == "serhi"
    assert fold_latin("Victor") == fold_latin("Viktor") == "viktor"
    assert fold_latin("Tsymbal") == fold_latin("Cymbal") == "cimbal"
    assert fold_latin("Ann-a") == "ana"


def test_cyrillic_typed_with_latin_lookalikes_still_matches() -> None:
    assert name_keys("Шевченкo") & name_keys("Шевченко")  # Latin "o" at the end


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Шевченко", "cyrillic"),
        ("Shevchenko", "latin"),
        ("Шевченкo", "mixed"),
        ("123 -", "other"),
        ("Σ", "other"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Сергій", "uk"),
        ("Ґудзь", "uk"),
        ("Подъячев", "ru"),
        ("Пётр", "ru"),
        ("Сергей", "unknown"),
        ("Olha", "unknown"),
    ],
)
def test_guess_language(text: str, language: str) -> None:
    assert guess_language(text) == language


@pytest.mark.parametrize(
    ("forms", "group"),
    [
        (("Олександр", "Александр", "Alexander", "Oleksandr", "Aleksandr"), "oleksandr"),
        (("Дмитро", "Дмитрий", "Dmitriy", "Dmytro"), "dmytro"),
        (("Микола", "Николай", "Nikolai", "Mykola"), "mykola"),
        (("Петро", "Пётр", "Petr", "Peter"), "petro"),
        (("Олена", "Елена", "Olena", "Elena"), "olena"),
    ],
)
def test_given_name_equivalents(forms: tuple[str, ...], group: str) -> None:
    for form in forms:
        assert f"grp:{group}" in given_name_keys(form), form
        assert name_keys(form) <= given_name_keys(form)


def test_equivalence_groups_do_not_overlap() -> None:
    assert len(GIVEN_NAME_EQUIVALENTS) >= 40
    for group, forms in GIVEN_NAME_EQUIVALENTS.items():
        for form in forms:
            assert given_name_groups(form) == {group}, form


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("ШЕВЧЕНКО Тарас Григорович", ("ШЕВЧЕНКО", "Тарас", "Григорович")),
        ("Тарас Григорович Шевченко", ("Шевченко", "Тарас", "Григорович")),
        ("Шевченко Тарас Григорович", ("Шевченко", "Тарас", "Григорович")),
        ("Шевченко, Тарас Григорович", ("Шевченко", "Тарас", "Григорович")),
        ("Shevchenko, Taras", ("Shevchenko", "Taras", "")),
        ("Taras SHEVCHENKO", ("SHEVCHENKO", "Taras", "")),
        ("Olha Petrivna Kovalchuk", ("Kovalchuk", "Olha", "Petrivna")),
        ("Taras Shevchenko", ("Shevchenko", "Taras", "")),
        ("Шевченко Тарас", ("Шевченко", "Тарас", "")),
        ("Шевченко", ("Шевченко", "", "")),
        ("", ("", "", "")),
    ],
)
def test_split_full_name(text: str, parts: tuple[str, str, str]) -> None:
    assert split_full_name(text) == NameParts(*parts)


def test_search_matches_when_every_query_word_shares_a_key() -> None:
    person = search_tokens("Шевченко Олександр Петрович")
    assert matches_query("Alexander Shevchenko", person)
    assert matches_query("oleksandr", person)
    assert not matches_query("Alexander Pavlenko", person)
    assert not matches_query("", person)


def test_pair_keys_join_surname_and_given_name_across_scripts_and_equivalents() -> None:
    from homecoming.linkage.names import pair_keys

    ukrainian = pair_keys("Коваленко", "Олександр")
    assert ukrainian == {"pair:kovalenko|grp:oleksandr"}
    assert pair_keys("Коваленко", "Александр") == ukrainian  # the Russian form of the same name
    assert pair_keys("KOVALENKO", "OLEKSANDR") == ukrainian
    assert pair_keys("Гордієнко", "Остап") == pair_keys("HORDIIENKO", "OSTAP") == {"pair:hordenko|ostap"}
    assert pair_keys("Коваленко", "Остап").isdisjoint(ukrainian)
    assert pair_keys("Коваленко-Шевчук", "Остап") >= {"pair:kovalenko|ostap"}
    assert pair_keys("", "Остап") == frozenset() and pair_keys("Коваленко", "") == frozenset()
    assert all(len(k) <= 64 for k in pair_keys("А" * 80, "Остап"))
