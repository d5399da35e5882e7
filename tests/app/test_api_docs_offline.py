"""The API docs page (Swagger UI) works without the internet: every asset it loads is one of our static
files, and each is served (issue "A new user's first hour": ``/api/v1/docs`` was blank offline)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def _docs(user: Any) -> str:
    client = Client()
    client.force_login(user)
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    return page.content.decode()


def test_the_docs_page_loads_only_local_assets_and_each_is_served(registrar: Any) -> None:
    html = _docs(registrar)
    assets = ASSET.findall(html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    assert any(a.endswith("swagger-ui.css") for a in assets), assets
    other_hosts = [a for a in assets if urlsplit(a).scheme or urlsplit(a).netloc]
    assert other_hosts == [], f"the docs page loads assets from other hosts: {other_hosts}"
    assert not re.search(r"https?://(?!testserver)[\w.-]+", html.replace("http://www.w3.org/", "")), html
    client = Client()
    for asset in assets:
        answer = client.get(asset)
        assert answer.status_code == 200, (asset, answer.status_code)
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        assert len(body) > 100, asset
