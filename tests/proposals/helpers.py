"""A provincial 软课题征集 campaign with authors kept by the province and a society that submits; and
where a page shows a form's errors."""

import datetime as dt

import lxml.html
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


def _form(response, form):
    """The page's form whose id or action is ``form``."""
    tree = lxml.html.fromstring(response.content.decode())
    found = tree.xpath("//form[@id=$f or @action=$f]", f=form)
    assert found, f"no form {form} on the page"
    return found[0]


def field_errors(response, form, field) -> list[str]:
    """The errors shown in the box of ``field`` (its label, input and messages) in ``form``."""
    return [e.text_content() for e in _form(response, form).xpath(
        ".//div[contains(@class, 'has-error')][.//*[@name=$n]]//small[contains(@class, 'error')]", n=field)]


def form_errors(response, form=None) -> list[str]:
    """The errors shown for a form as a whole: inside ``form``, or anywhere on the page."""
    root = _form(response, form) if form else lxml.html.fromstring(response.content.decode())
    return [e.text_content().strip() for e in root.xpath(
        ".//div[contains(@class, 'msg-error')]/p | .//p[contains(@class, 'error')]")]
