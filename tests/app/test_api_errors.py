"""One JSON error shape for every error of every endpoint.

The endpoints are not listed here: they are read from the API's OpenAPI schema, so an endpoint added
by any app is covered the day it is added. Request bodies and query parameters that must be valid
(to get past validation to the permission check) are built from the same schema; path ids are ids
of real objects when a model of that name exists, 999999 for "no such object".
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from homecoming.app.api import api as ninja_api

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1"
ERROR_KEYS = {"code", "message", "field", "value", "hint", "problems"}
WRITES = {"post", "put", "patch", "delete"}
MISSING_ID = 999999

SCHEMA: dict[str, Any] = ninja_api.get_openapi_schema(path_prefix=PREFIX)
COMPONENTS: dict[str, Any] = SCHEMA.get("components", {}).get("schemas", {})
OPERATIONS: list[tuple[str, str]] = [
    (method, path)
    for path, ops in SCHEMA["paths"].items()
    for method in ops
    if method in {"get", "post", "put", "patch", "delete"}
]


def _ids(ops: list[tuple[str, str]]) -> list[str]:
    return [f"{m.upper()} {p.removeprefix(PREFIX)}" for m, p in ops]


def _operation(method: str, path: str) -> dict[str, Any]:
    return SCHEMA["paths"][path][method]


def _path_params(method: str, path: str) -> list[str]:
    return [p["name"] for p in _operation(method, path).get("parameters", []) if p["in"] == "path"]


def _integer_params(method: str, path: str) -> list[str]:
    return [
        p["name"]
        for p in _operation(method, path).get("parameters", [])
        if p["in"] == "path" and p.get("schema", {}).get("type") == "integer"
    ]


WITH_PATH_ID = [(m, p) for m, p in OPERATIONS if _path_params(m, p)]
WITH_INTEGER_ID = [(m, p) for m, p in OPERATIONS if _integer_params(m, p)]
WITH_BODY = [(m, p) for m, p in OPERATIONS if "requestBody" in _operation(m, p)]


# --- values built from the schema ------------------------------------------------------------------


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def example(schema: dict[str, Any]) -> Any:
    """A minimal value that the schema accepts (required properties only)."""
    schema = _resolve(schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s).get("type") != "null"]
            return example(options[0]) if options else None
    if "allOf" in schema:
        return example(schema["allOf"][0])
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: example(props[name]) for name in schema.get("required", [])}
    if kind == "array":
        return [example(schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return float(max(1, schema.get("minimum", 1)))
    if kind == "boolean":
        return True
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return date(2024, 1, 2).isoformat()
        if fmt == "date-time":
            return "2024-01-02T03:04:05Z"
        if fmt == "email":
            return "someone@example.org"
        return "x" * max(1, schema.get("minLength", 1))
    return "x"


def _wrong(schema: dict[str, Any]) -> Any:
    """A value of the wrong type for the schema."""
    schema = _resolve(schema)
    types = {_resolve(s).get("type") for s in schema.get("anyOf", [schema])}
    return [1, 2] if "object" in types else {"not": "valid"}


def _body_schema(method: str, path: str) -> dict[str, Any]:
    content = _operation(method, path)["requestBody"]["content"]
    return _resolve(content["application/json"]["schema"])


def _query(method: str, path: str) -> dict[str, Any]:
    return {
        p["name"]: example(p.get("schema", {}))
        for p in _operation(method, path).get("parameters", [])
        if p["in"] == "query" and p.get("required")
    }


# --- path ids of real objects ----------------------------------------------------------------------


def _real_id(param: str, tags: list[str]) -> int:
    """The id of an existing object for a path parameter: ``card_id`` → the newest CaptureCard, etc.

    Models whose name is, or ends with, the parameter's stem are candidates; a model of the
    endpoint's own app (its tag) is preferred. Without any row, 1 (the cases that use real ids are
    decided before any lookup: authentication, permission, validation).
    """
    stem = param.removesuffix("_id").replace("_", "")
    candidates = [m for m in apps.get_models() if m._meta.model_name.endswith(stem)]
    candidates.sort(key=lambda m: (m._meta.app_label not in tags, m._meta.model_name != stem))
    for model in candidates:
        pk = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        if pk is not None:
            return int(pk)
    return 1


def url(method: str, path: str, *, missing: bool = False) -> str:
    tags = _operation(method, path).get("tags", [])
    for name in _path_params(method, path):
        value = MISSING_ID if missing else _real_id(name, tags)
        path = path.replace("{" + name + "}", str(value))
    return path


def call(
    client: Client, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None
) -> Any:
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    send = getattr(client, method)
    if body is None:
        return send(path)
    return send(path, data=json.dumps(body), content_type="application/json")


def valid_body(method: str, path: str) -> Any:
    return example(_body_schema(method, path)) if (method, path) in WITH_BODY else None


def error_of(response: Any, status: int) -> dict[str, Any]:
    """The error object, after checking the status and the one shape."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == ERROR_KEYS, error
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["hint"], str), error
    assert isinstance(error["problems"], list), error
    return error


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """These tests are about the API, not about password hashing (tests/app/accounts checks argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(registrar: Any, reviewer: Any) -> dict[str, Any]:
    """One object of every kind the registry and captivity endpoints take in their paths."""
    from homecoming.app.captivity import services as captivity
    from homecoming.app.registry import services as registry

    person = registry.create_person(
        actor=registrar,
        data={"sex": "female", "birth_date": "1994", "power": "UA"},
        names=[{"family_name": "Мельник", "given_name": "Ірина"}],
    )
    case = registry.open_case(
        actor=registrar,
        person=person,
        data={},
        enquirers=[{"name": "Мельник Олена", "phone": "+380 44 000 00 00"}],
    )
    assertion = registry.add_assertion(
        actor=registrar,
        person=person,
        status="captive",
        source_type="other_party_list",
        source_name="list 7",
        source_date=date(2024, 5, 1),
    )
    record = captivity.create_detention(
        actor=registrar, person=person, data={"detaining_power": "RU", "capture_date": date(2024, 4, 2)}
    )
    card = captivity.create_card(actor=registrar, record_id=record.pk, data={})
    return {"person": person, "case": case, "assertion": assertion, "record": record, "card": card}


@pytest.fixture
def roleless(db: None) -> Any:
    from homecoming.app.accounts.models import User

    return User.objects.create_user("no-role", password="correct horse battery 9")


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("admin")


# --- the schema itself -----------------------------------------------------------------------------


def test_openapi_schema_is_served_and_lists_the_foundation(api: Any, registrar: Any) -> None:
    response = api(registrar).get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    served = response.json()
    paths = set(served["paths"])
    for noun in ("persons", "cases", "assertions", "detentions", "events", "cards"):
        assert any(noun in p.split("/") for p in paths), f"no endpoint about {noun} in {sorted(paths)}"
    served_ops = {(m, p) for p, ops in served["paths"].items() for m in ops}
    assert served_ops == set(OPERATIONS), "the tests iterate another schema than the one served"


def test_the_iteration_found_the_endpoints() -> None:
    """Guards the parametrisation below against silently iterating nothing."""
    assert len(OPERATIONS) >= 17
    assert len(WITH_PATH_ID) >= 13
    assert len(WITH_BODY) >= 9


# --- 401 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=_ids(OPERATIONS))
def test_without_a_token_every_endpoint_is_401(method: str, path: str, world: Any) -> None:
    response = call(Client(), method, url(method, path), valid_body(method, path), _query(method, path))
    error = error_of(response, 401)
    assert error["code"] == "not_authenticated"
    assert error["field"] == "Authorization"
    assert "homecoming token create" in error["hint"]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=_ids(OPERATIONS))
def test_with_an_unknown_or_revoked_token_every_endpoint_is_401(
    method: str, path: str, world: Any, registrar: Any
) -> None:
    from django.utils import timezone

    from homecoming.app.accounts.models import ApiToken

    token, secret = ApiToken.issue(registrar, "soon revoked")
    ApiToken.objects.filter(pk=token.pk).update(revoked=timezone.now())
    for header in ("Bearer hc_not-a-token", f"Bearer {secret}"):
        client = Client(HTTP_AUTHORIZATION=header)
        response = call(client, method, url(method, path), valid_body(method, path), _query(method, path))
        assert error_of(response, 401)["code"] == "not_authenticated"


# --- 403 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=_ids(OPERATIONS))
def test_a_user_without_a_role_gets_403_everywhere(
    method: str, path: str, world: Any, roleless: Any, api: Any
) -> None:
    response = call(api(roleless), method, url(method, path), valid_body(method, path), _query(method, path))
    error = error_of(response, 403)
    assert error["code"] == "permission_denied"
    assert error["field"] == "permission" and "." in str(error["value"])


def _writes_for(role: str) -> list[tuple[str, str]]:
    """Write endpoints of the apps (the endpoint's tag) where ``role`` may change nothing at all."""
    from homecoming.app.accounts.roles import Role, all_role_permissions

    writer_apps = {p.split(".")[0] for p in all_role_permissions()[Role(role)] if ".view_" not in p}
    return [
        (m, p)
        for m, p in OPERATIONS
        if m in WRITES and not set(_operation(m, p).get("tags", [])) & writer_apps
    ]


READ_ONLY = [(role, m, p) for role in ("auditor", "dna_analyst") for m, p in _writes_for(role)]


@pytest.mark.parametrize(
    ("role", "method", "path"),
    READ_ONLY,
    ids=[f"{r}-{m.upper()} {p.removeprefix(PREFIX)}" for r, m, p in READ_ONLY],
)
def test_read_only_roles_cannot_write(
    role: str, method: str, path: str, world: Any, make_user: Any, api: Any
) -> None:
    """The auditor writes nothing anywhere; a DNA analyst nothing in the apps that grant it only views."""
    client = api(make_user(role))
    response = call(client, method, url(method, path), valid_body(method, path), _query(method, path))
    error = error_of(response, 403)
    assert error["code"] == "permission_denied"
    assert "your role does not allow this" in error["message"]


def test_the_auditor_may_write_nowhere() -> None:
    assert _writes_for("auditor") == [(m, p) for m, p in OPERATIONS if m in WRITES]


# --- 404 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), WITH_PATH_ID, ids=_ids(WITH_PATH_ID))
def test_an_id_that_does_not_exist_is_404(method: str, path: str, admin: Any, api: Any) -> None:
    response = call(
        api(admin), method, url(method, path, missing=True), valid_body(method, path), _query(method, path)
    )
    error = error_of(response, 404)
    assert error["code"] == "not_found"
    assert str(MISSING_ID) in error["message"]
    assert str(error["value"]) == str(MISSING_ID)


@pytest.mark.parametrize(("method", "path"), WITH_INTEGER_ID, ids=_ids(WITH_INTEGER_ID))
def test_an_id_that_is_not_a_number_is_422_naming_the_parameter(
    method: str, path: str, admin: Any, api: Any
) -> None:
    name = _integer_params(method, path)[0]
    bad = path.replace("{" + name + "}", "abc")
    for other in _path_params(method, path):
        bad = bad.replace("{" + other + "}", "1")
    error = error_of(call(api(admin), method, bad, valid_body(method, path), _query(method, path)), 422)
    assert error["code"] == "validation_failed"
    assert error["field"] == name
    assert name in error["message"]


def test_a_refused_value_is_shown_in_the_error(admin: Any, api: Any, world: Any) -> None:
    """Error messages show the value (DESIGN §5.6): a bad path id and a bad scalar field."""
    method, path = WITH_INTEGER_ID[0]
    name = _integer_params(method, path)[0]
    bad = path.replace("{" + name + "}", "abc")
    error = error_of(call(api(admin), method, bad, valid_body(method, path), _query(method, path)), 422)
    assert (error["field"], error["value"]) == (name, "abc")
    response = api(admin).post(
        f"{PREFIX}/persons",
        data=json.dumps({"names": [{"family_name": "Коваль"}], "age_min": "many"}),
        content_type="application/json",
    )
    error = error_of(response, 422)
    assert (error["field"], error["value"]) == ("age_min", "many")


# --- 422 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), WITH_BODY, ids=_ids(WITH_BODY))
def test_a_body_with_a_wrong_type_is_422_naming_the_field(
    method: str, path: str, world: Any, admin: Any, api: Any
) -> None:
    schema = _body_schema(method, path)
    props = schema.get("properties", {})
    assert props, f"{method} {path} takes a body without properties"
    name = (schema.get("required") or list(props))[0]
    body = valid_body(method, path)
    body[name] = _wrong(props[name])
    error = error_of(call(api(admin), method, url(method, path), body, _query(method, path)), 422)
    assert error["code"] == "validation_failed"
    assert error["field"] == name or error["field"].startswith(name + "."), error
    assert name in error["message"]
    assert error["problems"] and error["problems"][0]["field"] == error["field"]


@pytest.mark.parametrize(("method", "path"), WITH_BODY, ids=_ids(WITH_BODY))
def test_a_body_that_is_not_json_gets_the_same_shape(
    method: str, path: str, world: Any, admin: Any, api: Any
) -> None:
    send = getattr(api(admin), method)
    response = send(url(method, path), data=b"{not json", content_type="application/json")
    assert response.status_code in (400, 422), response.content[:300]
    error_of(response, response.status_code)


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for m, p in WITH_BODY if _body_schema(m, p).get("required")],
    ids=_ids([(m, p) for m, p in WITH_BODY if _body_schema(m, p).get("required")]),
)
def test_an_empty_body_lists_every_missing_required_field(
    method: str, path: str, world: Any, admin: Any, api: Any
) -> None:
    required = _body_schema(method, path)["required"]
    error = error_of(call(api(admin), method, url(method, path), {}, _query(method, path)), 422)
    assert error["code"] == "validation_failed"
    assert {p["field"] for p in error["problems"]} == set(required)


# --- outside the routes ----------------------------------------------------------------------------


def test_an_unknown_api_path_gets_the_same_shape(api: Any, registrar: Any) -> None:
    error = error_of(api(registrar).get(f"{PREFIX}/no-such-thing"), 404)
    assert error["code"] == "not_found"


def test_an_unsupported_method_gets_the_same_shape(api: Any, registrar: Any) -> None:
    method, path = next((m, p) for m, p in OPERATIONS if "delete" not in SCHEMA["paths"][p])
    response = api(registrar).delete(url(method, path))
    error_of(response, 405)
