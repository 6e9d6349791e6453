"""The inbox page, the unread count in the top bar, and the API: a user sees only their own."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kexie.notifications.models import Notification
from kexie.notifications.services import notify


def tell(user, key, title, url=""):
    notify(recipients=[user], kind="reminder", title=title, body="请按时报送。", url=url, key=key, mail=False)
    return Notification.objects.get(dedupe_key__startswith=f"{key}|")


def test_the_inbox_lists_own_notifications_unread_first(world, signed_in):
    clerk = world.provincial_clerk
    old = tell(clerk, "a", "旧的提醒")
    read = tell(clerk, "b", "已读的提醒")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    new = tell(clerk, "c", "新的提醒")
    tell(world.other_provincial_clerk, "d", "乙省的提醒")
    page = signed_in(clerk).get(reverse("notifications:inbox")).content.decode()
    assert page.index("新的提醒") < page.index("旧的提醒") < page.index("已读的提醒")
    assert "乙省的提醒" not in page
    assert f'id="notification-{new.pk}" class="unread"' in page
    # The top bar counts the two unread ones.
    assert '<span id="unread-badge" class="badge" title="未读通知">2</span>' in page


def test_the_unread_count_costs_one_query(world, signed_in):
    for n in range(3):
        tell(world.provincial_clerk, f"k{n}", f"提醒{n}")
    client = signed_in(world.provincial_clerk)
    url = reverse("accounts:profile")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    counts = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()
    assert 'class="badge" title="未读通知">3</span>' in page


def test_marking_one_read_with_htmx_updates_the_row_and_the_badge(world, signed_in):
    first = tell(world.provincial_clerk, "a", "第一条")
    tell(world.provincial_clerk, "b", "第二条")
    response = signed_in(world.provincial_clerk).post(reverse("notifications:read", args=[first.pk]),
                                                      HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert f'id="notification-{first.pk}" class="read"' in html
    assert 'hx-swap-oob="true"' in html and ">1</span>" in html
    first.refresh_from_db()
    assert first.read_at is not None


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(world, signed_in):
    notification = tell(world.provincial_clerk, "a", "提醒", url="/ledger/")
    response = signed_in(world.provincial_clerk).post(reverse("notifications:read", args=[notification.pk]),
                                                      {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/ledger/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_users_notification_is_not_found_and_stays_unread(world, signed_in):
    theirs = tell(world.other_provincial_clerk, "a", "乙省的提醒")
    client = signed_in(world.provincial_clerk)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("api:notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_ones_own(world, signed_in):
    tell(world.provincial_clerk, "a", "一")
    tell(world.provincial_clerk, "b", "二")
    theirs = tell(world.other_provincial_clerk, "c", "乙省的提醒")
    response = signed_in(world.provincial_clerk).post(reverse("notifications:read_all"), HTTP_HX_REQUEST="true")
    assert 'id="unread-badge" class="badge" hx-swap-oob="true"' in response.content.decode()
    assert not Notification.objects.filter(recipient=world.provincial_clerk, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_lists_own_notifications_and_marks_one_read(world, signed_in):
    mine = tell(world.provincial_clerk, "a", "我的提醒")
    tell(world.provincial_clerk, "b", "另一条")
    tell(world.other_provincial_clerk, "c", "乙省的提醒")
    client = signed_in(world.provincial_clerk)
    listing = client.get(reverse("api:notification-list")).json()
    assert listing["count"] == 2 and {row["title"] for row in listing["results"]} == {"我的提醒", "另一条"}
    row = client.post(reverse("api:notification-read", args=[mine.pk])).json()
    assert row["unread"] is False and row["kind_display"] == "提醒"
    unread = client.get(reverse("api:notification-list"), {"unread": "true"}).json()
    assert [r["title"] for r in unread["results"]] == ["另一条"]
