"""Linking person lists with the Splink model: a small labelled set with hard negatives, determinism,
saved models, the pair explanation and the clusters' refusal to join two plainly different people.

The set is synthetic: very common name stems, invented dates and numbers."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from itertools import combinations
from typing import Any

import numpy as np
import pytest

from homecoming.errors import InputError
from homecoming.linkage.clusters import constrained_clusters, contradict, edit_distance
from homecoming.linkage.engine import check_model, explain_pair, link, train
from homecoming.linkage.model import LinkRecord, record_row
from homecoming.linkage.names import romanize_uk

SURNAMES = [
    "Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук", "Поліщук",
    "Лисенко", "Руденко", "Савченко", "Петренко", "Марченко", "Мельник", "Бойко", "Ковальчук",
    "Гончаренко", "Панченко", "Павленко", "Литвиненко", "Клименко", "Левченко", "Мороз", "Лук'яненко",
]  # fmt: skip
GIVEN = [
    "Олександр",
    "Сергій",
    "Андрій",
    "Дмитро",
    "Микола",
    "Юрій",
    "Іван",
    "Петро",
    "Олег",
    "Василь",
    "Віктор",
]
ENDINGS = ["о", "юк", "ий", "ич"]  # more surnames from the same stems: fewer namesakes
FATHERS = ["Петрович", "Іванович", "Миколайович", "Олександрович", "Андрійович", "Васильович", "Сергійович"]


def _person(rng: np.random.Generator, i: int) -> dict[str, Any]:
    born = np.datetime64("1970-01-01") + np.timedelta64(int(rng.integers(0, 365 * 30)), "D")
    return {
        "id": f"P{i}",
        "family_name": SURNAMES[int(rng.integers(0, len(SURNAMES)))][:-1] + ENDINGS[int(rng.integers(0, 4))],
        "given_name": GIVEN[int(rng.integers(0, len(GIVEN)))],
        "patronymic": FATHERS[int(rng.integers(0, len(FATHERS)))],
        "birth_date": str(born),
        "service_number": "".join(str(d) for d in rng.integers(0, 10, 10)) if rng.random() < 0.7 else None,
        "unit": f"в/ч А{int(rng.integers(1000, 1300))}" if rng.random() < 0.5 else None,
    }


def _latin(person: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    out = dict(person)
    for key in ("family_name", "given_name", "patronymic"):
        out[key] = romanize_uk(person[key]).upper()
    if person["unit"]:
        out["unit"] = person["unit"].replace("в/ч А", "military unit A")
    if rng.random() < 0.3:
        out["patronymic"] = None
    if rng.random() < 0.2:
        word = out["family_name"]
        out["family_name"] = word[:3] + word[4] + word[3] + word[5:]  # two letters swapped
    if rng.random() < 0.1:
        y, m, d = out["birth_date"].split("-")
        out["birth_date"] = f"{y}-{d}-{m}" if int(d) <= 12 else y
    return out


def labelled_set(
    n: int = 150, seed: int = 3
) -> tuple[list[LinkRecord], dict[str, str], list[tuple[str, str]]]:
    """Records of two lists (Cyrillic; Latin with errors), the truth, and the hard-negative pairs."""
    rng = np.random.default_rng(seed)
    people = [_person(rng, i) for i in range(n)]
    hard: list[tuple[str, str]] = []
    extra = []
    for k, base in enumerate(people[:12]):
        twin = dict(base, id=f"T{k}", given_name=GIVEN[(GIVEN.index(base["given_name"]) + 1) % len(GIVEN)])
        twin["service_number"] = None
        brother = dict(
            twin,
            id=f"B{k}",
            given_name=GIVEN[(GIVEN.index(base["given_name"]) + 2) % len(GIVEN)],
            birth_date=f"{int(base['birth_date'][:4]) + 3}{base['birth_date'][4:]}",
        )
        son = dict(
            base,
            id=f"S{k}",
            patronymic=base["given_name"][:-1] + "ович"
            if base["given_name"].endswith("й")
            else base["given_name"] + "ович",
            birth_date=f"{int(base['birth_date'][:4]) + 25}-06-01",
            service_number=None,
        )
        extra += [twin, brother, son]
        hard += [(base["id"], twin["id"]), (base["id"], brother["id"]), (twin["id"], brother["id"])]
        hard += [(base["id"], son["id"])]
    everyone = people + extra
    records, truth = [], {}
    for p in everyone:
        records.append(_record(p, f"A-{p['id']}", "a"))
        truth[f"A-{p['id']}"] = p["id"]
    for p in everyone:
        if rng.random() < 0.7:
            records.append(_record(_latin(p, rng), f"B-{p['id']}", "b"))
            truth[f"B-{p['id']}"] = p["id"]
    return records, truth, hard


def _record(p: dict[str, Any], record_id: str, source: str) -> LinkRecord:
    return LinkRecord(
        record_id=record_id,
        source=source,
        family_name=p["family_name"],
        given_name=p["given_name"],
        patronymic=p["patronymic"],
        sex="M",
        birth_date=p["birth_date"],
        service_number=p["service_number"],
        unit=p["unit"],
    )


def _pairs(assignment: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for record, group in assignment.items():
        groups[group].append(record)
    return {pair for members in groups.values() for pair in combinations(sorted(members), 2)}


@pytest.fixture(scope="module")
def labelled() -> tuple[list[LinkRecord], dict[str, str], list[tuple[str, str]]]:
    return labelled_set()


@pytest.fixture(scope="module")
def linked(labelled: Any) -> Any:
    records, _, _ = labelled
    return link(records, threshold=0.9, seed=5)


def test_the_labelled_set_is_linked_well(labelled: Any, linked: Any) -> None:
    _, truth, _ = labelled
    found = dict(linked.clusters)
    assert len(linked.clusters) == len(truth)  # one row per record
    found_pairs, true_pairs = _pairs(found), _pairs(truth)
    both = len(found_pairs & true_pairs)
    precision, recall = both / len(found_pairs), both / len(true_pairs)
    assert precision >= 0.97
    assert recall >= 0.85


def test_hard_negatives_are_kept_apart(labelled: Any, linked: Any) -> None:
    """Twins (same surname, patronymic and birth date), brothers and father and son: never one person."""
    _, _, hard = labelled
    found = dict(linked.clusters)
    for left, right in hard:
        for a in (f"A-{left}", f"B-{left}"):
            for b in (f"A-{right}", f"B-{right}"):
                if a in found and b in found:
                    assert found[a] != found[b], (a, b)


def test_same_records_and_seed_give_the_same_model_and_clusters(labelled: Any, linked: Any) -> None:
    records, _, _ = labelled
    again = link(list(reversed(records)), threshold=0.9, seed=5)
    assert sorted(again.clusters) != [] and _pairs(dict(again.clusters)) == _pairs(dict(linked.clusters))
    first, second = linked.model["splink_settings"], train(records, seed=5)["splink_settings"]
    assert json.dumps(first["comparisons"], sort_keys=True) == json.dumps(
        second["comparisons"], sort_keys=True
    )


def test_a_saved_model_links_alike_without_training(labelled: Any, linked: Any) -> None:
    records, _, _ = labelled
    model = json.loads(json.dumps(linked.model))
    assert model["provenance"]["seed"] == 5
    assert model["provenance"]["splink_version"].startswith("4.")
    assert len(model["provenance"]["records_sha256"]) == 64
    again = link(records, threshold=0.9, model=model)
    assert again.clusters == linked.clusters


def test_not_a_model_is_refused() -> None:
    with pytest.raises(InputError, match="not a Homecoming linkage model"):
        check_model({"link_type": "dedupe_only"})


def test_bad_threshold_and_no_records_are_refused() -> None:
    record = LinkRecord(record_id="1", family_name="Шевченко", given_name="Іван")
    with pytest.raises(InputError, match="threshold"):
        link([record], threshold=1.5)
    with pytest.raises(InputError, match="no records"):
        link([], threshold=0.9)


def test_a_pair_is_explained_level_by_level(linked: Any) -> None:
    left = LinkRecord(
        record_id="1",
        family_name="Шевченко",
        given_name="Олександр",
        patronymic="Петрович",
        birth_date="1990-05-17",
        service_number="КМ 875676",
        unit="в/ч А4009",
    )
    right = LinkRecord(
        record_id="2",
        family_name="SHEVCHENKO",
        given_name="Aleksandr",
        patronymic="Petrovich",
        birth_date="1990-05-17",
        service_number="KM-875667",
        unit="military unit A4009",
    )
    levels = {name: level for name, level, _ in explain_pair(left, right)}
    assert levels == {
        "surname": "same key",
        "given_name": "same key or equivalent",
        "patronymic": "same father's name",
        "birth_date": "exact",
        "service_number": "one typo apart",
        "unit": "same code",
        "place_of_birth": "missing",
        "sex": "same",  # read from the patronymics
    }
    twin = LinkRecord(
        record_id="3",
        family_name="Шевченко",
        given_name="Іван",
        patronymic="Петрович",
        birth_date="1990-05-17",
    )
    weighed = {name: (level, weight) for name, level, weight in explain_pair(left, twin, model=linked.model)}
    level, weight = weighed["given_name"]
    assert level == "different"
    assert weight is not None and weight <= -16  # a different given name weighs heavily
    assert weighed["service_number"] == ("missing", None)


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("1990-05-17", "1990-17-05".replace("17-05", "05-17"), "exact"),
        ("1990-05-07", "1990-07-05", "day and month swapped"),
        ("1990-05-17", "1990-05-18", "one digit off or two swapped"),
        ("1990-05-17", "1909-05-17", "one digit off or two swapped"),
        ("1990-05-17", "1990-05", "same year and month"),
        ("1990-05-17", "1990", "same year, one partial"),
        ("1990-05-17", "1990-11-30", "same year"),
        ("1990-05-17", "1991-11-30", "a year apart"),
        ("1990-05-17", "1975-11-30", "different"),
        ("1990-05-17", None, "missing"),
    ],
)
def test_birth_date_levels(left: str, right: str | None, level: str) -> None:
    a = LinkRecord(record_id="1", family_name="Бойко", given_name="Іван", birth_date=left)
    b = LinkRecord(record_id="2", family_name="Бойко", given_name="Іван", birth_date=right)
    assert dict((n, lv) for n, lv, _ in explain_pair(a, b))["birth_date"] == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("Шевченко", "ШЕВЧЕНКО", "exact"),
        ("Шевченко", "Shevchenko", "same key"),
        ("Шевченко", "Шевчнеко", "Jaro-Winkler >= 0.92"),
        ("Петренко", "Пітренко", "Jaro-Winkler >= 0.85"),  # measured on ASCII keys: letters, not bytes
        ("Шевченко", "Коваль", "different"),
    ],
)
def test_surname_levels(left: str, right: str, level: str) -> None:
    a = LinkRecord(record_id="1", family_name=left, given_name="Іван")
    b = LinkRecord(record_id="2", family_name=right, given_name="Іван")
    assert dict((n, lv) for n, lv, _ in explain_pair(a, b))["surname"] == level


def test_swapped_names_are_a_level_of_their_own() -> None:
    a = LinkRecord(record_id="1", family_name="Шевченко", given_name="Петро")
    b = LinkRecord(record_id="2", family_name="Petro", given_name="Shevchenko")
    levels = dict((n, lv) for n, lv, _ in explain_pair(a, b))
    assert levels["surname"] == "swapped with given name"
    assert levels["given_name"] == "swapped with surname"


def test_an_initial_fits_a_name_in_either_language() -> None:
    a = LinkRecord(record_id="1", family_name="Шевченко", given_name="О.")
    for given in ("Олександр", "Александр", "OLEKSANDR"):
        b = LinkRecord(record_id="2", family_name="Шевченко", given_name=given)
        assert dict((n, lv) for n, lv, _ in explain_pair(a, b))["given_name"] == "initial fits", given


def test_service_number_levels_know_the_check_digit() -> None:
    def level(x: str, y: str) -> str:
        a = LinkRecord(record_id="1", family_name="Бойко", given_name="Іван", service_number=x)
        b = LinkRecord(record_id="2", family_name="Бойко", given_name="Іван", service_number=y)
        return dict((n, lv) for n, lv, _ in explain_pair(a, b))["service_number"]

    assert level("КМ-875676", "KM875676") == "exact"
    assert level("ZH-875676", "ЖН 875676") == "same digits"
    assert level("1234567890", "1234567809") == "one typo apart"
    assert level("1234567899", "1234567890") == "one typo apart"
    # two numbers that both pass the taxpayer check digit are two real numbers, not a typo
    assert level("1234567899", "1234567895") in ("one typo apart", "different")


def test_edit_distance_counts_letters() -> None:
    assert edit_distance("Петренко", "Пітренко") == 1
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3


def test_contradicting_records_never_share_a_cluster() -> None:
    """A (full) matches C (an initial, no patronymic, no date) and C matches B (full): A and B are twins."""
    a = record_row(
        0,
        LinkRecord(
            record_id="a",
            family_name="Бойко",
            given_name="Іван",
            patronymic="Петрович",
            birth_date="1990-05-17",
        ),
    )
    b = record_row(
        1,
        LinkRecord(
            record_id="b",
            family_name="Бойко",
            given_name="Павло",
            patronymic="Петрович",
            birth_date="1990-05-17",
        ),
    )
    c = record_row(2, LinkRecord(record_id="c", family_name="Бойко", given_name="І."))
    assert contradict(a, b) and not contradict(a, c) and not contradict(b, c)
    clusters = constrained_clusters([a, b, c], [(0, 2, 0.99), (1, 2, 0.95)], 0.9)
    assert clusters[0] == clusters[2] != clusters[1]
    assert constrained_clusters([a, b, c], [(0, 2, 0.5)], 0.9) == [0, 1, 2]


def test_a_different_unit_or_place_weighs_little_and_the_same_text_at_least_its_key() -> None:
    from homecoming.linkage.engine import DISAGREEMENT_FLOORS, _bounded

    def level(label: str, m: float, u: float, condition: str = "x") -> dict[str, Any]:
        return {"label_for_charts": label, "m_probability": m, "u_probability": u, "sql_condition": condition}

    model = {
        "comparisons": [
            {
                "output_column_name": "unit",
                "comparison_levels": [level("same code", 0.5, 0.01), level("different", 1e-12, 0.99, "ELSE")],
            },
            {
                "output_column_name": "surname",
                "comparison_levels": [
                    {"label_for_charts": "missing", "is_null_level": True, "sql_condition": "n"},
                    level("exact", 0.3, 0.001),
                    level("same key", 0.2, 0.0005),
                    level("different", 0.01, 0.9, "ELSE"),
                ],
            },
        ]
    }
    _bounded(model)
    unit = model["comparisons"][0]["comparison_levels"]
    assert math.log2(unit[1]["m_probability"] / unit[1]["u_probability"]) == pytest.approx(
        DISAGREEMENT_FLOORS["unit"]
    )
    assert unit[0]["m_probability"] == 0.5  # agreement untouched
    surname = model["comparisons"][1]["comparison_levels"]
    key = math.log2(surname[2]["m_probability"] / surname[2]["u_probability"])
    assert key == pytest.approx(math.log2(0.3 / 0.001))  # the key brought down to the same text's weight
    assert surname[1]["m_probability"] == 0.3
    assert surname[3]["m_probability"] == 0.01  # a surname's disagreement is not floored


def test_lists_too_small_to_learn_from_get_a_named_error_not_a_traceback() -> None:
    for records in (
        [LinkRecord(record_id="r1", family_name="Коваленко", given_name="Олександр")],
        [
            LinkRecord(record_id="r1", family_name="Коваленко", given_name="Олександр"),
            LinkRecord(record_id="r2", family_name="Мельник", given_name="Тарас"),
        ],
    ):
        with pytest.raises(InputError, match="nothing to learn from: too few") as caught:
            train(records)
        assert "--model shipped" in (caught.value.hint or "")
