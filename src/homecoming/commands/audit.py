"""``homecoming audit verify``: walk the audit chain."""

from __future__ import annotations

from homecoming.commands import support


def audit_verify_command() -> None:
    """Walk the audit chain; name the first broken record (exit 7) or say it is intact."""
    support.setup_django()
    from homecoming.app.audit import services
    from homecoming.app.audit.models import AuditRecord
    from homecoming.errors import IntegrityError

    total = AuditRecord.objects.count()
    with support.progress() as bar:
        task = bar.add_task("verifying", total=total)
        report = services.verify(progress=lambda n: bar.update(task, completed=n))
        bar.update(task, completed=report.checked)
    if not report.ok:
        support.fail(
            IntegrityError(
                f"audit chain broken at record #{report.first_broken_seq} (id {report.first_broken_id}): "
                f"{report.problem}; {report.checked - 1} records before it are intact",
                field="seq",
                value=report.first_broken_seq,
                hint="investigate who changed the database",
            )
        )
    support.out.print(f"audit chain intact: {report.checked} records verified")
