"""``homecoming lists sign`` and ``homecoming lists verify``: lists as signed bundles."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from homecoming.commands import support


def lists_sign_command(
    bundle: Path = typer.Argument(..., help="the bundle to write: a new folder, or a file ending .zip"),
    kind: str = typer.Option(
        ...,
        "--list",
        help="persons | dead | prisoners | manifest | pfif | files (see docs/formats/signed-lists.md)",
    ),
    manifest_version: int = typer.Option(
        None, "--manifest-version", help="with --list manifest: the version id"
    ),
    file: list[Path] = typer.Option([], "--file", help="with --list files: a file to sign (repeatable)"),
    actor: str = typer.Option(None, "--as", help="the user signing (for the audit trail and the manifest)"),
) -> None:
    """Write a list as CSV and JSON with a manifest of SHA-256 digests signed by the organisation's key."""
    support.setup_django()
    from homecoming.app import signed_lists
    from homecoming.app.audit import keys

    user = support.run(lambda: support.user(actor))
    row = support.run(keys.current)
    passphrase = keys.passphrase_from_environment()
    if not passphrase and keys.is_encrypted(row):
        passphrase = str(typer.prompt(f"passphrase of key {row.key_id}", hide_input=True))
    with support.progress() as bar:
        bar.add_task(f"signing {kind}", total=None)
        manifest = support.run(
            lambda: signed_lists.sign(
                actor=user,
                target=bundle,
                kind=kind,
                passphrase=passphrase,
                manifest_version=manifest_version,
                files=file,
            )
        )
    rows = manifest["list"].get("rows")
    support.out.print(
        f"signed {escape(manifest['list']['description'])}"
        + (f" ({rows} rows)" if rows is not None else "")
        + f" with key {manifest['key']['key_id']} ({manifest['key']['fingerprint']})"
        + f" to {escape(str(bundle))}",
        highlight=False,
    )
    for f in manifest["files"]:
        support.out.print(f"  {escape(f['name'])}  sha256:{f['sha256']}  {f['bytes']} bytes", highlight=False)


def lists_verify_command(
    bundle: Path = typer.Argument(..., help="a bundle: the folder or .zip `lists sign` wrote"),
) -> None:
    """Verify a received bundle: a changed, added or removed file, or a key that is not trusted, is
    refused and named (exit 2); otherwise say what the list is, who signed it and when."""
    support.setup_django()
    from homecoming.app import signed_lists

    verified = support.run(lambda: signed_lists.verify(bundle))
    d = signed_lists.describe(verified)
    support.out.print(f"bundle {escape(bundle.name)} verified", highlight=False)
    support.out.print(f"list: {d['list']['kind']}: {escape(str(d['list']['description']))}", highlight=False)
    support.out.print(
        f"signed by {escape(str(d['signed_by']))} of {escape(str(d['organisation']))} on {d['created']}",
        highlight=False,
    )
    support.out.print(f"key: {escape(d['key'])} {d['fingerprint']}", highlight=False)
    for f in d["files"]:
        support.out.print(f"  {escape(f['name'])}  sha256:{f['sha256']}  {f['bytes']} bytes", highlight=False)
