"""Benchmark: the identification report as PDF (issue 12 step 7; target ≤ 2 s), and ``rederive``.

Run:  .venv/bin/python benchmarks/identification_report.py [--runs 7]
(prefix ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres`` for PostgreSQL)
(SQLite in a temporary folder; on PostgreSQL in its own database ``hc_bench_idreport``, dropped first.)

One signed identification report (the tests' synthetic trio: a body, its typed father and sister, 20
markers) is read as a reviewer would: the PDF page (WeasyPrint, the pedigree drawn, genotypes shown,
audited) through Django's test client, ``--runs`` times per language after one warm-up; the print view;
``rederive`` of the report. Prints figures last as name=value lines; ``report_pdf_seconds`` (the median
wall time over both languages) is the last; ``report_pdf_cpu_seconds_median`` (the process's CPU time
per PDF) is the steadier figure on a shared machine. The first PDF of a process also loads WeasyPrint,
Pango and the fonts (``report_pdf_first_seconds``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from bench_database import prepare_database

BENCH_DB = "hc_bench_idreport"
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    backend = prepare_database(BENCH_DB)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TOTP_REQUIRED = []  # the reviewer's log-in is not what is timed (force_login, no authenticator)
    sys.path.insert(0, str(ROOT / "tests"))
    from app.identification import report_world as w
    from homecoming.app.accounts.roles import Role
    from homecoming.app.accounts.services import create_user
    from homecoming.app.identification import reports
    from homecoming.app.identification.rederive import rederive
    from homecoming.app.registry import services as registry

    def user(role: str) -> object:
        return create_user(
            username=f"bench-{role}", password=w.PASSWORD, role=Role(role), check_password=False
        )

    registrar, liaison = user("registrar"), user("family_liaison")
    examiner, analyst, reviewer = (
        user("forensic_examiner"),
        user("dna_analyst"),
        user("identification_reviewer"),
    )
    person = registry.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": "1991-03", "power": "UA"},
        names=[{"family_name": "Синтетичний", "given_name": "Тарас"}],
    )
    genos = w.trio()
    w.family(liaison, person, genos)
    unit = w.body(examiner, genos["body"])
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)

    client = Client()
    client.force_login(reviewer)
    url = f"/identification/reports/{report.pk}"
    first = time.perf_counter()
    got = client.get(f"{url}/report.pdf?lang=uk")
    first_s = time.perf_counter() - first
    assert got.status_code == 200 and got.content.startswith(b"%PDF-"), got.status_code
    pdf_s: dict[str, list[float]] = {"uk": [], "en": []}
    cpu_s: list[float] = []
    size = len(got.content)
    for _ in range(args.runs):
        for lang in pdf_s:
            t, c = time.perf_counter(), time.process_time()
            got = client.get(f"{url}/report.pdf?lang={lang}")
            pdf_s[lang].append(time.perf_counter() - t)
            cpu_s.append(time.process_time() - c)
            assert got.status_code == 200
    html_s = []
    for _ in range(args.runs):
        t = time.perf_counter()
        assert client.get(f"{url}/print/?lang=uk").status_code == 200
        html_s.append(time.perf_counter() - t)
    re_s = []
    for _ in range(3):
        t = time.perf_counter()
        assert rederive(reports.get_report(report.pk)).identical
        re_s.append(time.perf_counter() - t)
    both = pdf_s["uk"] + pdf_s["en"]
    print(f"backend={backend}", file=sys.stderr)
    print(f"load_average_1m={os.getloadavg()[0]:.1f}")
    print(f"cpus={os.cpu_count()}")
    print(f"runs={args.runs}")
    print(f"report_pdf_bytes={size}")
    print(f"report_pdf_first_seconds={first_s:.3f}")
    print(f"report_pdf_uk_seconds_median={statistics.median(pdf_s['uk']):.3f}")
    print(f"report_pdf_en_seconds_median={statistics.median(pdf_s['en']):.3f}")
    print(f"report_pdf_seconds_max={max(both):.3f}")
    print(f"report_pdf_cpu_seconds_median={statistics.median(cpu_s):.3f}")
    print(f"report_print_view_ms_median={1000 * statistics.median(html_s):.1f}")
    print(f"rederive_seconds_median={statistics.median(re_s):.3f}")
    print(f"report_pdf_seconds={statistics.median(both):.3f}")


if __name__ == "__main__":
    main()
