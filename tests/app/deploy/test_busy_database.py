"""SQLite while another process holds the write lock (a long import): reads answer, writes wait or 503.

A real ``homecoming serve`` on a SQLite file, and a real second writer: another connection to the same
file that has begun an ``IMMEDIATE`` transaction and keeps it open, as ``homecoming import`` does.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest

from .serving import PASSWORD, Served, environment, run, serving

pytestmark = pytest.mark.slow

BUSY_SECONDS = 1  # the server's wait for the lock (HOMECOMING_SQLITE_BUSY_SECONDS)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str]]:
    data = tmp_path_factory.mktemp("busy-data")
    env = environment(data, HOMECOMING_SQLITE_BUSY_SECONDS=str(BUSY_SECONDS), HOMECOMING_SECURE_COOKIES="0")
    run(["migrate"], env)
    run(["createuser", "rita", "--role", "registrar", "--password", PASSWORD], env)
    token = run(["token", "create", "rita"], env).strip().splitlines()[-1].strip()
    assert token.startswith("hc_"), token
    with serving(env, tmp_path_factory.mktemp("busy-log") / "server.log") as served:
        yield served, token


def call(url: str, token: str, method: str = "GET", body: Any = None) -> tuple[int, dict[str, str], Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = raw.decode(errors="replace")
        return exc.code, dict(exc.headers), payload


class WriteLock:
    """Another writer: a connection to the same SQLite file inside ``BEGIN IMMEDIATE``, kept open."""

    def __init__(self, database: Path) -> None:
        self.connection = sqlite3.connect(database, isolation_level=None, timeout=30)

    def __enter__(self) -> WriteLock:
        self.connection.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *exc: object) -> None:
        self.connection.execute("ROLLBACK")
        self.connection.close()


def person() -> dict[str, Any]:
    return {"sex": "male", "names": [{"family_name": "Коваленко", "given_name": "Петро"}]}


def test_reads_answer_while_another_process_holds_the_write_lock(server: tuple[Served, str]) -> None:
    served, token = server
    with WriteLock(served.database):
        for _ in range(3):  # the token's first use, and the uses after it
            status, _, body = call(f"{served.url}/api/v1/persons?q=Shevchenko", token)
            assert status == 200, (body, served.output())


def test_a_write_that_cannot_get_the_lock_is_a_503_with_retry_after_in_the_error_shape(
    server: tuple[Served, str],
) -> None:
    served, token = server
    with WriteLock(served.database):
        started = time.monotonic()
        status, headers, body = call(f"{served.url}/api/v1/persons", token, "POST", person())
        waited = time.monotonic() - started
    assert status == 503, (body, served.output())
    assert int(headers["Retry-After"]) > 0
    assert body["error"]["code"] == "busy"
    assert set(body["error"]) == {"code", "message", "field", "value", "hint", "problems"}
    assert "nothing was changed" in body["error"]["message"]
    assert waited >= BUSY_SECONDS * 0.9  # it waited for the lock before giving up
    # nothing was written; once the other writer is done, the same request works
    status, _, body = call(f"{served.url}/api/v1/persons", token, "POST", person())
    assert status == 201, body
    status, _, found = call(f"{served.url}/api/v1/persons?q=Kovalenko", token)
    assert status == 200 and len(found) == 1


def test_a_page_write_that_cannot_get_the_lock_is_a_503_page(server: tuple[Served, str]) -> None:
    """Logging in writes (session, last log-in): behind the lock it is a 503 page, not a 500."""
    served, _ = server
    jar = CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )
    with opener.open(f"{served.url}/accounts/login/", timeout=120) as response:
        page = response.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf is not None
    form = urllib.parse.urlencode(
        {"username": "rita", "password": PASSWORD, "csrfmiddlewaretoken": csrf.group(1)}
    ).encode()
    with WriteLock(served.database), pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(f"{served.url}/accounts/login/", data=form, timeout=120)
    assert refused.value.code == 503, served.output()
    assert int(refused.value.headers["Retry-After"]) > 0
    assert "The database is busy" in refused.value.read().decode()
