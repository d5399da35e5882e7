"""Benchmark: one token reads 200 persons by sequential id, as fast as it can (issue 10, item 5).

Run:  .venv/bin/python benchmarks/api_rate_limit.py            (SQLite in a temporary folder)
      options: --persons 200 (the default limit, HOMECOMING_API_RATE_LIMIT=120/60, applies unless set)

Before issue 10 every request was answered (200 persons in about 8 s) and nothing was recorded. Now the
token gets the limit's number of answers per window, then ``429 rate_limited`` with ``Retry-After``;
the first refusal is an audit record. Prints ``requests``, ``answered``, ``refused``, ``retry_after_s``,
``audit_records``, ``seconds`` last.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("HOMECOMING_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["HOMECOMING_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.app.settings")
    os.environ.pop("DATABASE_URL", None)
    os.environ["HOMECOMING_DATA_DIR"] = tempfile.mkdtemp(prefix="hc-bench-rate-")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from homecoming.app.accounts.models import ApiToken
    from homecoming.app.accounts.roles import Role
    from homecoming.app.accounts.services import create_user
    from homecoming.app.audit.models import AuditRecord
    from homecoming.app.registry import services

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    user = create_user(username="reader", password="x", role=Role.registrar, check_password=False)
    ids = [
        services.create_person(actor=user, data={}, names=[{"family_name": f"Reader{i:03d}"}]).pk
        for i in range(args.persons)
    ]
    _, token = ApiToken.issue(user, "bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    start = time.perf_counter()
    statuses, retry_after = [], ""
    for pk in ids:
        response = client.get(f"/api/v1/persons/{pk}")
        statuses.append(response.status_code)
        retry_after = response.get("Retry-After", retry_after)
    seconds = time.perf_counter() - start
    print(f"limit={settings.API_RATE_LIMIT[0]}/{settings.API_RATE_LIMIT[1]}")
    print(f"requests={len(statuses)}")
    print(f"answered={statuses.count(200)}")
    print(f"refused={statuses.count(429)}")
    print(f"retry_after_s={retry_after}")
    print(f"audit_records={AuditRecord.objects.filter(action='rate_limited').count()}")
    print(f"seconds={seconds:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
