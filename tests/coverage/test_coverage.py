"""Coverage figures: the denominators of the organisation's region against the active grassroots
associations of its subtree, per category, with a drill-down to the associations below; the page
and its Excel export show the same figures; nobody sees another province's coverage."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from kexie.coverage import selectors
from kexie.coverage.models import Denominator
from kexie.plans import measures
from tests.coverage.helpers import grassroots

YEAR = 2026


@pytest.fixture
def tree(world):
    def figure(region_code, category, count, year=YEAR):
        Denominator.objects.create(organization=world.prov_a, region_code=region_code, category=category,
                                   year=year, count=count)

    figure("410000", "university", 10)
    figure("410100", "university", 4)  # inside the province's figure: not added to it
    figure("410100", "enterprise", 8)
    figure("410122", "enterprise", 3)
    figure("410184", "enterprise", 2)
    figure("410122", "township", 5)  # townships only per county: the province sums them
    figure("410184", "township", 4)
    figure("410000", "university", 99, year=2025)  # another year
    figure("420000", "university", 50)  # another province
    grassroots(world.prov_a, "甲省大学科协", "university_association")  # inherits 410000
    grassroots(world.city_a, "甲市学院科协", "university_association", region_code="410100")
    grassroots(world.county_a, "甲县机械公司科协", "enterprise_association")
    grassroots(world.city_a, "甲市休眠企业科协", "enterprise_association", status="dormant")
    grassroots(world.city_a, "甲市明年企业科协", "enterprise_association", founded_on=dt.date(2027, 2, 1))
    grassroots(world.prov_a, "乙地园区科协", "park_association", region_code="420100")  # outside the region
    grassroots(world.prov_b, "乙省大学科协", "university_association")
    grassroots(world.county_a, "甲县城关镇科协", "township_association")
    return world


def _figures(row):
    return {f.category: (f.denominator, f.covered, f.percent) for f in row.figures}


def test_region_prefix_by_level():
    assert selectors.region_prefix("410000") == "41"
    assert selectors.region_prefix("410100") == "4101"
    assert selectors.region_prefix("410122") == "410122"
    assert selectors.region_prefix("") == ""


def test_exact_figures_for_the_province(tree):
    figures = _figures(selectors.coverage(tree.prov_a, YEAR))
    assert figures["university"] == (10, 2, 20.0)
    assert figures["enterprise"] == (8, 1, 12.5)
    assert figures["park"] == (None, 0, None)
    assert figures["township"] == (9, 1, 11.1)
    assert figures["institute"] == (None, 0, None)


def test_the_drill_down_has_one_row_per_association_below_in_a_fixed_number_of_queries(
        tree, django_assert_num_queries):
    with django_assert_num_queries(3):
        rows = selectors.drill_down(tree.prov_a, YEAR)
    assert [row.organization for row in rows] == [tree.city_a]
    assert _figures(rows[0])["university"] == (4, 1, 25.0)
    assert _figures(rows[0])["enterprise"] == (8, 1, 12.5)
    county = selectors.drill_down(tree.city_a, YEAR)
    assert [row.organization for row in county] == [tree.county_a]
    assert _figures(county[0])["enterprise"] == (3, 1, 33.3)


def test_the_display_is_capped_but_the_raw_figure_kept():
    figure = selectors.Figure("university", "高校", 2, 3)
    assert figure.percent == 150.0 and figure.shown_percent == 100.0
    assert selectors.Figure("park", "园区", 0, 1).percent is None


def test_page_and_export_show_the_same_figures(tree, signed_in):
    client = signed_in(tree.provincial_clerk)
    page = client.get(reverse("coverage:overview"), {"org": tree.prov_a.pk, "year": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    shown = dict(re.findall(r'<tr data-category="(\w+)"><td>[^<]*</td><td class="denominator">[^<]*</td>'
                            r'<td class="covered">(\d+)</td>', html))
    assert f'?org={tree.city_a.pk}&amp;year={YEAR}' in html  # the link down
    response = client.get(reverse("coverage:export"), {"org": tree.prov_a.pk, "year": YEAR})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] == tree.prov_a.name]
    exported = {r[2]: (r[3], r[4], r[5]) for r in rows}
    assert exported["高校"] == (10, 2, 20) and exported["园区"] == ("—", 0, "—")
    for figure in selectors.coverage(tree.prov_a, YEAR).figures:
        assert int(shown[figure.category]) == exported[figure.label][1] == figure.covered
    assert any(r[0] == tree.city_a.name for r in sheet.iter_rows(values_only=True))


def test_another_province_is_not_found(tree, signed_in):
    client = signed_in(tree.provincial_clerk)
    for name in ("coverage:overview", "coverage:export", "coverage:denominators"):
        assert client.get(reverse(name), {"org": tree.prov_b.pk}).status_code == 404
    assert client.get(reverse("coverage:overview"), {"org": tree.city_a.pk}).status_code == 200


def test_new_associations_measure_counts_the_subtree_over_the_period(tree):
    codes = dict(measures.choices())
    assert "coverage.new.enterprise_association" in codes
    since, until = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    assert measures.value("coverage.new.university_association", tree.prov_a, since, until) == 2
    assert measures.value("coverage.new.university_association", tree.cast, since, until) == 3
    assert measures.value("coverage.new.enterprise_association", tree.city_a, since, until) == 2
    assert measures.value("coverage.new.enterprise_association", tree.city_a, None, None) == 3
    assert measures.value("coverage.new.enterprise_association", tree.county_a, since, until) == 1


def test_a_target_on_new_enterprise_associations_is_offered_the_measure(tree):
    from kexie.plans.measures import suggest

    class Target:
        text, metric = "新增企业科协20家", ""

    assert suggest(Target) == "coverage.new.enterprise_association"


def test_associations_attached_to_the_province_itself_make_the_drill_down_add_up(tree, signed_in):
    total = selectors.coverage(tree.prov_a, YEAR)
    children = selectors.drill_down(tree.prov_a, YEAR)
    direct = {f.category: f.covered for f in selectors.direct_figures(total, children)}
    assert direct["university"] == 1  # 甲省大学科协, directly under the province
    for i, figure in enumerate(total.figures):
        assert figure.covered == sum(child.figures[i].covered for child in children) + direct[figure.category]
    assert selectors.direct_figures(children[0], selectors.drill_down(tree.city_a, YEAR)) is not None  # 甲市学院科协
    client = signed_in(tree.provincial_clerk)
    html = client.get(reverse("coverage:overview"), {"org": tree.prov_a.pk, "year": YEAR}).content.decode()
    assert 'id="coverage-direct"' in html and "本级直属" in html
    response = client.get(reverse("coverage:export"), {"org": tree.prov_a.pk, "year": YEAR})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    exported = {r[2]: r[4] for r in sheet.iter_rows(values_only=True) if r[0] == f"{tree.prov_a.name}（本级直属）"}
    assert exported["高校"] == 1 and sum(exported.values()) == sum(direct.values())
