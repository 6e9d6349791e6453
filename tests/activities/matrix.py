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


# --- registration, tickets and check-in -------------------------------------------------------------

REGISTRANT = "registrant.matrix@example.cn"


def registrant(world):
    """The registrant's external account (made once per test)."""
    from kexie.accounts.models import User
    from tests.personas import make_external

    return User.objects.filter(username=REGISTRANT).first() or make_external(REGISTRANT, full_name="矩阵报名人")


def _registration(world, org, *, account=None, checked_in=False):
    from django.utils import timezone

    from kexie.activities.models import Registration

    day = timezone.localdate() + dt.timedelta(days=10)
    a = Activity.objects.create(organization=org, kind="salon", title="矩阵沙龙", starts_on=day, ends_on=day,
                                registration_open=True)
    return Registration.objects.create(activity=a, account=account, name="矩阵报名人", status="confirmed",
                                       ticket=f"t{Registration.objects.count()}-{org.pk}-{account and account.pk}",
                                       checked_in_at=timezone.now() if checked_in else None)


def registration_of(org_attr: str, *, checked_in=False):
    return lambda world: {"pk": _registration(world, getattr(world, org_attr), checked_in=checked_in).pk}


def activity_with_attendee(org_attr: str):
    return lambda world: {"pk": _registration(world, getattr(world, org_attr), checked_in=True).activity_id}


def own_registration(*, checked_in=False):
    return lambda world: {"pk": _registration(world, world.prov_a, account=registrant(world),
                                              checked_in=checked_in).pk}


def others_registration(*, checked_in=False):
    return lambda world: {"pk": _registration(world, world.prov_a, account=world.county_clerk,
                                              checked_in=checked_in).pk}


def open_activity(world):
    return {"pk": _registration(world, world.prov_b).activity_id}


REGISTRY.update({
    # Any signed-in account: the activities open for registration and its own registrations.
    "activities:open": [page(None)],
    "activities:register": [page(None, method="post", ok=302, data=lambda w: {}, kwargs=open_activity)],
    "activities:my_registrations": [page(None)],
    "activities:my_cancel": [page(None, method="post", ok=302, data=lambda w: {}, user=registrant,
                                  kwargs=own_registration(), outside=others_registration())],
    "activities:my_certificate": [page(None, user=registrant, kwargs=own_registration(checked_in=True),
                                       outside=others_registration(checked_in=True))],
    # Staff managing the activity: registrations, check-in, roster, certificates.
    "activities:registrations": [page("activity.manage", kwargs=_A, outside=_B)],
    "activities:registration_settings": [_post("activity.manage", _A, _B, ok=302)],
    "activities:register_for": [page("activity.manage", kwargs=_A, outside=_B), _post("activity.manage", _A, _B)],
    "activities:registration_cancel": [_post("activity.manage", registration_of("prov_a"),
                                             registration_of("prov_b"), ok=302)],
    "activities:checkin": [page("activity.manage", kwargs=_A, outside=_B)],
    "activities:checkin_scan": [_post("activity.manage", _A, _B)],
    "activities:checkin_sync": [_post("activity.manage", _A, _B)],
    "activities:checkin_roster": [page("activity.manage", kwargs=_A, outside=_B)],
    "activities:roster": [page("activity.manage", kwargs=_A, outside=_B)],
    "activities:roster_export": [page("activity.manage", kwargs=_A, outside=_B)],
    "activities:list_checkin": [page("activity.manage", kwargs=_A, outside=_B), _post("activity.manage", _A, _B, ok=302)],
    "activities:certificates": [page("activity.manage", kwargs=activity_with_attendee("prov_a"),
                                     outside=activity_with_attendee("prov_b"))],
})

# The external persona (not the registrant): the board and its own (empty) list; registering is a
# redirect; another account's registration is not found.
EXTERNAL_REACHES.update({
    "activities:open": 200, "activities:register": 302, "activities:my_registrations": 200,
    "activities:my_cancel": 404, "activities:my_certificate": 404,
})


# --- calls for abstracts, the calendar and the rollup API -----------------------------------------

def _conference(world, org_attr, *, with_call=False):
    from django.utils import timezone

    from kexie.activities.models import AbstractCall

    today = timezone.localdate()
    conference = Activity.objects.create(organization=getattr(world, org_attr), kind="conference",
                                         title="矩阵学术年会", starts_on=today + dt.timedelta(days=30),
                                         ends_on=today + dt.timedelta(days=31))
    call = AbstractCall.objects.create(activity=conference, opens_on=today - dt.timedelta(days=1),
                                       closes_on=today + dt.timedelta(days=10)) if with_call else None
    return conference, call


def conference_of(org_attr: str, *, with_call=False):
    return lambda world: {"pk": _conference(world, org_attr, with_call=with_call)[0].pk}


def open_call_of(org_attr: str):
    return lambda world: {"pk": _conference(world, org_attr, with_call=True)[1].pk}


def abstract_of(org_attr: str):
    def build(world):
        from kexie.activities.models import AbstractSubmission

        _conf, call = _conference(world, org_attr, with_call=True)
        return {"pk": AbstractSubmission.objects.create(call=call, submitted_by=world.no_role_user, title="矩阵摘要",
                                                        authors="矩阵作者", abstract="摘要").pk}
    return build


def _org(org_attr: str):
    return lambda world: {"pk": getattr(world, org_attr).pk}


_CONF_A, _CONF_B = conference_of("prov_a"), conference_of("prov_b")
_CALL_A, _CALL_B = conference_of("prov_a", with_call=True), conference_of("prov_b", with_call=True)
_ABS_A, _ABS_B = abstract_of("prov_a"), abstract_of("prov_b")

REGISTRY.update({
    "activities:abstract_call": [page("activity.view", kwargs=_CALL_A, outside=_CALL_B)],
    "activities:abstract_call_open": [_post("activity.manage", _CONF_A, _CONF_B)],
    "activities:abstract_call_close": [_post("activity.manage", _CALL_A, _CALL_B, ok=302)],
    # Opening a panels round needs expert.manage as well (the abstracts are submitted: 400, still open).
    "activities:abstract_review_send": [_post("activity.manage", _CALL_A, _CALL_B),
                                        _post("expert.manage", _CALL_A, _CALL_B)],
    "activities:abstract_detail": [page("activity.view", kwargs=_ABS_A, outside=_ABS_B)],
    "activities:abstract_decide": [_post("activity.manage", _ABS_A, _ABS_B)],
    # An S&T worker's own pages: any signed-in account, external ones included.
    "activities:my_abstracts": [page(None)],
    "activities:my_abstract_submit": [page(None, kwargs=open_call_of("prov_a"))],
    "activities:ical": [page("activity.view")],
    "activities:activity_ics": [page("activity.view", kwargs=_A, outside=_B)],
    "api:activityrollup-own": [api("activity.view")],
    "api:activityrollup-detail": [api("activity.view", kwargs=_org("prov_a"), outside=_org("prov_b"))],
})
EXTERNAL_REACHES.update({"activities:my_abstracts": 200, "activities:my_abstract_submit": 200})
