from django.db import migrations


def refresh_roles(apps, schema_editor):
    from kexie.accounts.roles import ensure_builtin_roles

    ensure_builtin_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    """Give the built-in business roles the progress-tracking codes (report, review, supervise, deferral)."""

    dependencies = [("accounts", "0007_position_post_label")]

    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
