"""``homecoming messages send-due``: the outbox of the families' e-mails and SMS, without a worker."""

from __future__ import annotations

import typer

from homecoming.commands import support


def send_due_command(
    limit: int = typer.Option(500, "--limit", min=1, help="Most messages tried in this run."),
) -> None:
    """Send the families' messages that are due, when no worker runs (e.g. from cron).

    One attempt at every queued message whose attempt is due; a temporary failure is tried again later, up
    to HOMECOMING_MESSAGE_ATTEMPTS attempts. Prints how many were sent, failed or wait.
    """
    support.setup_django()
    from homecoming.app.messaging import services

    counts = support.run(lambda: services.send_due(limit))
    total = sum(counts.values())
    parts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
    support.out.print(f"{total} message(s) due" + (f": {parts}" if parts else ""), markup=False)
