"""Loading the demo data through the real services, so that closure rows and audit rows exist.

Idempotent: an organisation is looked up by (parent, name) and an account by username before
anything is created, so a second run finds everything in place, writes nothing and prints the
same table.

The story is dated from the day it is loaded (today, or the day given), see
:mod:`kexie.core.demo.calendar`.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from kexie.accounts.models import Role, User
from kexie.accounts.roles import BUILTIN_ROLES, ensure_builtin_roles
from kexie.accounts.services import user_create, user_set_password
from kexie.core.validators import CREDIT_CODE_ALPHABET, credit_code_check_char
from kexie.organizations.models import Organization
from kexie.organizations.services import organization_create

from .awards import ensure_demo_awards
from .activities import ensure_demo_activities
from .coverage import ensure_demo_coverage
from .surveys import ensure_demo_surveys
from .volunteers import ensure_demo_volunteers
from .demands import ensure_demo_demands
from .calendar import DemoCalendar
from .data import ACCOUNTS, DEMO_PASSWORD, NATIONAL, DemoAccount, Node
from .evaluation import ensure_demo_evaluation
from .people import ensure_demo_people
from .plans import ensure_demo_alignment, ensure_demo_plans
from .proposals import ensure_demo_proposals
from .selection import ensure_demo_selection
from .societies import ensure_demo_societies
from .stations import ensure_demo_stations
from .tracking import ensure_demo_tracking
from .visits import ensure_demo_visits

# Central-level bodies carry 100000 in the region part of their credit code.
NATIONAL_REGION = "100000"


@dataclass
class DemoResult:
    organizations_created: int = 0
    users_created: int = 0
    plans_created: int = 0
    tracking_created: bool = False
    societies_created: int = 0
    evaluation_created: bool = False
    selection_created: bool = False
    people_created: bool = False
    awards_created: bool = False
    demands_created: bool = False
    stations_created: bool = False
    visits_created: bool = False
    proposals_created: bool = False
    activities_created: bool = False
    coverage_created: bool = False
    volunteers_created: bool = False
    surveys_created: bool = False
    accounts: list[tuple[DemoAccount, User]] = field(default_factory=list)


def demo_credit_code(*, name: str, registration: str, region: str) -> str:
    """A valid unified social credit code: registration authority and type, region, a
    nine-character organisation code derived from the name (stable across runs), check char."""
    digest = hashlib.sha256(name.encode()).digest()
    org_code = "".join(CREDIT_CODE_ALPHABET[b % len(CREDIT_CODE_ALPHABET)] for b in digest[:9])
    first17 = f"{registration}{region}{org_code}"
    return first17 + credit_code_check_char(first17)


def _ensure_organization(node: Node, *, parent: Organization | None, region: str, position: int,
                         result: DemoResult) -> None:
    org = Organization.objects.filter(parent=parent, name=node.name).first()
    region = node.region_code or region
    if org is None:
        fields = {
            "short_name": node.short_name,
            "aliases": list(node.aliases),
            "region_code": node.region_code,
            "address": node.address,
            # Siblings keep the order of the data (departments first, then cities ...).
            "sort_order": position * 10,
        }
        if node.legal:
            fields["credit_code"] = demo_credit_code(name=node.name, registration=node.legal, region=region)
        if node.founded_on:
            fields["founded_on"] = dt.date.fromisoformat(node.founded_on)
        org = organization_create(by=None, parent=parent, name=node.name, kind=node.kind, **fields)
        result.organizations_created += 1
    for position, child in enumerate(node.children, start=1):
        _ensure_organization(child, parent=org, region=region, position=position, result=result)


def _organization_at(path: tuple[str, ...]) -> Organization:
    org = None
    for name in path:
        org = Organization.objects.get(parent=org, name=name)
    return org


def _ensure_user(account: DemoAccount, result: DemoResult) -> User:
    """Create one demo account through the account services, with the demo password in place
    of the temporary one, so that a business persona can start working at once."""
    user = User.objects.filter(username=account.username).first()
    if user is not None:
        return user
    with transaction.atomic():
        user, _temporary = user_create(by=None, username=account.username, full_name=account.full_name,
                                       organization=_organization_at(account.org_path),
                                       roles=[Role.objects.get(code=account.role)])
        user_set_password(user=user, by=None, raw=DEMO_PASSWORD)
    result.users_created += 1
    return user


def load_demo(*, today: dt.date | None = None) -> DemoResult:
    """Create whatever part of the demo data is missing, in one transaction, with the story dated
    from ``today`` (the local date unless given)."""
    validate_password(DEMO_PASSWORD)
    calendar = DemoCalendar(today or timezone.localdate())
    result = DemoResult()
    with transaction.atomic():
        # Refresh the built-in roles only when one is missing: an administrator may have
        # edited them, and a second demo run must not undo that.
        if Role.objects.filter(code__in=[code for code, *_ in BUILTIN_ROLES]).count() < len(BUILTIN_ROLES):
            ensure_builtin_roles()
        _ensure_organization(NATIONAL, parent=None, region=NATIONAL_REGION, position=0, result=result)
        for account in ACCOUNTS:
            result.accounts.append((account, _ensure_user(account, result)))
        # The plan documents last: their clerks and the departments they name must exist.
        result.plans_created = ensure_demo_plans(organization_at=_organization_at,
                                                 user_named=lambda username: User.objects.get(username=username),
                                                 calendar=calendar)
        ensure_demo_alignment(organization_at=_organization_at,
                              user_named=lambda username: User.objects.get(username=username))
        # Then three months of reporting on the national plan, up to the load day.
        result.tracking_created = ensure_demo_tracking(
            organization_at=_organization_at, user_named=lambda username: User.objects.get(username=username),
            calendar=calendar)
        # The society registry and three years of annual reports, the latest open for filing.
        result.societies_created = ensure_demo_societies(
            organization_at=_organization_at, user_named=lambda username: User.objects.get(username=username),
            calendar=calendar)
        # Their evaluation: the project's rubric, three years, two published leaderboards.
        result.evaluation_created = ensure_demo_evaluation(
            organization_at=_organization_at, user_named=lambda username: User.objects.get(username=username),
            calendar=calendar)
        # The four-batch flags on those societies and a 一流学会 selection round on public notice.
        result.selection_created = ensure_demo_selection(
            organization_at=_organization_at, user_named=lambda username: User.objects.get(username=username),
            calendar=calendar)
        # Person records and the national and Henan expert libraries.
        result.people_created = ensure_demo_people(
            organization_at=_organization_at, user_named=lambda username: User.objects.get(username=username),
            calendar=calendar)
        # Last year's national 青年科技奖, decided, and this year's Henan one under review.
        result.awards_created = ensure_demo_awards(
            organization_at=_organization_at, user_named=lambda username: User.objects.get(username=username),
            calendar=calendar)
        # The services to enterprises and decision makers: technical demands and an open call,
        # stations and bases, expert service teams with their visits, a proposal campaign.
        services = {"organization_at": _organization_at, "calendar": calendar,
                    "user_named": lambda username: User.objects.get(username=username)}
        result.demands_created = ensure_demo_demands(**services)
        result.stations_created = ensure_demo_stations(**services)
        result.visits_created = ensure_demo_visits(**services)
        result.proposals_created = ensure_demo_proposals(**services)
        # Academic and popular-science activities: a 科普日 campaign across the levels.
        result.activities_created = ensure_demo_activities(**services)
        # Grassroots coverage of one province: denominators per region and the associations that cover them.
        result.coverage_created = ensure_demo_coverage(**services)
        # Volunteer teams with opportunities and hours.
        result.volunteers_created = ensure_demo_volunteers(**services)
        # A survey round at several survey stations.
        result.surveys_created = ensure_demo_surveys(**services)
    return result
