"""``homecoming audit ...``: verify the chain, sign and print its head, create the signing key."""

from __future__ import annotations

from pathlib import Path

import typer

from homecoming.commands import support


def audit_verify_command(
    head: list[str] = typer.Option(
        [],
        "--head",
        help="a head kept outside the database: the line `homecoming audit head` printed, or a file "
        "holding such lines (repeatable)",
    ),
    sign: bool = typer.Option(
        True, "--sign/--no-sign", help="sign a new head when the chain is intact (needs the signing key)"
    ),
) -> None:
    """Walk the audit chain, check the signed heads and compare the conclusion tables with their last
    audited state; name EVERY break (exit 7) or say it is intact."""
    support.setup_django()
    from homecoming.app.audit import heads, services
    from homecoming.app.audit.models import AuditRecord
    from homecoming.errors import HomecomingError, IntegrityError

    try:
        given = [h for text in head for h in heads.parse(text)]
        total = AuditRecord.objects.count()
        with support.progress() as bar:
            task = bar.add_task("verifying", total=total)
            report = services.verify(progress=lambda n: bar.update(task, completed=n), external_heads=given)
            bar.update(task, completed=report.checked)
    except HomecomingError as exc:
        support.fail(exc)
    for note in report.notes:
        support.err.print(f"note: {note}", highlight=False, soft_wrap=True, markup=False)
    if not report.ok:
        lines = [f"#{b.seq}: {b.problem}" if b.seq is not None else b.problem for b in report.breaks]
        support.fail(
            IntegrityError(
                (
                    f"audit chain broken at record #{report.first_broken_seq}"
                    if report.first_broken_seq is not None
                    else "audit check failed"
                )
                + f": {len(report.breaks)} problem(s) in {report.checked} records, "
                f"{report.heads_checked} signed head(s) and {report.rows_checked} audited rows\n  "
                + "\n  ".join(lines),
                field="seq",
                value=report.first_broken_seq,
                hint="investigate who changed the database",
            )
        )
    support.out.print(
        f"audit chain intact: {report.checked} records verified, {report.heads_checked} signed head(s), "
        f"{report.rows_checked} audited rows match their last audit record"
    )
    if sign and heads.key_path() is not None and report.checked:
        try:
            signed = heads.sign_last()
        except HomecomingError as exc:
            support.fail(exc)
        support.out.print(f"signed head #{signed.seq} stored", highlight=False)


def audit_head_command() -> None:
    """Sign the head of the audit chain now (needs HOMECOMING_AUDIT_SIGNING_KEY) and print it: keep the
    last line elsewhere (printed, sent to the intermediary) and give it to `audit verify --head`."""
    support.setup_django()
    from homecoming.app.audit import heads

    head = support.run(heads.sign_last)
    support.out.print(f"seq: {head.seq}", highlight=False)
    support.out.print(f"hash: {head.hash}", highlight=False)
    support.out.print(f"created: {head.created}", highlight=False)
    support.out.print(f"signature: {head.signature}", highlight=False)
    support.out.print(f"public key fingerprint: {head.fingerprint}", highlight=False)
    support.out.print(head.line(), highlight=False, soft_wrap=True, markup=False)


def audit_keygen_command(
    path: Path = typer.Argument(..., help="where to write the new private key (a file that must not exist)"),
) -> None:
    """Create the Ed25519 key that signs the audit head (mode 0600); keep it off the database server's
    backups and set HOMECOMING_AUDIT_SIGNING_KEY to its path."""
    from homecoming.app.audit import heads

    public = support.run(lambda: heads.create_key(path))
    support.out.print(f"signing key written to {path} (mode 0600)", highlight=False)
    support.out.print(f"public key: {public}", highlight=False)
    support.out.print(f"public key fingerprint: {heads.fingerprint(public)}", highlight=False)
    support.out.print(f"set HOMECOMING_AUDIT_SIGNING_KEY={path}", highlight=False)
