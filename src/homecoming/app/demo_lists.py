"""Person lists for a new user to import into the demo (issue 14): what another party or a unit would send.

``write_lists(folder)`` writes, from the demo's own registry:

* ``other-party-list.csv`` — twelve registered persons as the other party writes them (Latin letters or
  Russian forms, a patronymic left out, day and month swapped, the service number missing; three with it,
  recognised at once), two with only
  a surname, given name and birth year (uncertain), and six persons the registry does not know;
* ``unit-roll.xlsx`` — the same list as a spreadsheet, for the XLSX path;
* ``manifest-claimed-names.csv`` — a manifest of ten bodies handed over, eight "said to be" demo persons
  (names as the handing party writes them: Latin capitals, family name first) and two unnamed, for a
  coordinator to import into the operation ``REM-2025-08-19`` (RU → UA) and link to the registry.

Importing either shows each class on the preview (``/registry/persons/import/``); the rows are synthetic.
"""

from __future__ import annotations

import random
from pathlib import Path

from homecoming.app.registry.models import NameForm, Person
from homecoming.io.persons import write_persons
from homecoming.linkage.names import romanize_ru, romanize_uk

STRANGERS = [
    ("Зарічний", "Левко", "Устимович", "1999-01-05"),
    ("Гайдамака", "Трохим", "Оникійович", "1984-06-17"),
    ("Очеретний", "Северин", "Захарович", "1992-10-23"),
    ("Криничний", "Ярема", "Остапович", "1978-03-30"),
    ("Вербицкий", "Всеволод", "Игоревич", "1995-12-08"),
    ("Тернопольский", "Ростислав", "Германович", "1989-07-14"),
]
RUSSIAN = {
    "Олександр": "Александр",
    "Сергій": "Сергей",
    "Андрій": "Андрей",
    "Юрій": "Юрий",
    "Микола": "Николай",
}


def _rows(rng: random.Random) -> list[dict[str, str]]:
    persons = list(
        Person.objects.filter(
            purged=False, merged_into__isnull=True, birth_date__regex=r"^\d{4}-\d{2}-\d{2}$"
        )
        .order_by("pk")
        .values_list("pk", "sex", "birth_date", "service_number", "unit")[:14]
    )
    forms = {
        pid: (family, given, patronymic)
        for pid, family, given, patronymic in NameForm.objects.filter(
            person_id__in=[p[0] for p in persons], script="cyrillic"
        )
        .order_by("-position")
        .values_list("person_id", "family_name", "given_name", "patronymic")
    }
    rows = []
    for i, (pid, sex, birth, number, unit) in enumerate(persons):
        if pid not in forms:
            continue
        family, given, patronymic = forms[pid]
        row = {"sex": sex, "birth_date": birth, "service_number": number, "unit": unit}
        if i % 3 == 0:  # in Latin letters, as a passport
            family, given, patronymic = (romanize_uk(x).upper() for x in (family, given, patronymic))
        elif i % 3 == 1:  # the Russian forms of the given name
            given = RUSSIAN.get(given, given)
            family, given, patronymic = (x for x in (family, given, patronymic))
        if i % 4 == 0:
            row["patronymic"] = ""
            patronymic = ""
        if i % 5 == 0 and int(birth[8:]) <= 12:
            row["birth_date"] = f"{birth[:4]}-{birth[8:]}-{birth[5:7]}"
        if i % 4 != 3:  # the number kept: recognised as the registered person (an exact duplicate)
            row["service_number"] = ""
        if i >= 12:  # only a surname, a given name and a year: a registrar decides
            row = {"birth_date": birth[:4]}
            family, given, patronymic = romanize_ru(family).upper(), romanize_ru(given).upper(), ""
        rows.append({"family_name": family, "given_name": given, "patronymic": patronymic, **row})
    for family, given, patronymic, birth in STRANGERS:
        rows.append(
            {
                "family_name": family,
                "given_name": given,
                "patronymic": patronymic,
                "sex": "male",
                "birth_date": birth,
            }
        )
    rng.shuffle(rows)
    return rows


MANIFEST_COLUMNS = [
    "line_no",
    "category",
    "container_number",
    "claimed_name",
    "claimed_birth_date",
    "claimed_identity",
    "claimed_affiliation",
    "outcome",
]


def _manifest(rng: random.Random) -> list[dict[str, str]]:
    """Ten bodies: eight said to be demo persons (the later ones in the registry), two without a name."""
    named = list(
        Person.objects.filter(purged=False, merged_into__isnull=True, power="UA", birth_date__regex=r"^\d{4}")
        .order_by("-pk")
        .values_list("pk", "birth_date", "service_number")[:8]
    )
    forms = dict(
        (pid, (family, given))
        for pid, family, given in NameForm.objects.filter(
            person_id__in=[p[0] for p in named], script="cyrillic"
        )
        .order_by("-position")
        .values_list("person_id", "family_name", "given_name")
    )
    out = []
    for i, (pid, birth, number) in enumerate(named, start=1):
        family, given = forms.get(pid, ("", ""))
        out.append(
            {
                "claimed_name": f"{romanize_uk(family).upper()} {romanize_uk(given)}",
                "claimed_birth_date": birth if i % 3 else birth[:4],
                "claimed_identity": number if i % 2 else "",
            }
        )
    out += [{"claimed_name": "", "claimed_birth_date": "", "claimed_identity": ""}] * 2
    rng.shuffle(out)
    return [
        {
            "line_no": str(n),
            "category": "bodies",
            "container_number": f"DEMO-AUG-{n:03d}",
            "claimed_affiliation": "Armed Forces of Ukraine (as the handing party states; synthetic)",
            "outcome": "transferred",
            **row,
        }
        for n, row in enumerate(out, start=1)
    ]


def write_lists(folder: Path, *, seed: int = 7) -> list[Path]:
    """Write the demo's lists into ``folder``; returns their paths (CSV, XLSX, manifest)."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    rows = _rows(rng)
    paths = [
        folder / "other-party-list.csv",
        folder / "unit-roll.xlsx",
        folder / "manifest-claimed-names.csv",
    ]
    write_persons(rows, paths[0], fmt="csv")
    write_persons(rows, paths[1], fmt="xlsx")
    with paths[2].open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, MANIFEST_COLUMNS)
        writer.writeheader()
        writer.writerows(_manifest(rng))
    return paths
