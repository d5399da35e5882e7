"""A real TLS reverse proxy (Debian's nginx) in front of ``homecoming serve``, and an HTTPS client that keeps
cookies and can connect from another loopback address (127.0.0.x), so tests can be "another client".

The nginx configuration is the one docs/settings.md prescribes (Host with its port, X-Forwarded-For
appended, X-Forwarded-Proto), with a self-signed certificate made here for 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import http.client
import ipaddress
import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import Cookie, CookieJar
from pathlib import Path
from typing import Any

import pytest

from .serving import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

CONFIG = """
daemon off;
{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log {dir}/access.log;
  client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
  client_max_body_size 25m;
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {dir}/cert.pem;
    ssl_certificate_key {dir}/key.pem;
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
"""


def self_signed(directory: Path) -> Path:
    """A key and a certificate for 127.0.0.1 and localhost; returns the certificate's path."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (directory / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path = directory / "cert.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


@dataclass(frozen=True)
class Proxy:
    url: str
    port: int
    certificate: Path
    directory: Path

    def log(self) -> str:
        parts = []
        for name in ("error.log", "access.log"):
            path = self.directory / name
            if path.exists():
                parts.append(f"--- nginx {name}\n" + path.read_text(errors="replace")[-3000:])
        return "\n".join(parts)


@contextlib.contextmanager
def nginx(directory: Path, upstream: int) -> Iterator[Proxy]:
    if not Path(NGINX).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but nginx is not installed: apt-get install nginx-light")
        pytest.skip("nginx not installed (apt-get install nginx-light)")
    certificate = self_signed(directory)
    port = free_port()
    user = "user root root;" if os.geteuid() == 0 else ""
    conf = directory / "nginx.conf"
    conf.write_text(CONFIG.format(dir=directory, port=port, upstream=upstream, user=user))
    with open(directory / "nginx.out", "wb") as sink:
        process = subprocess.Popen(
            [NGINX, "-p", str(directory), "-c", str(conf), "-e", str(directory / "error.log")],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    proxy = Proxy(url=f"https://127.0.0.1:{port}", port=port, certificate=certificate, directory=directory)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                out = (directory / "nginx.out").read_text(errors="replace")
                pytest.fail(f"nginx exited with {process.returncode}:\n{out}\n{proxy.log()}")
            with contextlib.suppress(OSError), ssl.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.monotonic() > deadline:
                pytest.fail(f"nginx did not listen on {port}:\n{proxy.log()}")
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.1)
        yield proxy
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class _FromAddress(urllib.request.HTTPSHandler):
    """HTTPS from a chosen local address (another loopback address is another client to the proxy)."""

    def __init__(self, context: ssl.SSLContext, source: str) -> None:
        super().__init__(context=context)
        self.source = source
        self.ssl_context = context

    def https_open(self, req: Any) -> Any:
        connection = functools.partial(http.client.HTTPSConnection, source_address=(self.source, 0))
        return self.do_open(connection, req, context=self.ssl_context)


class _PlainFromAddress(urllib.request.HTTPHandler):
    """Plain HTTP from a chosen local address (straight to waitress, bypassing the proxy)."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def http_open(self, req: Any) -> Any:
        connection = functools.partial(http.client.HTTPConnection, source_address=(self.source, 0))
        return self.do_open(connection, req)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    status: int
    headers: Any
    body: str


class Client:
    """A browser-like HTTPS client: keeps cookies, sends Origin and Referer on a POST, does not follow
    redirects (a test looks at them), verifies the proxy's certificate."""

    def __init__(self, base: str, certificate: Path | None, source: str = "127.0.0.1") -> None:
        self.base = base
        self.jar = CookieJar()
        context = ssl.create_default_context(cafile=str(certificate)) if certificate else None
        handlers: list[Any] = [
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirect(),
        ]
        handlers.append(_FromAddress(context or ssl.create_default_context(), source))
        handlers.append(_PlainFromAddress(source))
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, data: dict[str, str] | None = None, **headers: str) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(
            self.base + path, data=body, method="POST" if data is not None else "GET"
        )
        if data is not None:
            req.add_header("Origin", self.base)
            req.add_header("Referer", self.base + path)
        for name, value in headers.items():
            req.add_header(name.replace("_", "-"), value)
        try:
            with self.opener.open(req, timeout=120) as response:
                return Answer(response.status, response.headers, response.read().decode(errors="replace"))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.headers, exc.read().decode(errors="replace"))

    def cookie(self, name: str) -> Cookie:
        for cookie in self.jar:
            if cookie.name == name:
                return cookie
        raise AssertionError(f"no cookie {name!r}; have {[c.name for c in self.jar]}")

    def csrf(self, path: str) -> str:
        page = self.request(path)
        assert page.status == 200, (page.status, page.body[-500:])
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        assert found, page.body[-500:]
        return found.group(1)

    def log_in(self, username: str, password: str, **extra: str) -> Answer:
        token = self.csrf("/accounts/login/")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token, **extra}
        return self.request("/accounts/login/", form)
