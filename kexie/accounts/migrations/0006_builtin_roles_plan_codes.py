from django.db import migrations


def refresh_roles(apps, schema_editor):
    from kexie.accounts.roles import ensure_builtin_roles

    ensure_builtin_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    """Give the built-in business roles the plan and ledger codes."""

    dependencies = [("accounts", "0005_refresh_builtin_roles")]

    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
