# The app's first migration holds no table: its two parts (screening, reports) add theirs after it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []
    operations: list[migrations.operations.base.Operation] = []
