"""The workbench (工作台): what waits for the signed-in user, counted, with where to do it.

The home page of every user. Each entry is asked of the selector that owns its rule — filing rows,
reports to review, deferrals to decide, notices to answer or close, annual reports, reviews to
score, overdue tasks, unread notices, and the administrators' own — so the count on the workbench
is the count of the page it links to. An entry is shown only to users whose roles carry its code.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kexie.audit.freshness import remembered


@dataclass(frozen=True)
class Todo:
    """One line of the workbench: ``count`` things to do, done at ``url``."""

    key: str
    label: str
    count: int
    url: str
    urgent: bool = False  # some of them are past due
    note: str = ""


def _filing(user) -> Todo:
    from kexie.tracking.selectors import FILING_TODO, filing_rows, own_units

    rows = filing_rows(units=own_units(user), today=timezone.localdate())
    todo = [row for row in rows if row["status"] in FILING_TODO]
    late = sum(1 for row in todo if row["status"] != "to_file")
    return Todo("to_file", _("Reports to file"), len(todo), reverse("tracking:filing") + "?show=todo&units=own",
                urgent=bool(late), note=_("%(count)d past due or returned") % {"count": late} if late else "")


def _reviews(user) -> Todo:
    from kexie.tracking.selectors import reviewable

    return Todo("to_review", _("Reports to review"), reviewable(user).count(), reverse("tracking:reviews"))


def _replies(user) -> Todo:
    from kexie.tracking.models import NoticeStatus
    from kexie.tracking.selectors import own_units
    from kexie.tracking.supervision import notices_for

    notices = notices_for(user, "report.submit").filter(status=NoticeStatus.ISSUED, organization__in=own_units(user))
    today = timezone.localdate()
    overdue = notices.filter(reply_due__lt=today).count()
    return Todo("replies_due", _("Supervision notices to answer"), notices.count(),
                reverse("supervision:list") + "?status=issued", urgent=bool(overdue),
                note=_("%(count)d past the reply deadline") % {"count": overdue} if overdue else "")


def _to_close(user) -> Todo:
    from kexie.tracking.models import NoticeStatus
    from kexie.tracking.supervision import notices_for

    count = notices_for(user, "supervise.manage").filter(status=NoticeStatus.REPLIED,
                                                         issuer_id=user.organization_id).count()
    return Todo("notices_to_close", _("Answered notices to close"), count,
                reverse("supervision:list") + "?status=replied")


def _deferrals(user) -> Todo:
    from kexie.tracking.selectors import deferrals_to_decide

    return Todo("deferrals_to_decide", _("Deferral requests to decide"), deferrals_to_decide(user).count(),
                reverse("tracking:deferrals"))


def _overdue(user) -> Todo:
    from kexie.dashboard.selectors import counts

    overdue = counts(user=user, organization=user.organization_id).overdue
    return Todo("overdue", _("Overdue tasks of my units"), overdue,
                reverse("dashboard:home") + "#part-overdue", urgent=bool(overdue))


def _unread(user) -> Todo:
    from kexie.notifications.selectors import unread_count

    return Todo("unread", _("Unread notices"), unread_count(user), reverse("notifications:inbox"))


def _annual_reports_to_file(user) -> Todo:
    from kexie.societies.selectors import annual_reports_to_file

    return Todo("annual_reports_to_file", _("Annual reports to file"), len(annual_reports_to_file(user)),
                reverse("societies:my_reports"))


def _annual_reports_to_review(user) -> Todo:
    from kexie.societies.selectors import annual_reports_to_review

    reports = annual_reports_to_review(user)
    late = reports.filter(late=True).count()
    return Todo("annual_reports_to_review", _("Annual reports to review"), reports.count(),
                reverse("societies:review_queue") + "?status=submitted",
                note=_("%(count)d filed late") % {"count": late} if late else "")


def _evaluations_to_review(user) -> Todo:
    from kexie.evaluation.selectors import reviews_to_do

    return Todo("evaluations_to_review", _("Society evaluations to review"), reviews_to_do(user).count(),
                reverse("evaluation:index"))


def _applications_to_score(user) -> Todo:
    from kexie.selection.selectors import reviews_to_do

    return Todo("applications_to_score", _("Applications to score"), reviews_to_do(user).count(),
                reverse("selection:my_reviews"))


def _users_without_role(user) -> Todo:
    from kexie.accounts.models import User

    count = User.objects.restrict(user, "user.view").filter(is_active=True, roles__isnull=True, kind="staff").count()
    return Todo("users_without_role", _("Accounts without a role"), count, reverse("accounts:user_list"))


def _failed_logins(user) -> Todo:
    from kexie.accounts.models import LoginLog

    since = timezone.now() - dt.timedelta(hours=24)
    count = LoginLog.objects.restrict(user, "loginlog.view").filter(success=False, time__gte=since).count()
    return Todo("failed_logins", _("Failed sign-ins in the last 24 hours"), count, reverse("accounts:login_log"),
                urgent=count >= 5)


def _audit_failures(user) -> Todo:
    from kexie.audit.models import AuditLog

    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    count = AuditLog.objects.restrict(user, "audit.view").filter(success=False, time__gte=start).count()
    return Todo("audit_failures", _("Refused or failed operations today"), count,
                reverse("audit:list") + f"?success=0&date_from={today.isoformat()}")


# (permission code, producer): in the order the workbench shows them. A user without an
# organisation has no units, so the entries about units need one.
ENTRIES: list[tuple[str, bool, Callable[[object], Todo]]] = [
    ("report.submit", True, _filing),
    ("report.submit", True, _replies),
    ("report.review", True, _reviews),
    ("deferral.approve", True, _deferrals),
    ("supervise.manage", True, _to_close),
    ("plan.view", True, _overdue),
    ("annual_report.submit", False, _annual_reports_to_file),
    ("annual_report.review", False, _annual_reports_to_review),
    ("evaluation.score", False, _evaluations_to_review),
    ("evaluation.score", False, _applications_to_score),
    ("user.manage", False, _users_without_role),
    ("loginlog.view", False, _failed_logins),
    ("audit.view", False, _audit_failures),
]


# A clerk who manages the reviews may score too, but scoring is the experts' work: with nothing
# assigned to them the tiles would only be noise on a clerk's workbench.
REVIEWER_ENTRIES = {"evaluations_to_review", "applications_to_score"}


# How long a user's counts are kept at most; any change to the data retires them sooner.
CACHE_SECONDS = 300
# Counted afresh on every visit: failed sign-ins and refused operations do not move the data's
# generation (kexie.audit.freshness), and they are cheap.
FRESH = {_failed_logins, _audit_failures}


def _counted(user, producers) -> list[Todo]:
    # Labels and notes made plain strings in the current language, so that they can be cached.
    return [replace(todo, label=str(todo.label), note=str(todo.note)) for todo in (p(user) for p in producers)]


def todo_for(user) -> list[Todo]:
    """The user's workbench entries, each a count from the selector behind its page.

    At national scale counting costs a few hundred milliseconds (twenty thousand reports waiting
    for review below the root); the counts are kept in the cache until the data's generation moves
    — every change they count writes its audit row — so a clerk coming back to the home page gets
    them at once, and after any change they are counted again. Unread notices are always fresh."""
    producers = [produce for code, needs_unit, produce in ENTRIES
                 if user.has_code(code) and (user.organization_id or not needs_unit)]
    kept = [p for p in producers if p not in FRESH]
    entries = remembered(("workbench", user.pk, get_language(), timezone.localdate().isoformat()),
                         lambda: _counted(user, kept), seconds=CACHE_SECONDS)
    entries = list(entries) + _counted(user, [p for p in producers if p in FRESH])
    if user.has_code("evaluation.manage"):
        entries = [e for e in entries if e.count or e.key not in REVIEWER_ENTRIES]
    entries.append(_unread(user))
    return entries
