"""The entry rules each station type starts with (editable afterwards on the rules page)."""

from django.db import migrations

from kexie.stations.rules import ensure_default_rules


def seed(apps, schema_editor):
    ensure_default_rules(apps.get_model("stations", "StationRule"))


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
