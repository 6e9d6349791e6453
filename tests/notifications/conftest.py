"""The tracking fixtures (a national plan cascaded to 甲省 and 乙省), and the people to tell.

April 2026's cycle closes on 30 April and is due on 5 May: reminders go from 2 May, urging
notices from 6 May, escalations to a unit's head from 9 May (the defaults: 3 and 3 days).
"""

import datetime as dt

import pytest

from kexie.accounts.models import Position
from tests.personas import make_user
from tests.tracking.conftest import cascaded, national  # noqa: F401 - fixtures used here

REMIND_DAY = dt.date(2026, 5, 2)
DUE_DAY = dt.date(2026, 5, 5)
URGE_DAY = dt.date(2026, 5, 6)
ESCALATE_DAY = dt.date(2026, 5, 9)


@pytest.fixture
def heads(world):
    """甲省's head holds a current position marked head; 乙省 has none, only a contact address."""
    jia_head = make_user("jia_head", world.cast, [], full_name="甲省科协主席", email="jia.head@example.cn")
    Position.objects.create(user=jia_head, organization=world.prov_a, title="主席", is_head=True)
    former = make_user("jia_former_head", world.cast, [], full_name="甲省科协原主席", email="former@example.cn")
    Position.objects.create(user=former, organization=world.prov_a, title="原主席", is_head=True,
                            ended_on=dt.date(2026, 1, 31))
    world.prov_b.contact_email = "office@yi.example.cn"
    world.prov_b.save(update_fields=["contact_email"])
    return jia_head
