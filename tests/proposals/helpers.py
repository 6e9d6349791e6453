"""A provincial 软课题征集 campaign with authors kept by the province and a society that submits."""

import datetime as dt

from django.utils import timezone

from kexie.people import services as people
from kexie.proposals import services

TODAY = dt.date(2026, 5, 10)


def person(by, organization, name, unit="甲省农业科学院"):
    return people.person_create(by=by, organization=organization, data={"name": name},
                                positions=[{"unit_name": unit}])


def open_campaign(world, *, by=None):
    by = by or world.provincial_clerk
    campaign = services.campaign_create(by=by, organization=world.prov_a, data={
        "title": "2026年度软科学课题征集", "kind": "soft_topic", "theme": "科技赋能县域经济",
        "opens_on": dt.date(2026, 4, 1), "closes_on": timezone.localdate() + dt.timedelta(days=30)})
    return services.campaign_open(by=by, campaign=campaign)


def submit(world, campaign, title="关于建设县域科技服务站的建议", authors=None):
    by = world.provincial_clerk
    authors = authors if authors is not None else [person(by, world.prov_a, "李文博")]
    return services.submission_create(by=by, campaign=campaign, authors=authors, today=TODAY, data={
        "title": title, "text": "一、现状\n县域科技服务力量薄弱。\n二、建议\n建立县域科技服务站。"})
