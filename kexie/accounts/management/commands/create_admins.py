"""Create the three administrator accounts of a new installation (三员分立).

Each gets a temporary password, printed once; at first sign-in each must change it and enrol a
second factor. Accounts that already exist are left alone, so the command is safe to re-run.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kexie.accounts.models import Role, User
from kexie.accounts.services import user_create
from kexie.organizations.models import Organization

ADMINS = [
    ("sysadmin", "系统管理员", "system_admin"),
    ("secadmin", "安全管理员", "security_admin"),
    ("auditadmin", "审计管理员", "audit_admin"),
]


class Command(BaseCommand):
    help = "Create the system, security and audit administrator accounts with temporary passwords."

    def add_arguments(self, parser):
        parser.add_argument("--organization", help="name or id of the organisation they belong to "
                                                   "(default: the top-level organisation)")

    def handle(self, *args, **options):
        organization = self._organization(options.get("organization"))
        with transaction.atomic():
            for username, full_name, role_code in ADMINS:
                if User.objects.filter(username=username).exists():
                    self.stdout.write(f"{username}: exists, left unchanged")
                    continue
                role = Role.objects.get(code=role_code)
                _user, raw = user_create(by=None, username=username, full_name=full_name,
                                         organization=organization, roles=[role])
                self.stdout.write(f"{username}: temporary password {raw}")

    @staticmethod
    def _organization(value):
        if not value:
            return Organization.objects.filter(parent__isnull=True).order_by("id").first()
        query = Organization.objects.filter(pk=value) if value.isdigit() else Organization.objects.filter(name=value)
        organization = query.first()
        if organization is None:
            raise CommandError(f"No organisation {value!r}.")
        return organization
