"""Scale of person-list linkage (issue 14): 100,000 × 100,000 records linked, training included, ≤ 60 s.

A seeded synthetic generator (name pools of Faker's uk_UA provider; no real persons) makes list A, in
Ukrainian Cyrillic, and list B, in Latin letters (Ukrainian national romanisation), of which
``--shared`` are A's persons again with the clerks' errors: typos, initials, missing patronymics and
birth dates, a day/month swap, a year off, lost service numbers and units. B also names a few persons
twice. The lists are written as CSV and read back by the same reader ``homecoming link`` uses; then
:func:`homecoming.linkage.engine.link` trains the model on them (no labels) and clusters.

Figures last, as ``name=value`` lines: ``read_seconds`` (reading and checking the two CSV files),
``link_seconds`` (features, training, scoring, clustering: wall clock) and ``link_cpu_seconds`` (CPU
time of all the process's threads, which a shared machine does not inflate), pair precision and recall
against the generator's truth, and the load of the machine.

    .venv/bin/python benchmarks/linkage_scale.py [--size 100000] [--shared 0.6] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np
from faker.providers.person.uk_UA import Provider

from homecoming.linkage.names import romanize_uk

COLUMNS = [
    "record_id",
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "dob",
    "place_of_birth",
    "service_number",
    "unit",
]
PLACES = [
    "Полтава",
    "Хотин",
    "Суми",
    "Ізюм",
    "Кагарлик",
    "Пустомити",
    "Звенигородка",
    "Баранівка",
    "Дніпро",
    "Ніжин",
]
_ALPHABET_CYRILLIC = "абвгдеєжзиіїйклмнопрстуфхцчшщьюя"
_ALPHABET_LATIN = "abcdefghijklmnoprstuvyz"


def _typo(text: str, rng: np.random.Generator, alphabet: str) -> str:
    if len(text) < 4:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(0, 3))
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    letter = alphabet[int(rng.integers(0, len(alphabet)))]
    return text[:i] + (letter.upper() if text[i].isupper() else letter) + text[i + 1 :]


def persons(n: int, rng: np.random.Generator) -> list[dict[str, str]]:
    """``n`` synthetic persons (most male), Ukrainian forms."""
    out = []
    last, male, female = Provider.last_names, Provider.first_names_male, Provider.first_names_female
    middle_m, middle_f = Provider.middle_names_male, Provider.middle_names_female
    for i in range(n):
        is_male = rng.random() < 0.9
        born = np.datetime64("1965-01-01") + np.timedelta64(int(rng.integers(0, 365 * 40)), "D")
        out.append(
            {
                "person": f"P{i:07d}",
                "surname": last[int(rng.integers(0, len(last)))],
                "given_name": (male if is_male else female)[
                    int(rng.integers(0, 121 if is_male else len(female)))
                ],
                "patronymic": (middle_m if is_male else middle_f)[
                    int(rng.integers(0, len(middle_m if is_male else middle_f)))
                ],
                "sex": "M" if is_male else "F",
                "dob": str(born),
                "place_of_birth": PLACES[int(rng.integers(0, len(PLACES)))] if rng.random() < 0.5 else "",
                "service_number": "".join(str(d) for d in rng.integers(0, 10, 10))
                if rng.random() < 0.6
                else "",
                "unit": f"в/ч А{int(rng.integers(0, 2000)):04d}" if rng.random() < 0.5 else "",
            }
        )
    return out


def _latin(person: dict[str, str]) -> dict[str, str]:
    out = dict(person)
    for key in ("surname", "given_name", "patronymic", "place_of_birth"):
        out[key] = romanize_uk(person[key]) if person[key] else ""
    out["unit"] = person["unit"].replace("в/ч А", "military unit A")
    return out


def _corrupt(record: dict[str, str], rng: np.random.Generator) -> dict[str, str]:
    out = dict(record)
    if rng.random() < 0.15:
        out["surname"] = _typo(out["surname"], rng, _ALPHABET_LATIN)
    if rng.random() < 0.08:
        out["given_name"] = _typo(out["given_name"], rng, _ALPHABET_LATIN)
    if rng.random() < 0.07:
        out["given_name"] = out["given_name"][:1] + "."
    if rng.random() < 0.3:
        out["patronymic"] = ""
    r = rng.random() if len(out["dob"]) == 10 and not out["dob"].endswith("02-29") else 1.0
    if r < 0.1:
        out["dob"] = ""
    elif r < 0.13:
        out["dob"] = out["dob"][:4]
    elif r < 0.16:
        y, m, d = out["dob"].split("-")
        if int(d) <= 12:
            out["dob"] = f"{y}-{d}-{m}"
    elif r < 0.2:
        out["dob"] = f"{int(out['dob'][:4]) + 1}{out['dob'][4:]}"
    if rng.random() < 0.4:
        out["service_number"] = ""
    if rng.random() < 0.4:
        out["unit"] = ""
    if rng.random() < 0.2:
        out["place_of_birth"] = ""
    return out


def make_lists(size: int, shared: float, seed: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Lists A and B, each of ``size`` records; every record carries its ``person`` (the truth)."""
    rng = np.random.default_rng(seed)
    n_shared = int(size * shared)
    people = persons(2 * size - n_shared, rng)
    list_a = [dict(p, record_id=f"A{i:07d}") for i, p in enumerate(people[:size])]
    others = people[size:]
    picked = rng.choice(size, n_shared, replace=False)
    list_b = [_corrupt(_latin(people[int(i)]), rng) for i in picked]
    list_b += [_corrupt(_latin(p), rng) for p in others]
    twice = rng.choice(len(list_b), size // 100, replace=False)
    list_b = list_b[: size - len(twice)] + [_corrupt(list_b[int(i)], rng) for i in twice]
    order = rng.permutation(len(list_b))
    list_b = [dict(list_b[int(i)], record_id=f"B{k:07d}") for k, i in enumerate(order)]
    return list_a, list_b


def write_list(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {pair for members in groups.values() for pair in combinations(sorted(members), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--shared", type=float, default=0.6)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()

    from homecoming.commands.link import _records
    from homecoming.linkage.engine import link

    list_a, list_b = make_lists(args.size, args.shared, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        files = [Path(folder) / "list_a.csv", Path(folder) / "list_b.csv"]
        write_list(files[0], list_a)
        write_list(files[1], list_b)
        started = time.perf_counter()
        _, records = _records(files)
        read_seconds = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()

    def stage(name: str) -> None:
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        print(f"{wall:6.1f} s wall {cpu:6.1f} s CPU  start of {name}", flush=True)

    result = link(records, threshold=args.threshold, seed=args.seed, progress=stage)
    link_seconds = time.perf_counter() - started
    link_cpu_seconds = time.process_time() - cpu_started
    truth = {r["record_id"]: r["person"] for r in list_a + list_b}
    found: dict[str, list[str]] = defaultdict(list)
    true: dict[str, list[str]] = defaultdict(list)
    for record, cluster in result.clusters:
        found[cluster].append(record)
        true[truth[record]].append(record)
    found_pairs, true_pairs = pairs(found), pairs(true)
    both = len(found_pairs & true_pairs)
    print(f"records={len(records)}")
    print(f"scored_pairs={result.pairs}")
    print(f"pair_precision={both / max(1, len(found_pairs)):.4f}")
    print(f"pair_recall={both / max(1, len(true_pairs)):.4f}")
    print(f"load_average_1m={os.getloadavg()[0]:.1f}")
    print(f"read_seconds={read_seconds:.1f}")
    print(f"link_cpu_seconds={link_cpu_seconds:.1f}")
    print(f"link_seconds={link_seconds:.1f}")


if __name__ == "__main__":
    main()
