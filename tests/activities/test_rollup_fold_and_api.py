"""The rollup lists the associations that held activities first, folds the children without any
into one line, and gives the same figures on the page, in the .xlsx export and in the API."""

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from kexie.activities import rollups
from tests.activities.helpers import activity

SINCE, UNTIL = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _held(world):
    activity(world, org=world.prov_a, kind="conference", audience=500)
    activity(world, org=world.county_a, kind="popsci", audience=300)
    activity(world, org=world.society, kind="lecture", audience=60)
    activity(world, org=world.prov_b, kind="popsci", audience=70)


def test_children_without_activities_fold_into_one_line_associations_first(world):
    _held(world)
    table = rollups.rollup_table(world.cast, SINCE, UNTIL)
    children = [child for child, _f in table["children"]]
    assert {c.pk for c in children[:2]} == {world.prov_a.pk, world.prov_b.pk}  # associations first
    assert children[2] == world.society
    all_children = world.cast.__class__.objects.filter(parent=world.cast).count()
    assert table["folded"] == all_children - 3 and table["folded"] > 0
    assert sum(f["total"] for _c, f in table["children"]) + table["own"]["total"] == table["summary"]["total"] == 4


def test_page_export_and_api_give_the_same_figures(world, signed_in):
    _held(world)
    client = signed_in(world.national_clerk)
    query = {"org": world.cast.pk, "since": "2026-01-01", "until": "2026-12-31"}
    page = client.get(reverse("activities:rollup"), query)
    assert page.status_code == 200
    html = page.content.decode()
    folded = page.context["folded"]
    assert f"其余 {folded} 个组织无活动" in html
    page_rows = {child.name: figures["total"] for child, figures in page.context["children"]}
    total = page.context["summary"]["total"]

    export = client.get(reverse("activities:rollup_export"), query)
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    at = header.index("合计")
    export_rows = {row[0]: row[at] for row in rows[2:-1] if not str(row[0]).startswith("其余")}
    assert export_rows == page_rows
    assert rows[-1][at] == total
    assert any(str(row[0]) == f"其余 {folded} 个组织无活动" for row in rows)

    api = client.get(reverse("api:activityrollup-detail", args=[world.cast.pk]),
                     {"since": "2026-01-01", "until": "2026-12-31"}, HTTP_ACCEPT="application/json").json()
    assert api["summary"]["total"] == total == 4
    assert {row["organization_name"]: row["total"] for row in api["children"]} == page_rows
    assert api["folded"] == folded
    assert {k["kind"]: k["count"] for k in api["summary"]["by_kind"]}["popsci"] == 2
    own = client.get(reverse("api:activityrollup-own"), HTTP_ACCEPT="application/json").json()
    assert own["organization"] == world.national_clerk.organization_id


def test_the_api_is_scoped(world, signed_in):
    _held(world)
    client = signed_in(world.provincial_clerk)
    assert client.get(reverse("api:activityrollup-detail", args=[world.prov_b.pk]),
                      HTTP_ACCEPT="application/json").status_code == 404
    mine = client.get(reverse("api:activityrollup-detail", args=[world.prov_a.pk]),
                      HTTP_ACCEPT="application/json").json()
    assert mine["summary"]["total"] == 2
