"""``homecoming tracing purge``: the retention of the families' contacts on closed tracing requests."""

from __future__ import annotations

import typer

from homecoming.commands import support


def purge_command(
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be purged; change nothing."),
    username: str | None = typer.Option(
        None, "--as", help="The user purging (audited; default: the system)."
    ),
) -> None:
    """Purge the family's contacts (name, phone, e-mail) and photos of tracing requests closed for more than
    HOMECOMING_TRACING_RETENTION_DAYS days. The sought person, the casework and the releases stay; the audit
    trail keeps a keyed digest of what was removed. Run it daily (e.g. from cron)."""
    support.setup_django()
    from homecoming.app.tracing import retention

    def go() -> list[str]:
        actor = support.user(username)
        found = retention.due()
        if dry_run:
            return [r.reference for r in found]
        return [r.reference for r in retention.purge_due(actor=actor)]

    refs = support.run(go)
    verb = "would purge" if dry_run else "purged"
    listed = ": " + ", ".join(refs) if refs else ""
    support.out.print(f"{verb} the contacts of {len(refs)} closed request(s){listed}")
