"""Check-in: a ticket counts once (a second scan answers when it was checked in), check-out,
waiting and cancelled tickets refused, the offline batch synced twice counting once, ticking the
printed list, the roster's Excel copy, certificates read back from the PDF, the account's own
pages showing only its own tickets, the home page section — and, on PostgreSQL, concurrent scans
of the same tickets counting each once."""

import io
import json
import threading

import openpyxl
import pdfplumber
import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from kexie.activities import registration as reg
from kexie.activities.models import Registration
from kexie.audit.models import AuditLog
from tests.activities.test_registration import open_activity, people


def scan(client, activity, code, op="in"):
    return client.post(reverse("activities:checkin_scan", args=[activity.pk]), {"code": code, "op": op},
                       HTTP_ACCEPT="application/json")


def test_a_ticket_checks_in_once_and_a_second_scan_says_when(world, signed_in):
    a = open_activity(world)
    (u,) = people(1)
    r = reg.register(by=u, activity=a)
    clerk = signed_in(world.provincial_clerk)
    first = scan(clerk, a, r.ticket)
    assert first.status_code == 200 and first.json()["outcome"] == "ok" and first.json()["checked_in"] == 1
    second = scan(clerk, a, r.ticket)
    r.refresh_from_db()
    assert second.json()["outcome"] == "already"
    assert f"已于 {timezone.localtime(r.checked_in_at):%H:%M} 签到" in second.json()["message"]
    assert reg.attendance(a)["checked_in"] == 1 and r.checkin_source == "scan"
    assert AuditLog.objects.filter(action="checkin", object_id=str(r.pk)).count() == 1
    # The page without its script answers the same, as HTML.
    page = clerk.post(reverse("activities:checkin_scan", args=[a.pk]), {"code": r.ticket})
    assert "已于" in page.content.decode()
    # A QR code carrying an address still reads as its code.
    assert scan(clerk, a, f"https://example.cn/t/{r.ticket}").json()["outcome"] == "already"


def test_check_out_after_check_in_once(world, signed_in):
    a = open_activity(world)
    (u,) = people(1)
    r = reg.register(by=u, activity=a)
    clerk = signed_in(world.provincial_clerk)
    assert scan(clerk, a, r.ticket, "out").json()["outcome"] == "refused"
    scan(clerk, a, r.ticket)
    assert scan(clerk, a, r.ticket, "out").json()["outcome"] == "ok"
    assert scan(clerk, a, r.ticket, "out").json()["outcome"] == "already"
    assert reg.attendance(a)["checked_out"] == 1


def test_waiting_cancelled_unknown_and_other_activitys_tickets_are_refused(world, signed_in):
    a = open_activity(world, capacity=1)
    other = open_activity(world, title="另一场沙龙")
    u1, u2, u3 = people(3)
    reg.register(by=u1, activity=a)
    waiting = reg.register(by=u2, activity=a)
    elsewhere = reg.register(by=u3, activity=other)
    cancelled = reg.register_for(by=world.provincial_clerk, activity=other, name="周老师")
    reg.cancel_by_staff(by=world.provincial_clerk, registration=cancelled)
    clerk = signed_in(world.provincial_clerk)
    answer = scan(clerk, a, waiting.ticket)
    assert answer.status_code == 400 and "候补" in answer.json()["message"]
    assert "本活动没有这个票号" in scan(clerk, a, elsewhere.ticket).json()["message"]
    assert "已取消" in scan(clerk, other, cancelled.ticket).json()["message"]
    assert scan(clerk, a, "").json()["outcome"] == "refused"
    assert reg.attendance(a)["checked_in"] == 0 and reg.attendance(other)["checked_in"] == 0


def test_an_offline_batch_synced_twice_counts_once(world, signed_in):
    a = open_activity(world)
    regs = [reg.register(by=u, activity=a) for u in people(3)]
    clerk = signed_in(world.provincial_clerk)
    roster = clerk.get(reverse("activities:checkin_roster", args=[a.pk])).json()
    assert {t["code"] for t in roster["tickets"]} == {r.ticket for r in regs}
    batch = {"scans": [{"code": regs[0].ticket, "op": "in", "at": "2026-01-01T09:05:00+08:00", "device": "phone-1"},
                       {"code": regs[1].ticket, "op": "in", "at": "2026-01-01T09:06:00+08:00", "device": "phone-1"},
                       {"code": regs[0].ticket, "op": "in", "at": "2026-01-01T09:07:00+08:00", "device": "phone-2"},
                       {"code": regs[1].ticket, "op": "out", "at": "2026-01-01T11:00:00+08:00", "device": "phone-1"},
                       {"code": "nonsense", "op": "in"}, {"op": "dance"}]}
    url = reverse("activities:checkin_sync", args=[a.pk])
    first = clerk.post(url, json.dumps(batch), content_type="application/json").json()
    assert [r["outcome"] for r in first["results"]] == ["ok", "ok", "already", "ok", "refused", "refused"]
    assert first["counted"] == 3 and first["checked_in"] == 2
    second = clerk.post(url, json.dumps(batch), content_type="application/json").json()
    assert second["counted"] == 0 and second["checked_in"] == 2
    regs[0].refresh_from_db()
    assert regs[0].checkin_source == "offline" and regs[0].device == "phone-1"
    assert timezone.localtime(regs[0].checked_in_at).strftime("%H:%M") == "09:05"
    assert clerk.post(url, "not json", content_type="application/json").status_code == 400


def test_the_printed_list_ticked_checks_in_once_and_the_roster_exports(world, signed_in):
    a = open_activity(world)
    regs = [reg.register_for(by=world.provincial_clerk, activity=a, name=f"代报名{i}", unit="甲省科学院")
            for i in range(3)]
    clerk = signed_in(world.provincial_clerk)
    roster_page = clerk.get(reverse("activities:roster", args=[a.pk])).content.decode()
    assert all(r.name in roster_page and r.ticket in roster_page for r in regs)
    url = reverse("activities:list_checkin", args=[a.pk])
    assert clerk.post(url, {"came": [regs[0].pk, regs[2].pk]}).status_code == 302
    clerk.post(url, {"came": [regs[0].pk]})
    assert reg.attendance(a)["checked_in"] == 2
    assert Registration.objects.get(pk=regs[0].pk).checkin_source == "list"
    book = openpyxl.load_workbook(io.BytesIO(clerk.get(reverse("activities:roster_export", args=[a.pk])).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][1] == "姓名" and {row[1]: row[5] for row in rows[2:]} == {
        "代报名0": "☑", "代报名1": "☐", "代报名2": "☑"}
    # The activity page shows the attendance from the same selector.
    detail = clerk.get(reverse("activities:detail", args=[a.pk])).content.decode()
    assert 'id="attendance-checked-in">2<' in detail


def test_certificates_for_the_attendee_and_for_staff(world, signed_in):
    a = open_activity(world)
    u1, u2 = people(2)
    came, absent = reg.register(by=u1, activity=a), reg.register(by=u2, activity=a)
    reg.check_in(by=world.provincial_clerk, activity=a, code=came.ticket)
    attendee = signed_in(u1)
    response = attendee.get(reverse("activities:my_certificate", args=[came.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert came.name in text and "参会证明" in text
    assert signed_in(u2).get(reverse("activities:my_certificate", args=[absent.pk])).status_code == 404
    staff = signed_in(world.provincial_clerk).get(reverse("activities:certificates", args=[a.pk]))
    with pdfplumber.open(io.BytesIO(staff.content)) as pdf:
        assert len(pdf.pages) == 1 and came.name in pdf.pages[0].extract_text()


def test_the_accounts_own_pages_show_only_its_own_tickets(world, signed_in):
    a = open_activity(world)
    mine_user, other_user = people(2)
    client = signed_in(mine_user)
    board = client.get(reverse("activities:open")).content.decode()
    assert a.title in board
    assert client.post(reverse("activities:register", args=[a.pk]), {"unit": "河南大学", "mobile": "13800005678"}
                       ).status_code == 302
    mine = Registration.objects.get(account=mine_user)
    theirs = reg.register(by=other_user, activity=a)
    page = client.get(reverse("activities:my_registrations")).content.decode()
    assert mine.ticket in page and theirs.ticket not in page and "<svg" in page
    assert "138****5678" in page and "13800005678" not in page
    assert client.post(reverse("activities:my_cancel", args=[theirs.pk])).status_code == 404
    # The home page section lists the account's own registrations only.
    items = reg.home_items(mine_user)
    assert [i.title for i in items] == [a.title] and items[0].action_url
    home = client.get(reverse("accounts:me")).content.decode()
    assert "我的活动" in home and a.title in home
    assert client.post(reverse("activities:my_cancel", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.status == "cancelled"


def test_staff_register_on_behalf_and_see_the_list(world, signed_in):
    a = open_activity(world, capacity=1)
    clerk = signed_in(world.provincial_clerk)
    url = reverse("activities:register_for", args=[a.pk])
    assert clerk.post(url, {"name": "孙研究员", "unit": "甲省科学院", "mobile": "13700001234"}).status_code == 302
    assert clerk.post(url, {"name": "吴工程师"}).status_code == 302
    refused = clerk.post(url, {"name": "郑博士", "mobile": "12ab"})
    assert refused.status_code == 400 and "手机号码" in refused.content.decode()
    page = clerk.get(reverse("activities:registrations", args=[a.pk])).content.decode()
    assert "孙研究员" in page and "吴工程师" in page and "137****1234" in page and "候补" in page


@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_of_the_same_tickets_count_once_each():
    """Eight threads scan the same twenty tickets at once: twenty check-ins, no double count."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections need PostgreSQL")
    from tests.personas import build_world

    world = build_world()
    a = open_activity(world)
    regs = [reg.register_for(by=world.provincial_clerk, activity=a, name=f"并发{i}") for i in range(20)]
    counted = []
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            counted.append(sum(reg.check_in(by=world.provincial_clerk, activity=a, code=r.ticket).counted
                               for r in regs))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counted) == 20 and reg.attendance(a)["checked_in"] == 20
    assert AuditLog.objects.filter(action="checkin", object_type="activities.registration").count() == 20



def test_staff_register_a_person_record_and_the_activity_page_lists_registrations(world, signed_in):
    from tests.people.helpers import person

    a = open_activity(world)
    expert = person(world, "冯研究员", organization=world.prov_a, phone="13600001111")
    clerk = signed_in(world.provincial_clerk)
    assert clerk.post(reverse("activities:register_for", args=[a.pk]), {"person": expert.pk}).status_code == 302
    r = Registration.objects.get(activity=a)
    assert r.person == expert and r.name == "冯研究员" and r.mobile == "13600001111"
    assert r.unit == "甲省大学"
    outside = person(world, "乙省专家", by=world.national_clerk, organization=world.prov_b)
    assert clerk.post(reverse("activities:register_for", args=[a.pk]), {"person": outside.pk}).status_code == 400
    detail = clerk.get(reverse("activities:detail", args=[a.pk])).content.decode()
    assert 'id="panel-registrations"' in detail and "冯研究员" in detail
