"""Behind the TLS proxy the README prescribes: a real nginx (HTTPS, self-signed) in front of the real
``homecoming serve`` (waitress), and a client that logs in through it as a browser does.

Clients come from different loopback addresses (127.0.0.2, 127.0.0.3 …): to nginx each is another
machine, and the server must see that address — not the proxy's — in lockouts and access logs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from .proxy import Client, Proxy, nginx
from .serving import PASSWORD, Served, environment, run, serving

pytestmark = pytest.mark.slow

USERS = {"rita": "registrar", "ivan": "registrar", "oksana": "registrar"}


@dataclass(frozen=True)
class Site:
    proxy: Proxy
    served: Served

    def client(self, source: str) -> Client:
        return Client(self.proxy.url, self.proxy.certificate, source)

    def direct(self, source: str) -> Client:
        """A client that reaches waitress without the proxy (from ``source``)."""
        return Client(self.served.url, None, source)

    def rows(self, sql: str, *args: object) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.served.database, timeout=30) as db:
            return db.execute(sql, args).fetchall()

    def logs(self) -> str:
        return f"{self.proxy.log()}\n--- server\n{self.served.output()}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data = tmp_path_factory.mktemp("proxy-data")
    env = environment(
        data,
        HOMECOMING_PROXY_ADDRESS="127.0.0.1",
        HOMECOMING_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    env.pop("HOMECOMING_SECURE_COOKIES", None)  # production: secure cookies (the default without debug)
    run(["migrate"], env)
    for username, role in USERS.items():
        run(["createuser", username, "--role", role, "--password", PASSWORD], env)
    with (
        serving(env, tmp_path_factory.mktemp("proxy-log") / "server.log") as served,
        nginx(tmp_path_factory.mktemp("nginx"), served.port) as proxy,
    ):
        yield Site(proxy=proxy, served=served)


def test_log_in_through_the_tls_proxy_works_with_hsts_secure_cookies_and_the_real_client_address(
    site: Site,
) -> None:
    client = site.client("127.0.0.2")
    page = client.request("/accounts/login/")
    assert page.status == 200, site.logs()
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert client.cookie("csrftoken").secure

    answer = client.log_in("rita", PASSWORD, X_Forwarded_For="203.0.113.9")  # a forged address, ignored
    assert answer.status == 302, (answer.status, answer.body[-800:], site.logs())
    assert answer.headers["Location"] == "/"
    session = client.cookie("sessionid")
    assert session.secure and session.has_nonstandard_attr("HttpOnly")
    home = client.request("/")
    assert home.status == 200 and "rita" in home.body

    # the address recorded for the log-in is the client's as the proxy saw it
    assert site.rows("SELECT ip_address FROM axes_accesslog WHERE username = 'rita'") == [("127.0.0.2",)]


def test_a_client_that_bypasses_the_proxy_cannot_claim_https_or_another_address(site: Site) -> None:
    direct = site.direct("127.0.0.3")
    page = direct.request("/accounts/login/", X_Forwarded_Proto="https", X_Forwarded_For="198.51.100.7")
    assert page.status == 200
    assert "Strict-Transport-Security" not in page.headers  # not HTTPS, whatever the header says
    token = direct.csrf("/accounts/login/")
    cookie = direct.cookie("csrftoken")  # a Secure cookie: sent by hand over plain HTTP
    answer = direct.request(
        "/accounts/login/",
        {"username": "ivan", "password": "not the password 1", "csrfmiddlewaretoken": token},
        X_Forwarded_For="198.51.100.7",
        Cookie=f"csrftoken={cookie.value}",
    )
    assert answer.status == 200 and 'role="alert"' in answer.body, answer.body[-500:]
    assert site.rows("SELECT DISTINCT ip_address FROM axes_accessattempt WHERE username = 'ivan'") == [
        ("127.0.0.3",)
    ]


def test_behind_the_proxy_a_lockout_is_the_attackers_address_not_everyones(site: Site) -> None:
    """Five wrong passwords for oksana from 127.0.0.4 lock that address out of oksana's account; oksana
    herself, from 127.0.0.5, still logs in — through the same proxy."""
    for attempt in range(5):
        answer = site.client("127.0.0.4").log_in("oksana", f"guess number {attempt}")
        assert answer.status in (200, 429), (answer.status, site.logs())
    locked = site.client("127.0.0.4").log_in("oksana", PASSWORD)
    assert locked.status == 429 and "Too many failed log-in attempts" in locked.body
    owner = site.client("127.0.0.5")
    answer = owner.log_in("oksana", PASSWORD)
    assert answer.status == 302, (answer.status, answer.body[-600:], site.logs())
    assert site.rows("SELECT DISTINCT ip_address FROM axes_accessattempt WHERE username = 'oksana'") == [
        ("127.0.0.4",)
    ]
