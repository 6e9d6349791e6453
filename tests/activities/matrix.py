"""The activities pages and endpoints in the permission matrix (tests/test_permission_matrix.py
merges ``REGISTRY`` into its own, and ``EXTERNAL_REACHES`` into the external persona's pages).

Objects: activities hosted by 甲省 (in the provincial clerk's scope) or 乙省 (outside it), and
campaigns launched by each (every campaign is visible to view; only one's own to change)."""

import datetime as dt

from kexie.activities.models import Activity, ActivityCampaign
from tests.matrix_kit import api, page


def activity_of(org_attr: str):
    def build(world):
        day = dt.date(2026, 9, 20)
        return {"pk": Activity.objects.create(organization=getattr(world, org_attr), kind="popsci", title="矩阵科普活动",
                                              starts_on=day, ends_on=day).pk}
    return build


def campaign_of(org_attr: str):
    return lambda world: {"pk": ActivityCampaign.objects.create(
        organization=getattr(world, org_attr), name="矩阵科普日", kind="science_day", year=2026).pk}


def _post(code, kwargs, outside, ok=400):
    return page(code, method="post", ok=ok, data=lambda w: {}, kwargs=kwargs, outside=outside)


_A, _B = activity_of("prov_a"), activity_of("prov_b")
_CA, _CB = campaign_of("prov_a"), campaign_of("prov_b")

REGISTRY: dict = {
    "activities:list": [page("activity.view")],
    "activities:export": [page("activity.view")],
    "activities:create": [page("activity.manage"), page("activity.manage", method="post", ok=400,
                                                        data=lambda w: {})],
    "activities:detail": [page("activity.view", kwargs=_A, outside=_B)],
    "activities:edit": [page("activity.manage", kwargs=_A, outside=_B), _post("activity.manage", _A, _B)],
    "activities:cancel": [_post("activity.manage", _A, _B)],
    "activities:held": [_post("activity.manage", _A, _B)],
    "activities:campaigns": [page("activity.view")],
    "activities:campaign_create": [page("activity.manage"), page("activity.manage", method="post", ok=400,
                                                                 data=lambda w: {})],
    # Every campaign is open to view (the whole tree joins the national ones).
    "activities:campaign_detail": [page("activity.view", kwargs=_CB)],
    "activities:campaign_edit": [page("activity.manage", kwargs=_CA, outside=_CB),
                                 _post("activity.manage", _CA, _CB)],
    "activities:rollup": [page("activity.view")],
    "activities:rollup_export": [page("activity.view")],
    "api:activity-list": [api("activity.view")],
    "api:activity-detail": [api("activity.view", kwargs=_A, outside=_B)],
    "api:activitycampaign-list": [api("activity.view")],
    "api:activitycampaign-detail": [api("activity.view", kwargs=_CB)],
}
EXTERNAL_REACHES: dict = {}
