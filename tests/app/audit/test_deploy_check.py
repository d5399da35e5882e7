"""`check --deploy` warns when the audit chain heads are not signed."""

from __future__ import annotations

from typing import Any

from django.core import checks


def _ids(**kwargs: Any) -> set[str]:
    return {m.id for m in checks.run_checks(tags=[checks.Tags.security], **kwargs)}


def test_a_production_server_without_a_signing_key_is_warned(settings: Any, tmp_path: Any) -> None:
    settings.AUDIT_SIGNING_KEY = ""
    assert "homecoming.W802" in _ids(include_deployment_checks=True)
    assert "homecoming.W802" not in _ids()  # a deployment check only
    settings.AUDIT_SIGNING_KEY = str(tmp_path / "audit-signing.key")
    assert "homecoming.W802" not in _ids(include_deployment_checks=True)


def test_serve_names_the_missing_signing_key(settings: Any) -> None:
    from homecoming.commands.site import deploy_warnings

    settings.AUDIT_SIGNING_KEY = ""
    [warning] = deploy_warnings()
    assert "HOMECOMING_AUDIT_SIGNING_KEY is not set" in warning and "homecoming audit keygen" in warning
    settings.AUDIT_SIGNING_KEY = "/etc/homecoming/audit-signing.key"
    assert deploy_warnings() == []
