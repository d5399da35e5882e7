"""The Content-Security-Policy in a real browser: an injected inline script does not run, and the pages'
own behaviour (htmx, the language menu) works without one.

Every browser test fails on a CSP violation reported on the console (conftest.py ``page``).
"""

from __future__ import annotations

from typing import Any

import pytest

from .test_registry import log_in

pytestmark = pytest.mark.browser


def test_an_injected_inline_script_does_not_run_and_is_reported(
    page: Any, server: Any, csp_violations: list[str]
) -> None:
    page.goto("/accounts/login/")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.injected = true;';
                   document.body.appendChild(s); }"""
    )
    page.evaluate(
        """() => { const a = document.createElement('a'); a.id = 'bad';
                   a.setAttribute('onclick', 'window.injected = true'); document.body.appendChild(a);
                   a.click(); }"""
    )
    assert page.evaluate("() => window.injected === undefined")
    page.wait_for_function("() => true")  # let the console events arrive
    assert len(csp_violations) >= 2, csp_violations
    csp_violations.clear()  # provoked on purpose


def test_htmx_search_and_the_language_menu_work_under_the_policy(page: Any, server: Any) -> None:
    log_in(page, "registrar", server.password)
    response = page.goto("/registry/search/")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    assert page.evaluate("() => typeof window.htmx") == "object"
    with page.expect_response(
        lambda r: "/registry/search/?" in r.url and r.request.headers.get("hx-request")
    ):
        page.fill("#id_q", "Nobody-Like-This")  # htmx asks for the results as one types
    page.locator("#results").wait_for(state="attached")
    with page.expect_navigation():
        page.select_option("select[name=language]", "uk")  # submits the form (site.js, no inline handler)
    assert page.locator("html").get_attribute("lang") == "uk"
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
