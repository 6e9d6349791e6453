"""Reads for accounts: lockout state, password age, filtered user and login-log lists, the staff
holding a permission code."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from kexie.organizations.models import Organization

from .models import LoginLog, Role, SecurityPolicy, User, UserKind

# Events that count towards a lockout: a wrong password and a wrong second-factor code.
FAILURE_EVENTS = (LoginLog.Event.BAD_PASSWORD, LoginLog.Event.BAD_OTP)
# Events after which a username starts counting again from zero.
RESET_EVENTS = (LoginLog.Event.SUCCESS, LoginLog.Event.UNLOCKED)


def _username_failures(username: str):
    failures = LoginLog.objects.filter(username=username, event__in=FAILURE_EVENTS)
    reset = (LoginLog.objects.filter(username=username, event__in=RESET_EVENTS)
             .order_by("-time").values_list("time", flat=True).first())
    if reset is not None:
        failures = failures.filter(time__gt=reset)
    return failures


def _ip_failures(ip: str):
    # An address is not reset by a success: one valid account must not let an attacker keep
    # guessing other accounts' passwords from the same machine.
    return LoginLog.objects.filter(ip=ip, event__in=FAILURE_EVENTS)


def _lock_end(failures, policy: SecurityPolicy, now: dt.datetime) -> dt.datetime | None:
    """A lock starts at the failure that reached the threshold within the window and lasts
    ``lockout_minutes`` from it; refused attempts during the lock do not extend it."""
    window = dt.timedelta(minutes=policy.lockout_minutes)
    last = failures.order_by("-time").values_list("time", flat=True).first()
    if last is None or now >= last + window:
        return None
    count = failures.filter(time__gt=last - window, time__lte=last).count()
    return last + window if count >= policy.lockout_threshold else None


def locked_until(*, username: str, ip: str, policy: SecurityPolicy | None = None,
                 now: dt.datetime | None = None) -> dt.datetime | None:
    """When sign-in for this username or from this address is allowed again, or None if it is now."""
    policy = policy or SecurityPolicy.current()
    now = now or timezone.now()
    ends = []
    if username:
        ends.append(_lock_end(_username_failures(username), policy, now))
    if ip:
        ends.append(_lock_end(_ip_failures(ip), policy, now))
    ends = [end for end in ends if end is not None]
    return max(ends) if ends else None


def attempts_left(*, username: str, ip: str, policy: SecurityPolicy | None = None,
                  now: dt.datetime | None = None) -> int:
    """How many more wrong passwords the username and the address may each have before a lock."""
    policy = policy or SecurityPolicy.current()
    now = now or timezone.now()
    since = now - dt.timedelta(minutes=policy.lockout_minutes)
    counts = [0]
    if username:
        counts.append(_username_failures(username).filter(time__gt=since).count())
    if ip:
        counts.append(_ip_failures(ip).filter(time__gt=since).count())
    return max(policy.lockout_threshold - max(counts), 0)


def password_expired(user: User, policy: SecurityPolicy | None = None) -> bool:
    """A password of unknown age counts as expired: it was never set under the policy."""
    policy = policy or SecurityPolicy.current()
    if user.password_changed_at is None:
        return True
    return timezone.now() - user.password_changed_at > dt.timedelta(days=policy.password_expiry_days)


def password_days_left(user: User, policy: SecurityPolicy | None = None) -> int | None:
    """Whole days until the password expires (0 = today), or None when its age is unknown."""
    policy = policy or SecurityPolicy.current()
    if user.password_changed_at is None:
        return None
    expires = user.password_changed_at + dt.timedelta(days=policy.password_expiry_days)
    return max((expires - timezone.now()).days, 0)


def password_change_required(user: User, policy: SecurityPolicy | None = None) -> bool:
    return user.must_change_password or password_expired(user, policy)


def user_list(*, by, text: str = "", organization: Organization | None = None, role=None):
    """Users ``by`` may view, filtered by name/username/organisation text, organisation subtree and role."""
    users = User.objects.restrict(by, "user.view").select_related("organization")
    text = (text or "").strip()
    if text:
        users = users.filter(Q(username__icontains=text) | Q(full_name__icontains=text)
                             | Q(organization__name__icontains=text)
                             | Q(organization__short_name__icontains=text))
    if organization is not None:
        users = users.filter(organization__in=Organization.objects.subtree_of(organization))
    if role is not None:
        users = users.filter(roles=role)
    return users.prefetch_related("roles").distinct().order_by("username")


def login_log_list(*, by, username: str = "", ip: str = "", success: bool | None = None, event: str = "",
                   date_from: dt.date | None = None, date_to: dt.date | None = None):
    """Login records ``by`` may view, newest first."""
    rows = LoginLog.objects.restrict(by, "loginlog.view")
    if username:
        rows = rows.filter(username__icontains=username.strip())
    if ip:
        rows = rows.filter(ip__startswith=ip.strip())
    if success is not None:
        rows = rows.filter(success=success)
    if event:
        rows = rows.filter(event=event)
    tz = timezone.get_current_timezone()
    if date_from:
        rows = rows.filter(time__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        rows = rows.filter(time__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return rows.order_by("-time", "-id")


def staff_holding(*codes: str, users=None):
    """Active staff accounts (of ``users`` when given) holding any of ``codes`` through a role, as
    one query: the roles are few, so those granting a code are picked here and the accounts
    filtered by them in the database (``User.has_code`` asks the same of one account)."""
    wanted = set(codes)
    role_ids = [pk for pk, granted in Role.objects.values_list("pk", "permissions") if wanted & set(granted or ())]
    users = User.objects.all() if users is None else users
    holders = User.objects.filter(roles__in=role_ids).values("pk")
    return users.filter(is_active=True, kind=UserKind.STAFF, pk__in=holders)
