"""The recomputation epoch now belongs to the audit app (its table stays; only the state moves)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("dashboard", "0006_org_tally_filled"),
        ("audit", "0004_recompute_epoch_moved_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RecomputeEpoch")],
            database_operations=[],
        ),
    ]
