"""``homecoming createuser`` and ``homecoming token create``: users and their API tokens."""

from __future__ import annotations

import typer

from homecoming.commands import support


def createuser_command(
    username: str,
    role: str = typer.Option(
        ...,
        "--role",
        help="registrar, exchange_coordinator, forensic_examiner, dna_analyst, "
        "identification_reviewer, senior_identification_reviewer, family_liaison, auditor, admin",
    ),
    email: str = typer.Option("", "--email"),
    password: str = typer.Option(
        None,
        "--password",
        envvar="HOMECOMING_PASSWORD",
        help="the password (or set HOMECOMING_PASSWORD); asked for when absent",
    ),
    temporary: bool = typer.Option(
        False,
        "--temporary",
        help="the password is temporary: the user must choose their own at the first log-in",
    ),
    second_factor: bool = typer.Option(
        False, "--second-factor", help="the user must log in with an authenticator, whatever the role"
    ),
) -> None:
    """Create a user with one role."""
    support.setup_django()
    from homecoming.app.accounts import services

    role_value = support.run(lambda: services.parse_role(role))
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = support.run(
        lambda: services.create_user(
            username=username,
            password=password,
            role=role_value,
            email=email,
            must_change_password=temporary,
            second_factor_required=second_factor,
        )
    )
    support.out.print(f"created {user.username} ({role_value.value})")


def token_create_command(username: str, name: str = typer.Option("cli", "--name")) -> None:
    """Issue an API token for a user (shown once)."""
    support.setup_django()
    from homecoming.app.accounts.services import issue_token

    user = support.run(lambda: support.user(username))
    token = issue_token(actor=None, user=user, name=name)
    support.out.print(token)
