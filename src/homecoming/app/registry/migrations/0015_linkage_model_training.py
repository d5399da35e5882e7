"""registry.train_linkage_model: who may train the registry's linkage model and put it in force."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0014_pair_keys")]

    operations = [
        migrations.AlterModelOptions(
            name="linkagemodel",
            options={
                "ordering": ["-at", "-id"],
                "permissions": [
                    ("train_linkage_model", "Can train the registry's linkage model and put it in force")
                ],
                "verbose_name": "linkage model",
            },
        ),
    ]
