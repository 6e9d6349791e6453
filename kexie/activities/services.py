"""Recording activities and campaigns. Each state change is one transaction with its audit row;
every one needs ``activity.manage`` in the organisation concerned (a county records only for the
organisations in its scope). Only held activities count in the rollups and plan measures, so
marking an activity held (with its actual audience) is a step of its own, as is cancelling it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_code as _require
from kexie.audit.services import audit_record
from kexie.organizations.models import Organization
from kexie.people.models import Person

from .models import Activity, ActivityCampaign, ActivityKind, ActivityStatus, CampaignKind, Setting
from .registration import tell_cancelled

MANAGE = "activity.manage"
ACTIVITY_FIELDS = ("kind", "setting", "campaign", "title", "place", "region_code", "starts_on", "ends_on",
                   "audience", "online_views", "staff_involved", "outputs")
CAMPAIGN_FIELDS = ("name", "kind", "year", "starts_on", "ends_on")
LIMIT = 100_000_000


def _count(data: dict, name: str, *, optional: bool = False):
    value = data.get(name)
    if value in (None, "") and optional:
        return None
    try:
        value = int(value or 0)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= LIMIT:
        raise ValidationError({name: _("Enter a whole number of at least 0.")})
    return value


def snapshot(activity: Activity) -> dict:
    return {"organization": activity.organization_id, "status": activity.status, **{
        name: (activity.campaign_id if name == "campaign" else getattr(activity, name)) for name in ACTIVITY_FIELDS},
        "co_hosts": sorted(activity.co_hosts.values_list("pk", flat=True)) if activity.pk else [],
        "experts": sorted(activity.experts.values_list("pk", flat=True)) if activity.pk else []}


def _clean(data: dict) -> dict:
    """The activity's fields from ``data``, checked; refusals name the field."""
    title = str(data.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": _("Enter the title of the activity.")})
    if data.get("kind") not in ActivityKind.values:
        raise ValidationError({"kind": _("Choose the kind of activity.")})
    setting = data.get("setting") or ""
    if setting and setting not in Setting.values:
        raise ValidationError({"setting": _("Choose where the activity takes place.")})
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts, dt.date):
        raise ValidationError({"starts_on": _("Enter the date the activity starts.")})
    if not isinstance(ends, dt.date):
        ends = starts
    if ends < starts:
        raise ValidationError({"ends_on": _("The activity cannot end before it starts.")})
    region = str(data.get("region_code") or "").strip()
    if region and (not region.isdigit() or len(region) != 6):
        raise ValidationError({"region_code": _("The region code has six digits, e.g. 410100.")})
    campaign = data.get("campaign")
    if campaign is not None:
        campaign = ActivityCampaign.objects.filter(pk=getattr(campaign, "pk", campaign)).first()
        if campaign is None:
            raise ValidationError({"campaign": _("Choose a campaign of the registry.")})
    return {"kind": data["kind"], "setting": setting, "campaign": campaign, "title": title[:200],
            "place": str(data.get("place") or "").strip()[:200], "region_code": region, "starts_on": starts,
            "ends_on": ends, "audience": _count(data, "audience"),
            "online_views": _count(data, "online_views", optional=True),
            "staff_involved": _count(data, "staff_involved"), "outputs": str(data.get("outputs") or "").strip()}


def _relations(data: dict):
    """The co-hosts and experts named in ``data`` (existing rows only)."""
    co_ids = [getattr(o, "pk", o) for o in data.get("co_hosts") or ()]
    co_hosts = list(Organization.objects.filter(pk__in=co_ids))
    if len(co_hosts) != len(set(co_ids)):
        raise ValidationError({"co_hosts": _("Choose the co-hosts among the organisations of the network.")})
    person_ids = [getattr(p, "pk", p) for p in data.get("experts") or ()]
    experts = list(Person.objects.filter(pk__in=person_ids, merged_into__isnull=True))
    if len(experts) != len(set(person_ids)):
        raise ValidationError({"experts": _("Choose the experts among the person records.")})
    return co_hosts, experts


def _activity(by, activity) -> Activity:
    _require(by, MANAGE)
    return access_object(Activity.objects.select_for_update(), by, MANAGE, pk=getattr(activity, "pk", activity))


def activity_create(*, by, organization: Organization, data: dict, status: str = ActivityStatus.PLANNED) -> Activity:
    """Record an activity hosted by ``organization`` (planned, or already held)."""
    _require(by, MANAGE)
    organization = access_object(Organization, by, MANAGE, pk=getattr(organization, "pk", organization))
    if status not in (ActivityStatus.PLANNED, ActivityStatus.HELD):
        raise ValidationError({"status": _("A new activity is planned or held.")})
    fields = _clean(data)
    co_hosts, experts = _relations(data)
    if organization in co_hosts:
        raise ValidationError({"co_hosts": _("The host cannot also be a co-host.")})
    if not fields["region_code"]:
        fields["region_code"] = organization.region_code or ""
    with transaction.atomic():
        activity = Activity.objects.create(organization=organization, created_by=by, status=status, **fields)
        activity.co_hosts.set(co_hosts)
        activity.experts.set(experts)
        audit_record(action="create", by=by, obj=activity, new=snapshot(activity))
    return activity


def activity_update(*, by, activity: Activity, data: dict) -> Activity:
    """Change an activity's record (kind, campaign, title, place, dates, figures, co-hosts, experts)."""
    with transaction.atomic():
        activity = _activity(by, activity)
        old = snapshot(activity)
        fields = _clean(data)
        co_hosts, experts = _relations(data)
        if any(o.pk == activity.organization_id for o in co_hosts):
            raise ValidationError({"co_hosts": _("The host cannot also be a co-host.")})
        for name, value in fields.items():
            setattr(activity, name, value)
        activity.save()
        activity.co_hosts.set(co_hosts)
        activity.experts.set(experts)
        audit_record(action="update", by=by, obj=activity, old=old, new=snapshot(activity))
    return activity


def activity_cancel(*, by, activity: Activity, reason: str) -> Activity:
    """Cancel a planned activity, with the reason; a held activity cannot be cancelled."""
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Enter why the activity is cancelled.")})
    with transaction.atomic():
        activity = _activity(by, activity)
        if activity.status != ActivityStatus.PLANNED:
            raise ValidationError({"reason": _("Only a planned activity can be cancelled.")})
        old = {"status": activity.status}
        activity.status, activity.cancel_reason = ActivityStatus.CANCELLED, reason[:300]
        activity.save(update_fields=["status", "cancel_reason"])
        audit_record(action="status", by=by, obj=activity, old=old,
                     new={"status": activity.status, "cancel_reason": activity.cancel_reason})
        tell_cancelled(activity)
    return activity


def activity_mark_held(*, by, activity: Activity, audience, online_views=None) -> Activity:
    """Record that a planned activity was held, with its actual audience (and online views)."""
    figures = {"audience": audience, "online_views": online_views}
    audience = _count(figures, "audience")
    online_views = _count(figures, "online_views", optional=True)
    with transaction.atomic():
        activity = _activity(by, activity)
        if activity.status != ActivityStatus.PLANNED:
            raise ValidationError({"audience": _("Only a planned activity can be marked as held.")})
        old = {"status": activity.status, "audience": activity.audience, "online_views": activity.online_views}
        activity.status, activity.audience = ActivityStatus.HELD, audience
        if online_views is not None:
            activity.online_views = online_views
        activity.save(update_fields=["status", "audience", "online_views"])
        audit_record(action="status", by=by, obj=activity, old=old, new={
            "status": activity.status, "audience": activity.audience, "online_views": activity.online_views})
    return activity


# --- campaigns ------------------------------------------------------------------------------------

def _clean_campaign(data: dict) -> dict:
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the name of the campaign.")})
    if data.get("kind") not in CampaignKind.values:
        raise ValidationError({"kind": _("Choose the kind of campaign.")})
    try:
        year = int(data.get("year"))
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter the year, e.g. 2026.")})
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})
    return {"name": name[:200], "kind": data["kind"], "year": year, "starts_on": starts, "ends_on": ends}


def campaign_create(*, by, organization: Organization, data: dict) -> ActivityCampaign:
    """Launch a campaign from ``organization`` (the activities of the tree may join it)."""
    _require(by, MANAGE)
    organization = access_object(Organization, by, MANAGE, pk=getattr(organization, "pk", organization))
    fields = _clean_campaign(data)
    with transaction.atomic():
        campaign = ActivityCampaign.objects.create(organization=organization, created_by=by, **fields)
        audit_record(action="create", by=by, obj=campaign, new={"organization": organization.pk, **fields})
    return campaign


def campaign_update(*, by, campaign: ActivityCampaign, data: dict) -> ActivityCampaign:
    """Change a campaign's name, kind, year or dates."""
    _require(by, MANAGE)
    with transaction.atomic():
        campaign = access_object(ActivityCampaign.objects.select_for_update(), by, MANAGE,
                                 pk=getattr(campaign, "pk", campaign))
        old = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS}
        fields = _clean_campaign(data)
        for name, value in fields.items():
            setattr(campaign, name, value)
        campaign.save()
        audit_record(action="update", by=by, obj=campaign, old=old, new=fields)
    return campaign
