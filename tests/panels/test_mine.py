"""「我的评审」: an expert linked to a platform account answers their own panel invitations and
scores their own items, and reaches nothing of another expert's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.notifications.models import MailMessage, Notification
from kexie.panels import services
from kexie.panels.models import ItemScore, PanelSeat, ReviewItem
from kexie.people import services as people
from tests.panels.helpers import TODAY, build
from tests.personas import make_external, make_user


def _link(world, entry, address):
    account = make_external(address, full_name=entry.person.name)
    people.person_link_account(by=world.provincial_clerk, person=entry.person, address=address)
    return account


@pytest.fixture
def invited(world):
    """A round with two invited experts (冯自由1, 冯自由2); 冯自由1 has an external account."""
    round, a, b, x = build(world)
    by = world.provincial_clerk
    mine = services.seat_add(by=by, round=round, entry=x["free1"])
    other = services.seat_add(by=by, round=round, entry=x["free2"])
    expert = _link(world, x["free1"], "feng1@example.cn")
    services.seats_invite(by=by, round=round)
    return round, a, b, x, mine, other, expert


@pytest.fixture
def assigned(invited, world):
    round, a, b, x, mine, other, expert = invited
    services.assignment_run(by=world.provincial_clerk, round=round, today=TODAY)
    return round, a, b, x, mine, other, expert


def test_the_invitation_reaches_the_experts_account_with_the_link_to_my_reviews(invited):
    round, a, b, x, mine, other, expert = invited
    note = Notification.objects.get(recipient=expert)
    assert note.kind == "review_invitation" and note.get_kind_display() == "评审邀请"
    assert note.url == reverse("panels:mine")
    assert MailMessage.objects.get(to="feng1@example.cn").body.count(reverse("panels:mine")) == 1
    # An expert without an account is still written to at the person's address, with the link.
    assert reverse("panels:mine") in MailMessage.objects.get(to="free2@example.cn").body


def test_an_expert_accepts_their_own_invitation(invited, signed_in):
    round, a, b, x, mine, other, expert = invited
    client = signed_in(expert)
    page = client.get(reverse("panels:mine")).content.decode()
    assert 'id="invitations"' in page and round.title in page
    assert reverse("panels:my_seat_respond", args=[mine.pk]) in page
    assert reverse("panels:my_seat_respond", args=[other.pk]) not in page

    response = client.post(reverse("panels:my_seat_respond", args=[mine.pk]), {"answer": "accept"})

    assert response.status_code == 302 and response["Location"] == reverse("panels:mine")
    mine.refresh_from_db()
    assert mine.state == "confirmed"
    row = AuditLog.objects.filter(action="status", object_type="panels.panelseat", object_id=str(mine.pk)).get()
    assert row.user_id == expert.pk
    assert "已接受邀请" in client.get(reverse("panels:mine")).content.decode()


def test_a_drawn_expert_who_declines_calls_the_next_alternate(world, signed_in):
    round, a, b, x = build(world)
    by = world.provincial_clerk
    services.draw_run(by=by, round=round, conditions=[{"count": 2}], seed=20261207, alternates=2, today=TODAY)
    services.seats_invite(by=by, round=round)
    seat = PanelSeat.objects.filter(state="invited").order_by("pk").first()
    alternate = PanelSeat.objects.get(state="alternate", alternate_order=1)
    expert = _link(world, seat.entry, "drawn@example.cn")

    signed_in(expert).post(reverse("panels:my_seat_respond", args=[seat.pk]), {"answer": "decline"})

    seat.refresh_from_db()
    alternate.refresh_from_db()
    assert seat.state == "replaced" and alternate.state == "invited" and alternate.replaces == seat
    assert MailMessage.objects.filter(to=alternate.entry.person.email).exists()


def test_an_expert_cannot_answer_another_experts_seat(invited, signed_in):
    round, a, b, x, mine, other, expert = invited
    response = signed_in(expert).post(reverse("panels:my_seat_respond", args=[other.pk]), {"answer": "decline"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.seat_respond(by=expert, seat=other, accept=False)
    other.refresh_from_db()
    assert other.state == "invited"


def test_an_expert_scores_their_own_item_and_sees_no_other_score(assigned, world, signed_in):
    round, a, b, x, mine, other, expert = assigned
    services.score_submit(by=world.provincial_clerk, item=a, entry=x["free2"],
                          values={"innovation": 41, "benefit": 22}, comment="另一位专家的意见")
    client = signed_in(expert)
    listing = client.get(reverse("panels:mine")).content.decode()
    assert 'id="my-items"' in listing and reverse("panels:my_score", args=[a.pk]) in listing

    page = client.get(reverse("panels:my_score", args=[a.pk])).content.decode()
    assert a.title in page and "储能" in page
    assert "创新性（0至60分）" in page and "效益（0至40分）" in page
    assert "另一位专家的意见" not in page and 'id="ranking"' not in page

    response = client.post(reverse("panels:my_score", args=[a.pk]),
                           {"innovation": "52.5", "benefit": "30", "comment": "创新突出。"})

    assert response.status_code == 302
    row = ItemScore.objects.get(item=a, entry=x["free1"])
    assert str(row.total) == "82.50" and row.comment == "创新突出。" and row.submitted_by == expert
    assert AuditLog.objects.filter(action="score", object_id=str(a.pk)).latest("time").user_id == expert.pk


def test_bad_points_give_the_criterions_message_next_to_it_and_save_nothing(assigned, signed_in):
    round, a, b, x, mine, other, expert = assigned
    response = signed_in(expert).post(reverse("panels:my_score", args=[a.pk]),
                                      {"innovation": "70", "benefit": "30", "comment": "好"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“创新性”的得分必须是0至60之间的数。" in page and "has-error" in page
    assert not ItemScore.objects.filter(entry=x["free1"]).exists()

    response = signed_in(expert).post(reverse("panels:my_score", args=[a.pk]), {"innovation": "50", "benefit": ""})
    assert "请填写“效益”的得分。" in response.content.decode()
    assert not ItemScore.objects.filter(entry=x["free1"]).exists()


def test_an_expert_cannot_score_an_item_not_assigned_to_them(assigned, world, signed_in):
    round, a, b, x, mine, other, expert = assigned
    stranger = ReviewItem.objects.create(round=round, title="未分配的项目")  # no assignment
    client = signed_in(expert)
    assert client.get(reverse("panels:my_score", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("panels:my_score", args=[stranger.pk]),
                       {"innovation": "50", "benefit": "30"}).status_code == 404
    # Scoring for another expert is refused by the service itself.
    with pytest.raises(PermissionDenied):
        services.score_submit(by=expert, item=a, entry=x["free2"], values={"innovation": 50, "benefit": 30})
    with pytest.raises(ValidationError):
        services.score_submit(by=expert, item=stranger, entry=x["free1"], values={"innovation": 50, "benefit": 30})
    assert not ItemScore.objects.exists()


def test_scoring_closes_with_the_notice(assigned, world, signed_in):
    round, a, b, x, mine, other, expert = assigned
    round.status = "notice"
    round.save(update_fields=["status"])
    client = signed_in(expert)
    assert 'id="scoring-closed"' in client.get(reverse("panels:my_score", args=[a.pk])).content.decode()
    response = client.post(reverse("panels:my_score", args=[a.pk]), {"innovation": "50", "benefit": "30"})
    assert response.status_code == 400 and not ItemScore.objects.exists()


def test_a_staff_expert_reaches_my_reviews_too_and_an_unlinked_account_is_told_why(world, invited, signed_in):
    round, a, b, x, mine, other, expert = invited
    staff = make_user("staff_expert", world.prov_a, [], email="staff@example.cn")
    people.person_link_account(by=world.provincial_clerk, person=x["free2"].person, address="staff_expert")
    page = signed_in(staff).get(reverse("panels:mine")).content.decode()
    assert reverse("panels:my_seat_respond", args=[other.pk]) in page

    loner = make_external("loner@example.cn")
    page = signed_in(loner).get(reverse("panels:mine")).content.decode()
    assert 'id="no-person"' in page and round.title not in page


def test_the_external_accounts_page_links_to_my_reviews_once_linked(invited, signed_in):
    round, a, b, x, mine, other, expert = invited
    assert reverse("panels:mine") in signed_in(expert).get(reverse("accounts:me")).content.decode()
    loner = make_external("loner@example.cn")
    assert reverse("panels:mine") not in signed_in(loner).get(reverse("accounts:me")).content.decode()


def test_the_menu_offers_my_reviews_to_linked_accounts_only(invited, world):
    from kexie.core.context_processors import menu_for

    def urls(user):
        return [item["url"] for section in menu_for(user) for item in section["items"]]

    round, a, b, x, mine, other, expert = invited
    assert reverse("panels:mine") in urls(expert)
    assert reverse("panels:mine") not in urls(world.provincial_clerk)
    assert reverse("panels:mine") not in urls(make_external("loner@example.cn"))
    people.person_link_account(by=world.provincial_clerk, person=x["free2"].person,
                               address=world.provincial_clerk.username)
    world.provincial_clerk.refresh_from_db()
    assert reverse("panels:mine") in urls(world.provincial_clerk)


def test_the_score_page_of_an_award_nomination_shows_the_nominee_summary_and_materials(world, signed_in):
    from kexie.awards import services as awards
    from kexie.awards.models import Nomination
    from tests.awards.helpers import FORM as AWARD_FORM
    from tests.awards.helpers import expert as award_expert
    from tests.awards.helpers import open_call
    from tests.awards.helpers import person as award_person

    call = open_call(world)
    clerk, boss = world.provincial_clerk, world.national_clerk
    nomination = awards.nominate(by=clerk, call=call, organization=world.prov_a,
                                 nominee=award_person(clerk, world.prov_a, "赵一鸣"),
                                 materials=[{"title": "推荐书", "text": "在新型储能材料方面成果突出"}],
                                 summary="长期从事储能材料研究")
    awards.formal_close(by=boss, call=call)
    awards.formal_check(by=boss, nomination=nomination)
    round = awards.review_start(by=boss, call=call, data={"form": AWARD_FORM, "reviewers_per_item": 1,
                                                          "load_cap": 2})
    entry = award_expert(world, "冯自由")
    services.seat_add(by=boss, round=round, entry=entry)
    services.assignment_run(by=boss, round=round, today=TODAY)
    account = make_external("feng@example.cn")
    people.person_link_account(by=boss, person=entry.person, address="feng@example.cn")
    item = Nomination.objects.get(pk=nomination.pk).review_item

    page = signed_in(account).get(reverse("panels:my_score", args=[item.pk])).content.decode()

    assert 'id="nomination"' in page and "赵一鸣" in page and "长期从事储能材料研究" in page
    assert "推荐书" in page and "在新型储能材料方面成果突出" in page
    assert "学术水平（0至60分）" in page
