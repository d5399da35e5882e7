"""The external ids of imported list rows, recorded until now only in the import's audit records, become
``ExternalRecord`` rows of the system ``list`` (an indexed look-up instead of a scan of the audit table)."""

from typing import Any

from django.db import migrations


def backfill(apps: Any, schema_editor: Any) -> None:
    AuditRecord = apps.get_model("audit", "AuditRecord")
    ExternalRecord = apps.get_model("registry", "ExternalRecord")
    Person = apps.get_model("registry", "Person")
    records = AuditRecord.objects.filter(object_type="registry.person", action="import").order_by("seq")
    batch: list[Any] = []
    seen: set[str] = set()
    existing = set(Person.objects.values_list("pk", flat=True)) if records.exists() else set()
    for object_id, after, created in records.values_list("object_id", "after", "created").iterator(2000):
        external = (after or {}).get("external_id")
        if not external or str(external) in seen or not str(object_id).isdigit():
            continue
        if int(object_id) not in existing:
            continue
        seen.add(str(external))
        batch.append(
            ExternalRecord(
                system="list", kind="person", record_id=str(external)[:500], person_id=int(object_id), imported=created
            )
        )
    ExternalRecord.objects.bulk_create(batch, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_linkage_insert_only"), ("audit", "0006_signing_keys")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
