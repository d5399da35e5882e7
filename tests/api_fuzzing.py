"""Schemathesis over the JSON API for every role: the driver of tests/app/test_api_fuzz.py and
benchmarks/api_fuzz.py (not a test itself).

The schema is the API's own (``api.get_openapi_schema()``, in-process: /api/v1/openapi.json needs a
log-in); the requests go through Django's WSGI handler, every middleware included, on whatever database
Django is set up with. For each role (and without a token) every operation gets ``examples`` generated
requests that fit the schema and as many that do not (Hypothesis, derandomized: the same requests on
every run). Half of the requests to an operation with an object in its path name an object that exists
(the demo data of ``homecoming.app.demo``), so the views are reached, not only their 404.

Each response is checked:

* ``server_errors`` — a 5xx;
* ``shape_breaks`` — a status the operation does not document, a body that is not the documented
  schema of that status (every error in the one error shape), or a non-JSON answer.

A 429 (the per-token rate limit) is a documented answer like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLE_NONE = "anonymous"  # no token at all


@dataclass
class Finding:
    role: str
    operation: str
    kind: str  # "server_error" | "shape_break"
    status: int
    request: str
    detail: str


@dataclass
class FuzzReport:
    requests: int = 0
    server_errors: int = 0
    shape_breaks: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    operations: int = 0

    def summary(self, limit: int = 20) -> str:
        seen: dict[tuple[str, str, int], Finding] = {}
        for f in self.findings:
            seen.setdefault((f.operation, f.kind, f.status), f)
        lines = [
            f"{f.kind} {f.status} {f.operation} (role {f.role}): {f.detail[:400]}\n    {f.request[:300]}"
            for f in list(seen.values())[:limit]
        ]
        return "\n".join(lines)


def seed_data(persons: int = 4, seed: int = 10) -> None:
    """Objects for the paths to name: the demo's persons, cases, claims, prisoners, exchanges, remains."""
    from homecoming.app.demo import build_demo

    build_demo(persons=persons, seed=seed)


def role_tokens() -> dict[str, str | None]:
    """A user and an API token for every role, and ``None`` for the request without a token."""
    from homecoming.app.accounts.models import ApiToken
    from homecoming.app.accounts.roles import Role
    from homecoming.app.accounts.services import create_user

    tokens: dict[str, str | None] = {ROLE_NONE: None}
    for role in Role:
        user = create_user(
            username=f"fuzz-{role.value}",
            password="correct horse battery 9",
            role=role,
            check_password=False,
        )
        _, tokens[role.value] = ApiToken.issue(user, "fuzz")
    return tokens


def _existing_ids() -> dict[str, list[Any]]:
    """For each path parameter of the API, values that name an existing object."""
    from homecoming.app.captivity.models import CaptureCard, DetentionRecord
    from homecoming.app.exchanges.models import Agreement, ManifestLine, ManifestVersion, Operation
    from homecoming.app.registry.models import MissingCase, Person, StatusAssertion
    from homecoming.app.remains.models import Examination, PersonalEffect, RemainsUnit, Sample

    def ids(model: Any, column: str = "pk") -> list[Any]:
        return list(model.objects.order_by("pk").values_list(column, flat=True)[:5])

    units = ids(RemainsUnit)
    return {
        "person_id": ids(Person),
        "assertion_id": ids(StatusAssertion),
        "case_id": ids(MissingCase),
        "record_id": ids(DetentionRecord),
        "card_id": ids(CaptureCard),
        "agreement_id": ids(Agreement),
        "operation_id": ids(Operation),
        "version_id": ids(ManifestVersion),
        "line_id": ids(ManifestLine),
        "batch_id": ids(_batch_model()),
        "unit_id": units,
        "key": [str(u) for u in units] + ids(RemainsUnit, "reference")[:2],
        "exam_id": ids(Examination),
        "sample_id": ids(Sample),
        "effect_id": ids(PersonalEffect),
    }


def _batch_model() -> Any:
    from homecoming.app.remains.models import IntakeBatch

    return IntakeBatch


def load_schema() -> Any:
    """The API's OpenAPI schema as schemathesis reads it, its requests sent to Django's WSGI handler."""
    import schemathesis
    from django.core.handlers.wsgi import WSGIHandler

    from homecoming.app.api import api

    raw = api.get_openapi_schema()
    schema = schemathesis.openapi.from_dict(dict(raw))
    schema.app = WSGIHandler()
    return schema


def operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def _checks() -> list[Any]:
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [status_code_conformance, content_type_conformance, response_schema_conformance]


def _describe(case: Any) -> str:
    parts = [case.method.upper(), case.formatted_path]
    if case.query:
        parts.append(f"query={case.query!r}")
    if case.body is not None and not isinstance(case.body, type(None)):
        parts.append(f"body={case.body!r}")
    return " ".join(str(p) for p in parts)


def generate_cases(operation: Any, *, examples: int, existing: dict[str, list[Any]]) -> list[Any]:
    """``examples`` schema-fitting and ``examples`` schema-breaking requests to one operation (derandomized).

    Every other request with an object in its path names an existing one.
    """
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis import GenerationMode

    cases: list[Any] = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def draw(case: Any) -> None:
            cases.append(case)

        draw()
    for n, case in enumerate(cases):
        if case.path_parameters and n % 2 == 0:
            for name in list(case.path_parameters):
                known = existing.get(name)
                if known:
                    case.path_parameters[name] = known[(n // 2) % len(known)]
    return cases


def send(case: Any, *, role: str, token: str | None, report: FuzzReport) -> None:
    """One request as one role, its answer checked and counted in ``report``."""
    from schemathesis.core.failures import FailureGroup

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    label = f"{case.operation.method.upper()} {case.operation.path}"
    response = case.call(headers=headers)
    status = response.status_code
    report.requests += 1
    report.statuses[status] = report.statuses.get(status, 0) + 1
    if status >= 500:
        report.server_errors += 1
        report.findings.append(
            Finding(role, label, "server_error", status, _describe(case), response.text[:500])
        )
        return
    try:
        case.validate_response(response, checks=_checks(), headers=headers)
    except FailureGroup as exc:  # a failed check: recorded and counted, the run goes on
        report.shape_breaks += 1
        report.findings.append(
            Finding(role, label, "shape_break", status, _describe(case), f"{exc}".strip()[:800])
        )


def fuzz(
    schema: Any,
    tokens: dict[str, str | None],
    *,
    examples: int,
    roles: list[str] | None = None,
    progress: Callable[[str, str], None] | None = None,
) -> FuzzReport:
    """Every operation of ``schema`` for each role of ``tokens`` (or ``roles``): see the module's text."""
    from django.core import signals
    from django.db import close_old_connections

    report = FuzzReport()
    existing = _existing_ids()
    ops = operations(schema)
    report.operations = len(ops)
    # As Django's test client does: a request's end must not close the connection (a test's transaction)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        cases = [generate_cases(op, examples=examples, existing=existing) for op in ops]
        for role in roles or list(tokens):
            report.roles.append(role)
            for operation, drawn in zip(ops, cases, strict=True):
                for case in drawn:
                    send(case, role=role, token=tokens[role], report=report)
                if progress is not None:
                    progress(role, f"{operation.method.upper()} {operation.path}")
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return report
