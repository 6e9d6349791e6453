"""Plan targets count proposals, adoptions and bulletin issues of an organisation's subtree."""

import datetime as dt

from kexie.plans import measures
from kexie.proposals import services
from tests.proposals.helpers import open_campaign, submit


def test_the_plan_measures_count_the_subtree_in_the_period(world):
    clerk = world.provincial_clerk
    campaign = open_campaign(world)
    first, second = submit(world, campaign), submit(world, campaign, title="第二条建议")
    services.valuation_record(by=clerk, submission=first, grade="A")
    services.submission_decide(by=clerk, submission=first, selected=True)
    bulletin = services.bulletin_create(by=clerk, organization=world.prov_a, data={"series": "科技智库建言", "year": 2026})
    services.bulletin_entries_set(by=clerk, bulletin=bulletin, entries=[{"submission": first}])
    services.bulletin_issue(by=clerk, bulletin=bulletin, issued_on=dt.date(2026, 5, 15))
    services.adoption_record(by=clerk, submission=first, note="已采纳", day=dt.date(2026, 6, 1))

    assert measures.value("proposals.submitted", world.cast) == 2
    assert measures.value("proposals.submitted", world.prov_b) == 0
    assert measures.value("proposals.bulletins", world.prov_a, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 1
    assert measures.value("proposals.bulletins", world.prov_a, dt.date(2026, 6, 1), None) == 0
    assert measures.value("proposals.adopted", world.cast, dt.date(2026, 6, 1), dt.date(2026, 6, 30)) == 1
    assert second.status == "submitted"
