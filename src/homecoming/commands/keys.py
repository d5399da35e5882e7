"""``homecoming keys ...``: the organisation's signing keys and the trusted keys of other parties."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from homecoming.commands import support


def _passphrase(ask: bool) -> str:
    from homecoming.app.audit import keys

    given = keys.passphrase_from_environment()
    if given or not ask:
        return given
    return str(typer.prompt("passphrase for the new key", hide_input=True, confirmation_prompt=True))


def keys_generate_command(
    name: str = typer.Option("", "--name", help="whose key (default: HOMECOMING_ORGANISATION)"),
    encrypt: bool = typer.Option(
        False,
        "--encrypt",
        help="encrypt the private key with a passphrase (HOMECOMING_KEY_PASSPHRASE, or asked for); "
        "without it the key file is protected by its mode 0600 only",
    ),
    actor: str = typer.Option(None, "--as", help="the user doing it (for the audit trail)"),
) -> None:
    """Generate the organisation's Ed25519 key that signs lists (the key in use before is retired).

    The private key goes to HOMECOMING_KEYS_DIR (mode 0600); the public key is recorded, audited.
    """
    support.setup_django()
    from homecoming.app.audit import keys

    user = support.run(lambda: support.user(actor))
    passphrase = _passphrase(encrypt) if encrypt or keys.passphrase_from_environment() else ""
    row = support.run(lambda: keys.generate(actor=user, passphrase=passphrase, name=name))
    folder = keys.keys_dir()
    support.out.print(f"key {row.key_id} of {escape(row.name)} generated", highlight=False)
    support.out.print(
        f"private key: {escape(str(folder / (row.key_id + '.key')))} (mode 0600"
        + (", encrypted)" if passphrase else ")"),
        highlight=False,
    )
    support.out.print(f"fingerprint: {row.fingerprint}", highlight=False)
    support.out.print("give the other parties `homecoming keys export` and this fingerprint", highlight=False)


def keys_list_command() -> None:
    """List every key: own and trusted, with id, fingerprint, state (active, retired, revoked)."""
    support.setup_django()
    from homecoming.app.audit.models import SigningKey

    rows = list(SigningKey.objects.order_by("added", "id"))
    if not rows:
        support.out.print("no keys yet: `homecoming keys generate` makes the organisation's", highlight=False)
    for k in rows:
        when = k.revoked or k.retired
        state = k.state + (f" {when:%Y-%m-%d}" if when else "")
        support.out.print(
            f"{k.key_id}  {'own' if k.own else 'trusted'}  {state}  {k.fingerprint}  "
            f"added {k.added:%Y-%m-%d}  {escape(k.name)}",
            highlight=False,
        )


def keys_export_command(
    key: str = typer.Argument("", help="key id or fingerprint (default: the organisation's key in use)"),
    file: Path = typer.Option(None, "--file", help="write the PEM here instead of printing it"),
) -> None:
    """Print (or write) a public key as PEM, to give to the other parties."""
    support.setup_django()
    from homecoming.app.audit import keys

    row = support.run(lambda: keys.find(key) if key else keys.current())
    pem = keys.public_pem(row)
    if file is None:
        support.out.print(pem, end="", highlight=False, markup=False)
        return
    file.write_text(pem, encoding="ascii")
    support.out.print(
        f"public key {row.key_id} ({row.fingerprint}) written to {escape(str(file))}", highlight=False
    )


def keys_trust_command(
    name: str = typer.Argument(..., help="the party whose key it is, e.g. 'ICRC CTA'"),
    file: Path = typer.Argument(..., help="their public key: PEM, or a file with the 64 hex digits"),
    fingerprint: str = typer.Option(
        "",
        "--fingerprint",
        help="the fingerprint the party told you by another channel; refused if it differs",
    ),
    reason: str = typer.Option("", "--reason", help="how the key was received and checked (audited)"),
    actor: str = typer.Option(None, "--as", help="the user doing it (for the audit trail)"),
) -> None:
    """Trust another party's public key: bundles signed with it then verify (audited)."""
    support.setup_django()
    from homecoming.app.audit import keys
    from homecoming.errors import ValidationError
    from homecoming.io import bundles

    data = support.run(lambda: support.existing(file)).read_bytes()
    user = support.run(lambda: support.user(actor))
    if fingerprint:
        public = support.run(lambda: keys._public_from(data, str(file)))
        if bundles.fingerprint(public) != fingerprint.strip():
            support.fail(
                ValidationError(
                    f"--fingerprint: the key in {file} has fingerprint {bundles.fingerprint(public)}, "
                    f"not {fingerprint}",
                    field="fingerprint",
                    value=fingerprint,
                    hint="do not trust this key; ask the party for it again",
                )
            )
    row = support.run(lambda: keys.trust(actor=user, name=name, data=data, source=str(file), reason=reason))
    support.out.print(f"trusted key {row.key_id} of {escape(row.name)}: {row.fingerprint}", highlight=False)


def keys_retire_command(
    key: str = typer.Argument(..., help="key id or fingerprint"),
    reason: str = typer.Option("", "--reason", help="why (audited)"),
    actor: str = typer.Option(None, "--as", help="the user doing it (for the audit trail)"),
) -> None:
    """Retire a key: it signs nothing more; what it signed before still verifies."""
    support.setup_django()
    from homecoming.app.audit import keys

    user = support.run(lambda: support.user(actor))
    row = support.run(lambda: keys.retire(actor=user, key_id=key, reason=reason))
    support.out.print(f"key {row.key_id} of {escape(row.name)} retired", highlight=False)


def keys_revoke_command(
    key: str = typer.Argument(..., help="key id or fingerprint"),
    reason: str = typer.Option(..., "--reason", help="why, e.g. 'laptop stolen' (audited)"),
    actor: str = typer.Option(None, "--as", help="the user doing it (for the audit trail)"),
) -> None:
    """Revoke a key (lost, stolen): nothing it signed is accepted any more."""
    support.setup_django()
    from homecoming.app.audit import keys

    user = support.run(lambda: support.user(actor))
    row = support.run(lambda: keys.revoke(actor=user, key_id=key, reason=reason))
    support.out.print(f"key {row.key_id} of {escape(row.name)} revoked", highlight=False)
