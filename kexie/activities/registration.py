"""Registration (报名) for an activity, its tickets and check-in (签到).

An activity takes registrations once a clerk opens them (with an optional capacity and closing
date). An account registers itself; a clerk with ``activity.manage`` may register someone on their
behalf. When the seats are taken, new registrations wait in order; when a confirmed one is
cancelled, the first waiting one is promoted and told (kexie.notifications). Seats are counted
under a lock on the activity's row (``select_for_update``), so two registrations at once never
take the same last seat.

Check-in and check-out are conditional updates (``… WHERE checked_in_at IS NULL``): a ticket
scanned twice, by two phones at once, or synced again from an offline queue counts once. Every
change is one transaction with its audit row."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_code as _require
from kexie.audit.models import AuditLog
from kexie.audit.services import audit_record
from kexie.notifications.models import Kind as NotificationKind
from kexie.notifications.services import notify

from .models import Activity, ActivityStatus, CheckinSource, Registration, RegistrationStatus

MANAGE = "activity.manage"
CODE_MAX = 32
BATCH_MAX = 5000


def new_ticket() -> str:
    """A random, unguessable ticket code (72 bits, URL-safe, 12 characters)."""
    return secrets.token_urlsafe(9)


def _managed(by, activity, *, lock=False) -> Activity:
    _require(by, MANAGE)
    queryset = Activity.objects.select_for_update() if lock else Activity.objects
    return access_object(queryset, by, MANAGE, pk=getattr(activity, "pk", activity))


# --- reads ----------------------------------------------------------------------------------------

def is_open(activity: Activity, today: dt.date | None = None) -> bool:
    """Whether ``activity`` takes registrations today."""
    today = today or timezone.localdate()
    return (activity.registration_open and activity.status == ActivityStatus.PLANNED
            and (activity.registration_closes_on is None or today <= activity.registration_closes_on)
            and today <= activity.ends_on)


def open_activities(today: dt.date | None = None):
    """The activities taking registrations today (what the registration board lists)."""
    today = today or timezone.localdate()
    return (Activity.objects.filter(registration_open=True, status=ActivityStatus.PLANNED, ends_on__gte=today)
            .filter(Q(registration_closes_on__isnull=True) | Q(registration_closes_on__gte=today))
            .select_related("organization").order_by("starts_on", "pk"))


def attendance(activity) -> dict:
    """The activity's registration figures: confirmed, waiting, cancelled, checked in (the
    attendance), checked out — one aggregate query. The activity page, the check-in page and the
    roster all show these."""
    active = Q(status=RegistrationStatus.CONFIRMED)
    return Registration.objects.filter(activity=getattr(activity, "pk", activity)).aggregate(
        confirmed=Count("pk", filter=active),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
        checked_in=Count("pk", filter=active & Q(checked_in_at__isnull=False)),
        checked_out=Count("pk", filter=active & Q(checked_out_at__isnull=False)))


def tell_cancelled(activity) -> int:
    """The registrants with accounts (confirmed or waiting) hear that the activity is cancelled,
    with the reason; inside the cancelling transaction. Returns how many were told."""
    accounts = [r.account for r in Registration.objects.filter(
        activity=activity, account__isnull=False,
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]).select_related("account")]
    if not accounts:
        return 0
    notify(recipients=accounts, kind=NotificationKind.ACTIVITY,
           title=_("Cancelled: %(title)s") % {"title": activity.title}, body=activity.cancel_reason,
           url=reverse("activities:my_registrations"), key=f"activity-cancelled:{activity.pk}", obj=activity)
    return len(accounts)


def checked_in_count(activity) -> int:
    """How many have checked in (the figure the check-in page updates after each scan)."""
    return Registration.objects.filter(activity=getattr(activity, "pk", activity), status=RegistrationStatus.CONFIRMED,
                                       checked_in_at__isnull=False).count()


def registrations_of(activity):
    """An activity's registrations, confirmed first then the waiting list in order."""
    return Registration.objects.filter(activity=activity).exclude(status=RegistrationStatus.CANCELLED) \
        .order_by("status", "created_at", "pk")  # "confirmed" sorts before "waiting"


def roster(activity):
    """The confirmed registrations, by name: the printed list and the offline roster."""
    return Registration.objects.filter(activity=activity, status=RegistrationStatus.CONFIRMED).order_by("name", "pk")


def own_registrations(user):
    """The registrations an account made for itself, or that name its linked person record."""
    q = Q(account=user)
    person_id = getattr(getattr(user, "person", None), "pk", None) if _has_person(user) else None
    if person_id:
        q |= Q(person_id=person_id)
    return Registration.objects.filter(q).select_related("activity", "activity__organization") \
        .order_by("-activity__starts_on", "-pk")


def _has_person(user) -> bool:
    try:
        return user.person is not None
    except Exception:  # noqa: BLE001 — RelatedObjectDoesNotExist
        return False


# --- settings -------------------------------------------------------------------------------------

def registration_settings(*, by, activity, open: bool, capacity=None, closes_on=None) -> Activity:  # noqa: A002
    """Open or close an activity's registration, with its capacity (None: unlimited) and the last
    day to register. Raising the capacity promotes from the waiting list."""
    if capacity in ("",):
        capacity = None
    if capacity is not None:
        try:
            capacity = int(capacity)
        except (TypeError, ValueError):
            capacity = -1
        if not 1 <= capacity <= 1_000_000:
            raise ValidationError({"capacity": _("Enter the number of seats (at least 1), or leave it empty.")})
    if closes_on is not None and not isinstance(closes_on, dt.date):
        raise ValidationError({"registration_closes_on": _("Enter the last day to register.")})
    with transaction.atomic():
        activity = _managed(by, activity, lock=True)
        if open and activity.status != ActivityStatus.PLANNED:
            raise ValidationError({"registration_open": _("Only a planned activity takes registrations.")})
        if closes_on is not None and closes_on > activity.ends_on:
            raise ValidationError({"registration_closes_on": _("Registration cannot close after the activity ends.")})
        old = {"registration_open": activity.registration_open, "capacity": activity.capacity,
               "registration_closes_on": activity.registration_closes_on}
        activity.registration_open, activity.capacity, activity.registration_closes_on = bool(open), capacity, closes_on
        activity.save(update_fields=["registration_open", "capacity", "registration_closes_on"])
        audit_record(action="update", by=by, obj=activity, old=old, new={
            "registration_open": activity.registration_open, "capacity": capacity,
            "registration_closes_on": closes_on})
        _promote(activity, by)
    return activity


# --- registering ----------------------------------------------------------------------------------

def _seats_taken(activity) -> int:
    return Registration.objects.filter(activity=activity, status=RegistrationStatus.CONFIRMED).count()


def _clean_registrant(name, unit, mobile) -> tuple[str, str, str]:
    name = str(name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the registrant's name.")})
    mobile = str(mobile or "").strip().replace(" ", "")
    if mobile and not (mobile.isdigit() and 7 <= len(mobile) <= 15):
        raise ValidationError({"mobile": _("Enter a mobile number of digits only, e.g. 13800001234.")})
    return name[:50], str(unit or "").strip()[:200], mobile


def _create(activity, *, by, account, person, name, unit, mobile) -> Registration:
    """Under the activity's lock: a confirmed registration while seats are left, else a waiting one."""
    full = activity.capacity is not None and _seats_taken(activity) >= activity.capacity
    status = RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED
    for _attempt in range(3):
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    activity=activity, account=account, person=person, name=name, unit=unit, mobile=mobile,
                    status=status, ticket=new_ticket(), created_by=by)
            break
        except IntegrityError as error:
            if account is not None and Registration.objects.filter(activity=activity, account=account).exclude(
                    status=RegistrationStatus.CANCELLED).exists():
                raise ValidationError({"activity": _("You have already registered for this activity.")}) from error
            continue  # a ticket code drawn twice: draw again
    else:
        raise ValidationError({"activity": _("The registration could not be saved; try again.")})
    audit_record(action="create", by=by, obj=registration, new={
        "activity": activity.pk, "account": getattr(account, "pk", None), "person": getattr(person, "pk", None),
        "name": name, "unit": unit, "status": status})
    return registration


def register(*, by, activity, name: str = "", unit: str = "", mobile: str = "") -> Registration:
    """Register the signed-in account ``by`` for ``activity`` (one active registration each)."""
    if by is None or not by.is_authenticated:
        raise ValidationError({"activity": _("Sign in to register.")})
    name, unit, mobile = _clean_registrant(name or by.full_name or by.username, unit, mobile)
    person = by.person if _has_person(by) else None
    with transaction.atomic():
        activity = Activity.objects.select_for_update().filter(pk=getattr(activity, "pk", activity)).first()
        if activity is None or not is_open(activity):
            raise ValidationError({"activity": _("This activity does not take registrations.")})
        if Registration.objects.filter(activity=activity, account=by).exclude(
                status=RegistrationStatus.CANCELLED).exists():
            raise ValidationError({"activity": _("You have already registered for this activity.")})
        return _create(activity, by=by, account=by, person=person, name=name, unit=unit, mobile=mobile)


def register_for(*, by, activity, name: str, unit: str = "", mobile: str = "", person=None) -> Registration:
    """A clerk registers someone on their behalf (no account): also after the registration closed,
    as long as the activity is planned. Capacity and the waiting list apply all the same."""
    if person is not None:
        from .selectors import expert_choices

        person = expert_choices(by).filter(pk=getattr(person, "pk", person)).first()
        if person is None:
            raise ValidationError({"person": _("Choose a person among the records you may see.")})
    if person is not None and not unit:
        position = person.positions.order_by("pk").first()
        unit = position.unit_name if position is not None else ""
    name, unit, mobile = _clean_registrant(name or getattr(person, "name", ""), unit, mobile or
                                           getattr(person, "phone", ""))
    with transaction.atomic():
        activity = _managed(by, activity, lock=True)
        if activity.status != ActivityStatus.PLANNED:
            raise ValidationError({"name": _("Only a planned activity takes registrations.")})
        if person is not None and Registration.objects.filter(activity=activity, person=person).exclude(
                status=RegistrationStatus.CANCELLED).exists():
            raise ValidationError({"person": _("This person is already registered.")})
        return _create(activity, by=by, account=None, person=person, name=name, unit=unit, mobile=mobile)


def _promote(activity, by) -> list[Registration]:
    """Under the activity's lock: confirm waiting registrations, first come first served, while
    seats are left; each promoted account is told."""
    promoted = []
    waiting = Registration.objects.filter(activity=activity, status=RegistrationStatus.WAITING) \
        .order_by("created_at", "pk")
    if activity.capacity is None:
        free = waiting.count()
    else:
        free = max(activity.capacity - _seats_taken(activity), 0)
    for registration in list(waiting[:free]):
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status"])
        audit_record(action="status", by=by, obj=registration, old={"status": RegistrationStatus.WAITING},
                     new={"status": RegistrationStatus.CONFIRMED})
        if registration.account_id:
            notify(recipients=[registration.account], kind=NotificationKind.ACTIVITY,
                   title=_("A seat is yours: %(title)s") % {"title": activity.title},
                   body=_("Your registration moved up from the waiting list and is confirmed. Your ticket is "
                          "on your registrations page."),
                   url=reverse("activities:my_registrations"), key=f"activity-promoted:{registration.pk}",
                   obj=registration)
        promoted.append(registration)
    return promoted


def _cancel(registration_pk, by, *, own: bool) -> Registration:
    with transaction.atomic():
        registration = Registration.objects.filter(pk=registration_pk).select_related("activity").first()
        if registration is None:
            raise ValidationError({"registration": _("No such registration.")})
        activity = Activity.objects.select_for_update().get(pk=registration.activity_id)
        registration = Registration.objects.select_for_update().get(pk=registration_pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise ValidationError({"registration": _("This registration is already cancelled.")})
        if own and registration.checked_in_at is not None:
            raise ValidationError({"registration": _("You have already checked in; the registration stays.")})
        old = {"status": registration.status}
        registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        audit_record(action="status", by=by, obj=registration, old=old, new={"status": registration.status})
        if old["status"] == RegistrationStatus.CONFIRMED:
            _promote(activity, by)
    return registration


def cancel_own(*, by, registration) -> Registration:
    """The account cancels its own registration (not after checking in); a seat it frees goes to
    the first on the waiting list."""
    pk = getattr(registration, "pk", registration)
    if not own_registrations(by).filter(pk=pk).exists():
        raise ValidationError({"registration": _("No such registration.")})
    return _cancel(pk, by, own=True)


def cancel_by_staff(*, by, registration) -> Registration:
    """A clerk cancels a registration of an activity in their scope."""
    registration = Registration.objects.filter(pk=getattr(registration, "pk", registration)).first()
    if registration is None:
        raise ValidationError({"registration": _("No such registration.")})
    _managed(by, registration.activity_id)
    return _cancel(registration.pk, by, own=False)


# --- check-in -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scan:
    """What a scan did: ``ok`` (counted now), ``already`` (counted before, at ``at``) or a refusal
    (``refused``) with its message."""

    outcome: str  # "ok" | "already" | "refused"
    message: str
    name: str = ""
    at: dt.datetime | None = None

    @property
    def counted(self) -> bool:
        return self.outcome == "ok"


def _hhmm(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _refusal(registration) -> Scan | None:
    if registration is None:
        return Scan("refused", _("No ticket with this code for this activity."))
    if registration.status == RegistrationStatus.WAITING:
        return Scan("refused", _("%(name)s is on the waiting list: the ticket is not valid yet.")
                    % {"name": registration.name}, registration.name)
    if registration.status == RegistrationStatus.CANCELLED:
        return Scan("refused", _("%(name)s's registration was cancelled: the ticket is not valid.")
                    % {"name": registration.name}, registration.name)
    return None


def _clean_code(code) -> str:
    code = str(code or "").strip()
    # A scanned QR code may carry the ticket page's address: the code is its last part.
    return code.rstrip("/").rsplit("/", 1)[-1][:CODE_MAX]


def _apply(activity_pk, by, code: str, op: str, source: str, at, device: str = "") -> Scan:
    """One check-in (``op`` "in") or check-out ("out") of a ticket, counted once whatever happens
    around it: the update only touches a confirmed ticket not yet checked in (out)."""
    code = _clean_code(code)
    if not code:
        return Scan("refused", _("Enter the ticket code."))
    tickets = Registration.objects.filter(activity_id=activity_pk, ticket=code, status=RegistrationStatus.CONFIRMED)
    with transaction.atomic():
        if op == "in":
            changed = tickets.filter(checked_in_at__isnull=True).update(
                checked_in_at=at, checked_in_by=by, checkin_source=source, device=device[:64])
        else:
            changed = tickets.filter(checked_in_at__isnull=False, checked_out_at__isnull=True).update(
                checked_out_at=at)
        registration = Registration.objects.select_related("activity").filter(activity_id=activity_pk,
                                                                              ticket=code).first()
        if changed:
            action = AuditLog.Action.CHECKIN if op == "in" else AuditLog.Action.CHECKOUT
            audit_record(action=action, by=by, obj=registration,
                         new={"at": at.isoformat(), "source": source, "device": device[:64]})
            message = _("%(name)s checked in.") if op == "in" else _("%(name)s checked out.")
            return Scan("ok", message % {"name": registration.name}, registration.name, at)
    refused = _refusal(registration)
    if refused:
        return refused
    if op == "in":
        return Scan("already", _("%(name)s already checked in at %(time)s.")
                    % {"name": registration.name, "time": _hhmm(registration.checked_in_at)},
                    registration.name, registration.checked_in_at)
    if registration.checked_in_at is None:
        return Scan("refused", _("%(name)s has not checked in yet.") % {"name": registration.name}, registration.name)
    return Scan("already", _("%(name)s already checked out at %(time)s.")
                % {"name": registration.name, "time": _hhmm(registration.checked_out_at)},
                registration.name, registration.checked_out_at)


def check_in(*, by, activity, code: str, source: str = CheckinSource.SCAN, at=None) -> Scan:
    """Check a ticket in: counted once; a second scan answers when it was checked in; a waiting or
    cancelled ticket, or one of another activity, is refused."""
    activity = _managed(by, activity)
    return _apply(activity.pk, by, code, "in", source, at or timezone.now())


def check_out(*, by, activity, code: str, at=None) -> Scan:
    """Check a ticket out (after it checked in), once."""
    activity = _managed(by, activity)
    return _apply(activity.pk, by, code, "out", CheckinSource.SCAN, at or timezone.now())


def check_in_list(*, by, activity, registration_ids) -> int:
    """The clerk ticks who came on the printed list: each ticked confirmed registration not yet
    checked in is checked in (source "list"). Returns how many were checked in now."""
    activity = _managed(by, activity)
    ids = {int(pk) for pk in registration_ids if str(pk).isdigit()}
    now = timezone.now()
    counted = 0
    with transaction.atomic():
        for registration in Registration.objects.filter(activity=activity, pk__in=ids,
                                                        status=RegistrationStatus.CONFIRMED).order_by("pk"):
            counted += _apply(activity.pk, by, registration.ticket, "in", CheckinSource.LIST, now).counted
    return counted


def _moment(value, now):
    """A device's time of a scan (ISO 8601); missing, unreadable or in the future: now."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value or "").replace("Z", "+00:00"))
        except ValueError:
            return now
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return min(moment, now)


def sync(*, by, activity, batch) -> list[dict]:
    """Apply scans queued offline: ``batch`` is a list of {code, op: "in"|"out", at, device}.
    Each is applied on its own, idempotently — a batch sent twice counts once. Returns one result
    per item: {code, op, outcome, message}."""
    activity = _managed(by, activity)
    if not isinstance(batch, list) or len(batch) > BATCH_MAX:
        raise ValidationError({"batch": _("Send a list of at most %(n)s scans.") % {"n": BATCH_MAX}})
    now = timezone.now()
    results = []
    for item in batch:
        if not isinstance(item, dict) or item.get("op", "in") not in ("in", "out"):
            results.append({"code": "", "op": "", "outcome": "refused", "message": _("Unreadable scan.")})
            continue
        op = item.get("op", "in")
        scan = _apply(activity.pk, by, item.get("code"), op, CheckinSource.OFFLINE, _moment(item.get("at"), now),
                      str(item.get("device") or ""))
        results.append({"code": _clean_code(item.get("code")), "op": op, "outcome": scan.outcome,
                        "message": scan.message})
    return results


def home_items(user) -> list:
    """The home page's section: the account's own registrations, newest activity first."""
    from kexie.accounts.home import HomeItem

    mine = reverse("activities:my_registrations")
    items = []
    for r in own_registrations(user).exclude(status=RegistrationStatus.CANCELLED)[:50]:
        status = _("Checked in") if r.checked_in_at else r.get_status_display()
        certificate = r.checked_in_at is not None and r.status == RegistrationStatus.CONFIRMED
        items.append(HomeItem(
            title=r.activity.title, url=f"{mine}#registration-{r.pk}", status=str(status), when=r.activity.starts_on,
            detail=r.activity.organization.name,
            action_label=_("Certificate of attendance (PDF)") if certificate else (
                _("Ticket") if r.status == RegistrationStatus.CONFIRMED else ""),
            action_url=reverse("activities:my_certificate", args=[r.pk]) if certificate else (
                f"{mine}#registration-{r.pk}" if r.status == RegistrationStatus.CONFIRMED else "")))
    return items
