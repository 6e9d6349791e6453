"""The suite's own guarantee: a transactional test empties the tables when it ends, and the rows
the migrations seed come back, so a test after it on the same worker sees a migrated database."""

from django.core.management import call_command

from kexie.accounts.models import Role
from kexie.accounts.roles import BUILTIN_ROLES
from kexie.selection.models import FlagRule
from kexie.selection.rules import DEFAULT_RULES


def test_a_flush_puts_back_the_seeded_roles_and_rules(transactional_db):
    call_command("flush", interactive=False, verbosity=0)

    assert set(Role.objects.values_list("code", flat=True)) == {role[0] for role in BUILTIN_ROLES}
    assert FlagRule.objects.count() == len(DEFAULT_RULES)
