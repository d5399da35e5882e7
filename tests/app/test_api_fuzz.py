"""The API's schema documents its error answers and its inputs' constraints, and schemathesis, for every
role, finds no server error and no answer that breaks the schema.

The fuzzing here is bounded (one schema-fitting and one schema-breaking request per operation and role,
derandomized: the same requests every run); ``benchmarks/api_fuzz.py`` runs the full one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from api_fuzzing import fuzz, load_schema, role_tokens, seed_data
from homecoming.app.accounts.roles import Role
from homecoming.app.api import api as ninja_api

pytestmark = pytest.mark.django_db

SCHEMA: dict[str, Any] = ninja_api.get_openapi_schema()
COMPONENTS: dict[str, Any] = SCHEMA["components"]["schemas"]
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in SCHEMA["paths"].items() for method, op in ops.items()]


def test_every_operation_documents_its_error_answers_in_the_one_error_shape() -> None:
    missing = []
    for method, path, op in _operations():
        responses = {int(status): answer for status, answer in op["responses"].items()}
        expected = {401, 403, 422, 429}
        if any(p["in"] == "path" for p in op.get("parameters", [])) or "requestBody" in op:
            expected.add(404)
        if "requestBody" in op:
            expected.add(400)
        if method != "get":
            expected |= {409, 503}
        for status in sorted(expected):
            schema = responses.get(status, {}).get("content", {}).get("application/json", {}).get("schema")
            if schema != ERROR_REF:
                missing.append(f"{method.upper()} {path} {status}")
    assert not missing, missing
    error = COMPONENTS["Error"]
    assert error["required"] == ["error"]
    body = COMPONENTS[error["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
    assert set(body["required"]) == {"code", "message", "field", "value", "hint", "problems"}


def _property_of(component: str, name: str, kind: str) -> dict[str, Any]:
    prop = COMPONENTS[component]["properties"][name]
    for alternative in prop.get("anyOf", [prop]):
        if alternative.get("type") == kind:
            return dict(alternative)
    raise AssertionError(f"{component}.{name} is not {kind}: {prop}")


def _property(component: str, name: str) -> dict[str, Any]:
    return _property_of(component, name, "string")


@pytest.mark.parametrize(
    ("component", "name", "constraint", "value"),
    [
        ("PersonIn", "service_number", "maxLength", 50),
        ("PersonPatch", "unit", "maxLength", 200),
        ("PersonIn", "sex", "enum", ["male", "female", "unknown"]),
        ("NameIn", "family_name", "maxLength", 100),
        ("AssertionIn", "reliability", "enum", ["A", "B", "C", "D", "E", "F"]),
        ("AgreementIn", "reference", "maxLength", 40),
        ("BatchIn", "source", "enum", ["operation", "recovery", ""]),
        ("CustodyIn", "seal_before", "maxLength", 64),
        ("UnitIn", "kind", "enum", None),
        ("CardIn", "service_number", "maxLength", 50),
    ],
)
def test_the_inputs_document_the_constraints_of_their_columns(
    component: str, name: str, constraint: str, value: Any
) -> None:
    prop = _property(component, name)
    assert constraint in prop, prop
    if value is not None:
        assert prop[constraint] == value


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json")


def test_text_with_a_nul_character_is_refused_naming_the_field(
    api: Callable[[Any], Any], registrar: Any
) -> None:
    """PostgreSQL cannot store a NUL character (a server error there); SQLite stored it silently."""
    from homecoming.app.registry.models import Person

    client = api(registrar)
    response = _post(client, "/persons", {"names": [{"family_name": "Шев\x00ченко"}], "sex": "male"})
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert (error["code"], error["field"], error["value"]) == (
        "validation_failed",
        "names.0.family_name",
        "Шев\\x00ченко",
    )
    assert "NUL" in error["message"] and error["hint"] == "remove the NUL characters"
    assert not Person.objects.exists()
    response = client.get("/api/v1/persons", {"q": "a\x00b"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "q"


def test_a_value_outside_a_columns_choices_is_refused_before_the_database(
    api: Callable[[Any], Any], make_user: Callable[..., Any]
) -> None:
    """An intake batch's source longer than its column was a server error on PostgreSQL."""
    from homecoming.app.remains.models import IntakeBatch

    client = api(make_user("forensic_examiner"))
    response = _post(
        client,
        "/remains/batches",
        {
            "source": "recovery-by-the-river",
            "receiving_facility": "Morgue 1",
            "handed_over_by": "A. Koval",
            "received_by": "B. Bondar",
        },
    )
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert (error["field"], error["value"]) == ("source", "recovery-by-the-river")
    assert not IntakeBatch.objects.exists()


def test_schemathesis_finds_no_server_error_and_no_shape_break_for_any_role(settings: Any) -> None:
    """The rate limit is raised so the requests reach the views (a 429 would be a documented answer)."""
    settings.API_RATE_LIMIT = (1_000_000, 60)
    seed_data(persons=3, seed=10)
    tokens = role_tokens()
    assert set(tokens) == {"anonymous", *(r.value for r in Role)}
    report = fuzz(load_schema(), tokens, examples=1)
    assert report.roles == list(tokens)
    assert report.requests >= 2 * report.operations * len(tokens)
    assert report.server_errors == 0 and report.shape_breaks == 0, report.summary()
    assert {200, 201, 401, 403, 404, 422} <= set(report.statuses), report.statuses


def test_a_number_beyond_its_columns_range_is_refused_before_the_database(
    api: Callable[[Any], Any], make_user: Callable[..., Any]
) -> None:
    """A negative category quota broke the column's check constraint: a server error (found by the fuzz)."""
    from homecoming.app.exchanges import services
    from homecoming.app.exchanges.models import AgreementCategory

    services.ensure_party(actor=None, code="UA", name="Ukraine")
    services.ensure_party(actor=None, code="RU", name="Russia")
    agreement = services.create_agreement(
        actor=None, data={"reference": "AG-1", "title": "bodies", "party_a": "UA", "party_b": "RU"}
    )
    client = api(make_user("exchange_coordinator"))
    for quota in (-5, 2**40):
        response = _post(
            client,
            f"/exchanges/agreements/{agreement.pk}/categories",
            {"code": "bodies", "name": "Bodies", "rule": "n_for_n", "quota": quota},
        )
        assert response.status_code == 422, response.content
        error = response.json()["error"]
        assert (error["field"], error["value"]) == ("quota", quota)
    assert not AgreementCategory.objects.exists()
    assert _property_of("AgreementCategoryIn", "quota", "integer") == {
        "type": "integer",
        "minimum": 0,
        "maximum": 2147483647,
    }
