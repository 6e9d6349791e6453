from django.db import migrations


def refresh_roles(apps, schema_editor):
    from kexie.accounts.roles import ensure_builtin_roles

    ensure_builtin_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    """Give the built-in roles their current permission codes (the national clerk may unmask)."""

    dependencies = [("accounts", "0004_totp_replay_guard_and_unlock_event")]

    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
