"""Alignment on the real plans, imported as a user would: the Jilin 2022 plan (000) as 甲省's and
the Guizhou 2022 work points (001) as 乙省's, aligned to the CAST 2018 key tasks (004) as 中国科协's.

The judged pairs are the ones of docs/alignment.md, kept as data by the textsim tests; here they
are checked on what the screen stores and shows, after the reviewed import."""

import glob
import os

import pytest
from django.urls import reverse

from kexie.docparse import read_file
from kexie.plans.alignment import alignment_accept_strong, alignment_coverage
from kexie.plans.models import AlignmentStatus, ItemAlignment, PlanAlignment
from kexie.textsim import DEFAULT_THRESHOLD
from tests.conftest import require_shared
from tests.plans.ledger_world import confirmed_plan
from tests.textsim.test_align_seeds import EXPECTED, NOTHING

pytestmark = pytest.mark.django_db


def _text(prefix: str) -> str:
    paths = glob.glob(os.path.join(require_shared("seeds"), f"{prefix}_*.txt"))
    assert paths, f"seed {prefix} missing"
    return read_file(paths[0])


@pytest.fixture
def seeds(world, signed_in):
    """The three plans imported and confirmed, and the two provinces' alignments started on the screen."""
    texts = {prefix: _text(prefix) for prefix in ("000", "001", "004")}
    upper = confirmed_plan(world, clerk=world.national_clerk, organization=world.cast, text=texts["004"])
    lower = {
        "000": (confirmed_plan(world, clerk=world.provincial_clerk, organization=world.prov_a, text=texts["000"]),
                world.provincial_clerk),
        "001": (confirmed_plan(world, clerk=world.other_provincial_clerk, organization=world.prov_b,
                               text=texts["001"]), world.other_provincial_clerk),
    }
    alignments = {}
    for doc, (plan, clerk) in lower.items():
        client = signed_in(clerk)
        detail = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
        assert "与上级规划对标" in detail  # the national plan exists above the province
        chooser = client.get(reverse("plans:alignment", args=[plan.pk])).content.decode()
        assert upper.title in chooser
        response = client.post(reverse("plans:alignment", args=[plan.pk]), {"upper_plan": upper.pk})
        assert response.status_code == 302
        alignments[doc] = PlanAlignment.objects.get(plan=plan, upper_plan=upper)
    return upper, lower, alignments


def _stored(alignments) -> dict:
    """(document, lower key) -> the stored row, with its suggestions' upper keys in rank order."""
    out = {}
    for doc, alignment in alignments.items():
        for row in ItemAlignment.objects.filter(alignment=alignment).select_related("item", "upper_item"):
            row.suggested = [s.upper_item.key for s in row.suggestions.select_related("upper_item").order_by("rank")]
            out[(doc, row.item.key)] = row
    return out


def test_the_stored_suggestions_are_the_ones_judged_right(seeds):
    _upper, _lower, alignments = seeds
    rows = _stored(alignments)
    wrong_first = []
    for pair, accepted in sorted(EXPECTED.items()):
        row = rows[pair]
        assert accepted & set(row.suggested), f"{pair} {row.item.title}: {row.suggested}, judged {sorted(accepted)}"
        assert row.status == AlignmentStatus.SUGGESTED and row.rank == 1 and row.upper_item.key == row.suggested[0]
        if row.upper_item.key not in accepted:
            wrong_first.append(pair)
    # The same allowance as the package's own test (21 of 21 when docs/alignment.md was written).
    assert len(wrong_first) <= len(EXPECTED) - 18, wrong_first
    for pair in NOTHING:
        assert rows[pair].score < DEFAULT_THRESHOLD, (pair, rows[pair].item.title, rows[pair].score)


def test_coverage_lists_the_upper_tasks_judged_unanswered(seeds):
    _upper, _lower, alignments = seeds
    reports = {doc: alignment_coverage(alignment) for doc, alignment in alignments.items()}
    for doc, report in reports.items():
        uncovered = {it.key for it in report.uncovered}
        # International tasks and the 2018 one-off congress: no province plans them.
        assert {"2.10.1", "2.10.3", "2.9.6"} <= uncovered, doc
    assert not {"2.9.1", "2.9.5", "2.5.2", "2.7.7"} & {it.key for it in reports["000"].uncovered}
    assert "2.7.4" not in {it.key for it in reports["001"].uncovered}
    assert "3.1.4" in {it.key for it in reports["000"].unaligned}
    assert "1.1" in {it.key for it in reports["001"].unaligned}


def test_accepting_the_strong_suggestions_takes_only_right_ones_on_the_judged_pairs(seeds, world):
    _upper, lower, alignments = seeds
    for doc, alignment in alignments.items():
        before = alignment_coverage(alignment)
        accepted = alignment_accept_strong(by=lower[doc][1], alignment=alignment)
        assert accepted == before.strong_undecided > 0
        after = alignment_coverage(alignment)
        assert {it.key for it in after.covered} == {it.key for it in before.covered} and not after.tentative
    rows = _stored(alignments)
    taken = {pair: row for pair, row in rows.items() if row.status == AlignmentStatus.ACCEPTED}
    # Among the judged items, a strong first suggestion is right (the no-counterpart ones stay
    # under the threshold altogether).
    assert all(row.upper_item.key in EXPECTED[pair] for pair, row in taken.items() if pair in EXPECTED)
    assert not set(taken) & set(NOTHING)


def test_decisions_on_the_page_change_the_coverage_report(seeds, world, signed_in):
    _upper, lower, alignments = seeds
    jilin, clerk = lower["000"]
    rows = _stored({"000": alignments["000"]})
    client = signed_in(clerk)
    # 3.3.7 (cadres) gets 2.6.6 just above the threshold on the word 干部: a known weak spot. It is
    # a weak suggestion, so 2.6.6 is only "partly, to be confirmed" until somebody decides.
    weak = rows[("000", "3.3.7")]
    assert weak.upper_item.key == "2.6.6"
    assert "2.6.6" in {it.key for it in alignment_coverage(alignments["000"]).partial}
    client.post(reverse("plans:alignment_decide", args=[jilin.pk, weak.pk]), {"none": "1"})
    # 3.2.1, where the reader hesitated, is settled by hand on 2.6.6 (联系科技工作者).
    hesitant = rows[("000", "3.2.1")]
    target = alignments["000"].upper_plan.items.get(key="2.6.6")
    client.post(reverse("plans:alignment_decide", args=[jilin.pk, hesitant.pk]), {"upper_item": target.pk})
    weak.refresh_from_db(), hesitant.refresh_from_db()
    assert weak.status == AlignmentStatus.NONE and hesitant.upper_item == target
    page = client.get(reverse("plans:alignment_coverage", args=[jilin.pk])).content.decode()
    assert "3.3.7 建设高素质专业化干部队伍" in page.split("coverage-unaligned")[1]
    assert "上级任务" in page and "已覆盖" in page and "部分对应，待确认" in page and "未覆盖" in page
    assert "2.10.1" in page.split('id="coverage-uncovered"')[1].split('id="coverage-partial"')[0]
    assert "2.6.6" in page.split('id="coverage-covered"')[1].split('id="coverage-unaligned"')[0]


def test_decisions_through_the_api_and_their_limits(seeds, world, signed_in):
    upper, lower, alignments = seeds
    guizhou, clerk = lower["001"]
    rows = _stored({"001": alignments["001"]})
    client = signed_in(clerk)
    lecture = rows[("001", "3.4")]  # 学会大讲堂: nothing comparable in 2018
    response = client.post(reverse("api:itemalignment-decide", args=[lecture.pk]), {"no_counterpart": True},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "none"
    journals = rows[("001", "2.4")]
    jilin_item = lower["000"][0].items.get(key="3.4.1")
    refused = client.post(reverse("api:itemalignment-decide", args=[journals.pk]), {"upper_item": jilin_item.pk},
                          content_type="application/json")
    assert refused.status_code == 400 and upper.title in refused.json()["detail"]
    accepted = client.post(reverse("api:itemalignment-decide", args=[journals.pk]),
                           {"upper_item": journals.upper_item_id}, content_type="application/json").json()
    assert accepted["status"] == "accepted" and accepted["upper_key"] == "2.7.4"
    # 甲省 cannot read or decide 乙省's alignment.
    other = signed_in(world.provincial_clerk)
    assert other.get(reverse("api:planalignment-detail", args=[alignments["001"].pk])).status_code == 404
    assert other.get(reverse("plans:alignment", args=[guizhou.pk])).status_code == 404
    report = signed_in(clerk).get(reverse("api:planalignment-coverage", args=[alignments["001"].pk])).json()
    assert "3.4" in [item["key"] for item in report["unaligned_lower"]]
