"""The command that creates the three administrators of a new installation."""

from io import StringIO

from django.core.management import call_command

from kexie.accounts.models import User
from kexie.audit.models import AuditLog
from kexie.organizations.services import organization_create


def test_it_creates_three_separate_administrators_who_must_change_their_password(db):
    cast = organization_create(by=None, parent=None, name="中国科学技术协会", kind="national_association")
    out = StringIO()
    call_command("create_admins", stdout=out)
    lines = dict(line.split(": temporary password ") for line in out.getvalue().splitlines())
    assert set(lines) == {"sysadmin", "secadmin", "auditadmin"}
    for username, raw in lines.items():
        user = User.objects.get(username=username)
        assert user.check_password(raw) and user.must_change_password and user.needs_totp
        assert user.organization == cast and len({r.admin_kind for r in user.roles.all()}) == 1
    assert AuditLog.objects.filter(action="create", object_type="accounts.user").count() == 3
    again = StringIO()
    call_command("create_admins", stdout=again)
    assert "exists" in again.getvalue() and User.objects.count() == 3
