from django.db import migrations


def create_roles(apps, schema_editor):
    from kexie.accounts.roles import ensure_builtin_roles

    ensure_builtin_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
