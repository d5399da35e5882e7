"""Every person gets the pair keys of their name forms (surname and given name together,
``linkage.names.pair_keys``), which the import preview's pool looks up."""

from typing import Any

from django.db import migrations

from homecoming.linkage.names import pair_keys


def backfill(apps: Any, schema_editor: Any) -> None:
    NameForm = apps.get_model("registry", "NameForm")
    NameKey = apps.get_model("registry", "NameKey")
    batch: list[Any] = []
    forms = NameForm.objects.order_by("person_id", "id").values_list("person_id", "family_name", "given_name")
    last: tuple[int, set[str]] = (0, set())
    for person_id, family, given in forms.iterator(5000):
        if person_id != last[0]:
            last = (person_id, set())
        for key in pair_keys(family or "", given or "") - last[1]:
            last[1].add(key)
            batch.append(NameKey(person_id=person_id, key=key))
        if len(batch) >= 5000:
            NameKey.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    NameKey.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("registry", "0013_list_external_ids")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
