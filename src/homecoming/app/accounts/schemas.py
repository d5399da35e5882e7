"""API schemas of the user management (administrators only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema

from homecoming.app.accounts.models import User
from homecoming.app.accounts.roles import Role
from homecoming.app.api_inputs import constrained


@constrained(User)
class UserIn(Schema):
    username: str
    role: Role
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    #: empty: a password is generated and returned once; either way the user must change it at log-in
    password: str = ""
    second_factor_required: bool = False


class RoleIn(Schema):
    role: Role
    reason: str = ""


class ActiveIn(Schema):
    active: bool
    reason: str = ""


class PasswordIn(Schema):
    #: empty: a password is generated and returned once
    password: str = ""


class SecondFactorIn(Schema):
    required: bool


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str | None
    is_active: bool
    must_change_password: bool
    second_factor_required: bool
    has_authenticator: bool
    last_login: datetime | None


class HistoryOut(Schema):
    seq: int
    created: datetime
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str


class UserDetailOut(UserOut):
    history: list[HistoryOut]


class PasswordOut(Schema):
    user: UserOut
    #: the generated password, shown this once (null when the administrator typed it)
    temporary_password: str | None
