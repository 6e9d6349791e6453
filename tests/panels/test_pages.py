"""The round pages: the list in scope, and one round's items, panel (sealed names hidden),
conflicts with their reasons and ranking."""

from django.urls import reverse

from kexie.panels import services
from tests.panels.helpers import TODAY, build


def test_the_round_page_shows_conflicts_with_reasons_and_hides_a_sealed_panel(world, signed_in):
    round, a, b, x = build(world)
    services.draw_run(by=world.provincial_clerk, round=round, conditions=[{"count": 2}], seed=7, today=TODAY)
    client = signed_in(world.provincial_clerk)

    listing = client.get(reverse("panels:list")).content.decode()
    page = client.get(reverse("panels:detail", args=[round.pk])).content.decode()

    assert round.title in listing and "奖项提名评审" in listing
    assert "专家与被评对象同一单位" in page and "孙同单" in page and a.title in page
    assert "密封" in page and "冯自由" not in page
    services.draw_open(by=world.provincial_clerk, round=round)
    assert "冯自由" in client.get(reverse("panels:detail", args=[round.pk])).content.decode()


def test_another_province_gets_a_404(world, signed_in):
    round, a, b, x = build(world)
    client = signed_in(world.other_provincial_clerk)
    assert client.get(reverse("panels:detail", args=[round.pk])).status_code == 404
    assert round.title not in client.get(reverse("panels:list")).content.decode()
