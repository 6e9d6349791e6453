"""Activities as an iCalendar (RFC 5545) file: one VEVENT per activity, all-day events
(``DTSTART;VALUE=DATE`` and an exclusive ``DTEND``), text escaped and lines folded at 75 octets.

Written by hand — a few lines of text do not need a dependency. The staff feed is an ordinary
signed-in page: a calendar application cannot subscribe to it (it has no session), so staff
download it, or one activity's .ics, and import it."""

import datetime as dt

from django.utils import timezone

PRODID = "-//kexie//activities//ZH"
UID_DOMAIN = "activities.kexie"


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    text = str(text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into lines of at most 75 octets (RFC 5545 §3.1): each continuation
    starts with a space, and a UTF-8 character is never split."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def vevent(activity, stamp: str) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:activity-{activity.pk}@{UID_DOMAIN}", f"DTSTAMP:{stamp}",
             f"DTSTART;VALUE=DATE:{_date(activity.starts_on)}",
             f"DTEND;VALUE=DATE:{_date(activity.ends_on + dt.timedelta(days=1))}",  # exclusive end
             f"SUMMARY:{escape(activity.title)}"]
    if activity.place:
        lines.append(f"LOCATION:{escape(activity.place)}")
    organization = getattr(activity, "organization", None)
    description = " · ".join(str(x) for x in (activity.get_kind_display(), organization) if x)
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    lines.append("STATUS:" + ("CANCELLED" if activity.status == "cancelled" else "CONFIRMED"))
    lines.append("END:VEVENT")
    return lines


def calendar(activities, *, name: str = "", now: dt.datetime | None = None) -> str:
    """The iCalendar text of ``activities`` (CRLF line endings, folded)."""
    stamp = (now or timezone.now()).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
    for activity in activities:
        lines.extend(vevent(activity, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
