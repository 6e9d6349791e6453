"""The S&T worker's home (科技工作者之家): one page listing an account's own records from every
service. Each service registers a section here (from its AppConfig.ready); the page
(``accounts:me``) asks every section for the signed-in account's items and shows the sections
that have any.

A section's ``items(user)`` returns only the account's own records — through its linked person
record (``user.person``) or the records it filed (``created_by`` / ``submitted_by``) — never a
scoped query: the home page is where the scope rules are narrowest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class HomeItem:
    """One line of a section: a record of the account's, where to open it, and its state."""

    title: str
    url: str = ""
    status: str = ""
    when: dt.date | dt.datetime | None = None
    detail: str = ""
    # A link for an action on the record (download a certificate, answer a survey …).
    action_label: str = ""
    action_url: str = ""


@dataclass(frozen=True)
class HomeSection:
    key: str
    title: str
    items: Callable[[object], list[HomeItem]]
    order: int = 100
    # The service's own page for all of these records (a URL name), when it has one.
    more_url_name: str = ""
    # A one-line figure over the section ("共 12.5 小时"), computed from the same records.
    summary: Callable[[object], str] | None = field(default=None)


_SECTIONS: dict[str, HomeSection] = {}


def register_section(key: str, title, items: Callable[[object], list[HomeItem]], *, order: int = 100,
                     more_url_name: str = "", summary: Callable[[object], str] | None = None) -> None:
    """Register (or replace, by key) a section of the home page."""
    _SECTIONS[key] = HomeSection(key=key, title=title, items=items, order=order, more_url_name=more_url_name,
                                 summary=summary)


def person_of(user):
    """The person record linked to ``user``'s account (``Person.account``), or None; a merged
    record does not count (its surviving record carries the account)."""
    if not getattr(user, "is_authenticated", False):
        return None
    from kexie.people.models import Person

    return Person.objects.filter(account_id=user.pk, merged_into__isnull=True).first()


def sections() -> list[HomeSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def home_for(user, *, limit: int = 10) -> list[dict]:
    """The sections with records for ``user``, each {"section", "items", "more", "summary"};
    ``more`` is true when the section has more than ``limit`` items (the page links to the
    service's own list then)."""
    shown = []
    for section in sections():
        items = list(section.items(user))
        if not items:
            continue
        shown.append({"section": section, "items": items[:limit], "more": len(items) > limit,
                      "count": len(items), "summary": section.summary(user) if section.summary else ""})
    return shown
