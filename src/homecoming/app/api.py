"""The JSON API at /api/v1 (django-ninja): one router per app, token auth, one error shape.

The routers are those the installed apps declare (``api_router`` on their AppConfig, see
``homecoming.app.conventions``); an app's API module imports ``require`` from
``homecoming.app.permissions``, never this module.

Every error, whatever its cause, is ``{"error": {"code", "message", "field", "value", "hint", "problems"}}``
with the HTTP status of its class in ``homecoming.errors``.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import OperationalError, connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from homecoming.app import ratelimit
from homecoming.app.accounts.models import ApiToken
from homecoming.app.api_errors import document_errors, refuse_nul_characters
from homecoming.app.conventions import api_routers
from homecoming.errors import HomecomingError, NotFound, Problem, RateLimited


class TokenAuth(HttpBearer):
    """``Authorization: Bearer hc_…`` — a token issued by ``homecoming token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        obj = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.hash(token), revoked__isnull=True)
            .first()
        )
        if obj is None or not obj.user.is_active:
            return None
        ratelimit.check(token=obj, user=obj.user)  # 429 (RateLimited) past the limit
        note_use(obj)
        request.user = obj.user
        return obj.user


LAST_USED_EVERY = timedelta(minutes=15)


def note_use(token: ApiToken) -> None:
    """Record when a token was last used: at most once per :data:`LAST_USED_EVERY`, never failing a request.

    A read must not write on every request: on SQLite a long import holds the write lock, and a
    read that waited for it would time out. The update does not wait for the lock (SQLite busy
    timeout 0 for this one statement); when the database is busy it is skipped and the next request
    records the use.
    """
    now = timezone.now()
    if token.last_used is not None and now - token.last_used < LAST_USED_EVERY:
        return
    sqlite = connection.vendor == "sqlite"
    try:
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 0")
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    except OperationalError:
        pass  # busy: the next request records the use
    finally:
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(settings.SQLITE_BUSY_SECONDS * 1000)}")


class HomecomingAPI(NinjaAPI):
    """NinjaAPI that keeps the refused value in validation errors, so the error can show it, and whose
    schema documents the error answers of every operation (``api_errors.document_errors``)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        """Runs after authentication, before the parameters are read: refuse text with NUL characters."""
        refuse_nul_characters(request)
        return super().create_temporal_response(request)

    def validation_error_from_error_contexts(self, error_contexts: list[Any]) -> NinjaValidationError:
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            for item in context.pydantic_validation_error.errors(include_url=False):
                loc = model.__ninja_flatten_map_reverse__.get(item["loc"], item["loc"])
                value = item.get("input")
                errors.append(
                    {
                        "loc": (model.__ninja_param_source__, *loc),
                        "msg": item.get("msg", "invalid"),
                        "type": item.get("type", ""),
                        "input": value if isinstance(value, (str, int, float, bool)) else None,
                    }
                )
        return NinjaValidationError(errors)


def _signed_in(view: Any) -> Any:
    """The schema and its docs page only for a logged-in user (session) or a valid token (issue 10)."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return view(request, *args, **kwargs)
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token:
            try:
                if TokenAuth().authenticate(request, token.strip()):
                    return view(request, *args, **kwargs)
            except RateLimited as exc:
                return _rate_limited(request, exc)
        if request.path.rstrip("/").endswith("/docs"):
            return redirect_to_login(request.get_full_path())
        return error_response(
            request,
            401,
            _shape(
                "not_authenticated",
                "the API schema is for signed-in users",
                field="Authorization",
                hint="log in, or send 'Authorization: Bearer <token>'",
            ),
        )

    return checked


api = HomecomingAPI(
    title="Homecoming API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth()],
    docs_url="/docs",
    docs_decorator=_signed_in,
)


def error_response(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, {"error": body}, status=status)


def _shape(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "field": extra.get("field"),
        "value": extra.get("value"),
        "hint": extra.get("hint", ""),
        "problems": extra.get("problems", []),
    }


@api.exception_handler(HomecomingError)
def _homecoming_error(request: HttpRequest, exc: HomecomingError) -> HttpResponse:
    if isinstance(exc, RateLimited):
        return _rate_limited(request, exc)
    return error_response(request, exc.http_status, exc.as_dict())


def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error_response(request, exc.http_status, exc.as_dict())
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        problems.append(
            Problem(
                ".".join(loc) or "body",
                err.get("msg", "invalid"),
                err.get("input") if isinstance(err.get("input"), (str, int, float, bool)) else None,
                "see /api/v1/openapi.json for the schema",
            )
        )
    first = problems[0] if problems else Problem("body", "invalid request")
    body = _shape(
        "validation_failed",
        str(first),
        field=first.field,
        value=first.value,
        hint=first.hint,
        problems=[
            {"field": p.field, "message": p.message, "value": p.value, "hint": p.hint, "row": None}
            for p in problems
        ],
    )
    return error_response(request, 422, body)


@api.exception_handler(AuthenticationError)
def _auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        401,
        _shape(
            "not_authenticated",
            "a valid API token is required",
            field="Authorization",
            hint="send 'Authorization: Bearer <token>'; create one with 'homecoming token create USER'",
        ),
    )


@api.exception_handler(HttpError)
def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, _shape("http_error", str(exc)))


@api.exception_handler(Http404)
def _404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, NotFound(str(exc) or "not found").as_dict())


@api.exception_handler(Exception)
def _bug(request: HttpRequest, exc: Exception) -> HttpResponse:
    import logging

    from homecoming.app.security import busy_response, is_busy

    if is_busy(exc):  # the database stayed locked by another writer: 503 + Retry-After, never 500
        return busy_response(request)

    logging.getLogger("homecoming").exception("unhandled API error")
    rid = getattr(request, "request_id", "")
    return error_response(
        request,
        500,
        _shape(
            "internal_error",
            f"internal error (request {rid}); this is a bug",
            hint="report the request id to the administrators",
        ),
    )


for _router in api_routers():
    api.add_router("/", _router)
