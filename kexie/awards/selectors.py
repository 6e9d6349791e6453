"""Reads of award calls: the calls a user sees (kept in scope, or open with a channel in scope), the
nominations (made through a channel in scope, or in a call kept in scope) and the panel ranking
put against the nominations."""

from django.db.models import Count, Q

from kexie.accounts.scope import scope_q
from kexie.organizations.models import Organization
from kexie.panels.selectors import is_ranked as panel_is_ranked
from kexie.panels.selectors import ranking
from kexie.people.models import Person

from . import rules as rule_engine
from .models import AwardCall, CallStatus, Channel, Nomination

VIEW = "award.view"


def calls_for(user, action: str = VIEW):
    """Calls kept in the user's scope, and calls with a channel in it once they are opened (a
    draft is its keeper's business until then)."""
    kept = scope_q(user, action, org_field="organization", owner_field="created_by")
    channel = scope_q(user, action, org_field="channels__organization", owner_field="created_by")
    if channel is not None:
        channel &= ~Q(status=CallStatus.DRAFT)
    parts = [q for q in (kept, channel) if q is not None]
    if not parts:
        return AwardCall.objects.none()
    q = Q()
    for part in parts:
        q |= part
    return AwardCall.objects.filter(q).distinct().select_related("organization")


def calls_run_by(user, action: str = "award.manage"):
    """Calls ``user`` may run: kept by an organisation in their scope (a channel gives no say)."""
    return AwardCall.objects.restrict(user, action).select_related("organization")


def nominations_for(user, call=None, action: str = VIEW):
    rows = Nomination.objects.restrict(user, action).select_related("nominee", "channel__organization", "call")
    return rows.filter(call=call) if call is not None else rows


def is_ranked(call: AwardCall) -> bool:
    """Whether the call's panel has closed its scoring, so that its ranking may be shown."""
    return call.review_round_id is not None and panel_is_ranked(call.review_round)


def call_ranking(call: AwardCall) -> list[dict]:
    """The panel's ranking of the call's round, each row with its nomination; empty until the
    panel's scoring is closed (the page, the API and the export show the same)."""
    if not is_ranked(call):
        return []
    by_item = {n.review_item_id: n for n in call.nominations.filter(review_item__isnull=False)
               .select_related("nominee", "channel__organization")}
    return [{"rank": r.rank, "score": r.score, "reviewers": r.reviewers, "nomination": by_item.get(r.item)}
            for r in ranking(call.review_round)]


def eligibility_reasons(nomination: Nomination, rules=None) -> list[str]:
    """What the call's eligibility rules say against the nomination (empty: eligible); the formal
    check records these, and the call page shows them beside each nomination before it."""
    person = nomination.nominee
    return rule_engine.evaluate(nomination.call.rules if rules is None else rules, birth_date=person.birth_date,
                                disciplines=person.disciplines, channel_kind=nomination.channel.kind,
                                material_titles=[m.title for m in nomination.materials.all()])


def nominating_channels(user, call: AwardCall, action: str = "award.nominate") -> list[Channel]:
    """The call's channels whose organisation ``user`` may nominate for, each with ``used``: the
    nominations made through it (every one counts against the quota, rejected ones included)."""
    organizations = Organization.objects.restrict(user, action).values("pk")
    return list(call.channels.filter(organization__in=organizations).select_related("organization")
                .annotate(used=Count("nominations")))


def nominee_choices(user, organizations, action: str = "award.nominate"):
    """The person records a nominator may pick as nominee or recommender: those kept by the
    nominating organisations."""
    return Person.objects.current().restrict(user, action).filter(organization__in=organizations).order_by("name")
