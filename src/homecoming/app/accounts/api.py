"""User management endpoints (administrators only: ``accounts.manage_users``, resource ``users``).

The same services as the pages and the CLI; each change is audited; a generated password is in the
answer once and never in the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from homecoming.app.accounts import services
from homecoming.app.accounts.models import User
from homecoming.app.accounts.roles import Role
from homecoming.app.accounts.schemas import (
    ActiveIn,
    PasswordIn,
    PasswordOut,
    RoleIn,
    SecondFactorIn,
    UserDetailOut,
    UserIn,
    UserOut,
)
from homecoming.app.accounts.second_factor import confirmed_device
from homecoming.app.audit import services as audit
from homecoming.app.lookup import by_id
from homecoming.app.permissions import require

router = Router(tags=["accounts"])


def user_out(user: User) -> dict[str, Any]:
    role = services.role_of(user)
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": role.value if role else None,
        "is_active": user.is_active,
        "must_change_password": user.must_change_password,
        "second_factor_required": user.second_factor_required,
        "has_authenticator": confirmed_device(user) is not None,
        "last_login": user.last_login,
    }


def _user(user_id: int) -> User:
    return by_id(User, user_id, what="user", field="user")


@router.get("/accounts/users", response=list[UserOut], summary="Users (administrators only)")
def list_users(
    request: HttpRequest, q: str = "", role: Role | None = None, active: bool | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    require(request, "users")
    found = services.find_users(q=q, role=role, active=active)
    return [user_out(u) for u in found[: max(1, min(limit, 1000))]]


@router.post("/accounts/users", response={201: PasswordOut}, summary="Create a user with one role")
def create_user(request: HttpRequest, payload: UserIn) -> Status:
    actor = require(request, "users")
    password = payload.password or services.temporary_password()
    user = services.create_user(
        actor=actor,
        username=payload.username.strip(),
        password=password,
        role=payload.role,
        email=payload.email.strip(),
        first_name=payload.first_name.strip(),
        last_name=payload.last_name.strip(),
        must_change_password=True,
        second_factor_required=payload.second_factor_required,
    )
    return Status(201, {"user": user_out(user), "temporary_password": None if payload.password else password})


@router.get(
    "/accounts/users/{user_id}", response=UserDetailOut, summary="A user and what was done to the account"
)
def get_user(request: HttpRequest, user_id: int) -> dict[str, Any]:
    require(request, "users")
    user = _user(user_id)
    history = [
        {
            "seq": r.seq,
            "created": r.created,
            "actor": r.actor_name,
            "action": r.action,
            "before": r.before,
            "after": r.after,
            "reason": r.reason,
        }
        for r in audit.history(user)
    ]
    return {**user_out(user), "history": history}


@router.post("/accounts/users/{user_id}/role", response=UserOut, summary="Give the user another role")
def assign_role(request: HttpRequest, user_id: int, payload: RoleIn) -> dict[str, Any]:
    actor = require(request, "users")
    return user_out(
        services.assign_role(actor=actor, user_id=user_id, role=payload.role, reason=payload.reason)
    )


@router.post("/accounts/users/{user_id}/active", response=UserOut, summary="Deactivate or reactivate a user")
def set_active(request: HttpRequest, user_id: int, payload: ActiveIn) -> dict[str, Any]:
    actor = require(request, "users")
    return user_out(
        services.set_active(actor=actor, user_id=user_id, active=payload.active, reason=payload.reason)
    )


@router.post("/accounts/users/{user_id}/password", response=PasswordOut, summary="Set a temporary password")
def reset_password(request: HttpRequest, user_id: int, payload: PasswordIn) -> dict[str, Any]:
    actor = require(request, "users")
    user, password = services.reset_password(actor=actor, user_id=user_id, password=payload.password)
    return {"user": user_out(user), "temporary_password": None if payload.password else password}


@router.post(
    "/accounts/users/{user_id}/second-factor", response=UserOut, summary="Require a second factor or stop"
)
def second_factor(request: HttpRequest, user_id: int, payload: SecondFactorIn) -> dict[str, Any]:
    actor = require(request, "users")
    return user_out(services.require_second_factor(actor=actor, user_id=user_id, required=payload.required))
