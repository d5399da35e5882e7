"""The API docs (Swagger UI) render in a browser cut off from every other host: no CDN is needed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from .test_registry import log_in

pytestmark = pytest.mark.browser


def test_the_swagger_ui_lists_the_operations_with_other_hosts_blocked(page: Any, server: Any) -> None:
    ours = urlsplit(server.url).netloc
    blocked: list[str] = []

    def only_ours(route: Any) -> None:
        if urlsplit(route.request.url).netloc == ours or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    log_in(page, "registrar", server.password)
    page.goto("/api/v1/docs")
    page.locator(".opblock").first.wait_for(state="visible")
    assert page.locator(".opblock").count() > 10
    assert "/api/v1/persons" in page.locator("#swagger-ui").inner_text()
    assert blocked == [], blocked
