"""The recomputation epoch moves from the dashboard app to the audit app, where the data's
generation (``kexie.audit.freshness``) now lives for the whole project. Its table stays as it is:
only the migration state moves."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_action_labels"),
        ("dashboard", "0006_org_tally_filled"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RecomputeEpoch",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("value", models.BigIntegerField(default=0)),
                    ],
                    options={"verbose_name": "recomputation epoch", "db_table": "dashboard_recomputeepoch"},
                ),
            ],
            database_operations=[],
        ),
    ]
