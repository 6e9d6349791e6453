from django.db import migrations


def refresh_roles(apps, schema_editor):
    from kexie.accounts.roles import ensure_builtin_roles

    ensure_builtin_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    """Give the built-in roles the society codes and add the review-panel expert role."""

    dependencies = [("accounts", "0009_position_is_head")]

    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
