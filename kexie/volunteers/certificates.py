"""The certificate of a volunteer's service hours over a period (志愿服务时长证明), printed by the
shared engine (kexie.certificates). Its figure comes from the same selector as every report."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.certificates import Certificate, render_pdf
from kexie.core.officialdoc import chinese_date

from . import selectors


def period_of(since: dt.date | None, until: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period a certificate covers: as asked, else the current year up to today."""
    today = timezone.localdate()
    until = until or today
    since = since or dt.date(until.year, 1, 1)
    return since, until


def certificate_for(profile, since: dt.date | None = None, until: dt.date | None = None) -> Certificate:
    since, until = period_of(since, until)
    records = selectors.counted_hours(volunteer=profile, since=since, until=until)
    summary = selectors.hours_summary(records, "organization")
    total = summary["total"]
    lines = [_("%(name)s took part in science and technology volunteer service from %(since)s to %(until)s, "
               "serving %(hours)s hours in all.") % {"name": profile.person.name, "since": chinese_date(since),
                                                     "until": chinese_date(until), "hours": total}]
    for row in summary["rows"]:
        lines.append(_("%(organization)s: %(hours)s hours in %(records)s services.")
                     % {"organization": row["name"], "hours": row["hours"], "records": row["records"]})
    lines.append(_("This is to certify the above."))
    today = timezone.localdate()
    return Certificate(title=_("Certificate of volunteer service hours"), holder=profile.person.name, lines=lines,
                       issuer=profile.organization.name, issued_on=today,
                       serial=f"ZY{profile.pk:06d}-{since:%Y%m%d}-{until:%Y%m%d}",
                       serial_label=_("Certificate No."), date_text=chinese_date(today))


def certificate_pdf(profile, since=None, until=None) -> bytes:
    cert = certificate_for(profile, since, until)
    return render_pdf([cert], title=cert.title)
