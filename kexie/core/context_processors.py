"""The left-hand menu, built from the signed-in user's permission codes.

An entry shows only when the user holds its code, and the page behind it checks the same code,
so the menu never offers a page that answers 403. A section whose entries are all hidden is left
out, heading and all.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# An entry for an account linked to a person record (an expert's own review pages), whatever its codes.
LINKED_PERSON = "<linked person>"

# (section title, [(label, url name, permission code or None for everyone signed in), ...])
MENU = [
    (pgettext_lazy("menu section", "Workbench"), [
        (_("Home"), "home", None),
        (_("Dashboard"), "dashboard:home", "plan.view"),
        (_("My reviews"), "panels:mine", LINKED_PERSON),
    ]),
    (pgettext_lazy("menu section", "Plans and tasks"), [
        (_("Plans"), "plans:list", "plan.view"),
        (_("Ledger"), "ledger:all", "plan.view"),
        (pgettext_lazy("menu", "Filing"), "tracking:filing", "report.submit"),
        (pgettext_lazy("menu", "Review"), "tracking:reviews", "report.review"),
    ]),
    (pgettext_lazy("menu section", "Supervision"), [
        (_("Supervision"), "supervision:list", "plan.view"),
        (pgettext_lazy("menu", "Deferrals"), "tracking:deferrals", "plan.view"),
    ]),
    (pgettext_lazy("menu section", "Societies"), [
        (_("Societies"), "societies:list", "society.view"),
        (_("My annual reports"), "societies:my_reports", "annual_report.submit"),
        (_("Society evaluation"), "evaluation:index", "society.view"),
        (_("First-class societies / four batches"), "selection:round_list", "society.view"),
    ]),
    # One record per person, and the expert libraries built on it (kexie.people).
    (pgettext_lazy("menu section", "People and experts"), [
        (_("Person records"), "people:list", "person.view"),
        (_("Expert libraries"), "people:libraries", "expert.view"),
        (_("Review rounds"), "panels:list", "expert.view"),
        (_("Award calls"), "awards:list", "award.view"),
    ]),
    # The services to enterprises and decision makers: demands and open calls, stations and bases,
    # expert service teams and their visits, proposals.
    (pgettext_lazy("menu section", "Services"), [
        (_("Technical demands"), "demands:list", "demand.view"),
        (_("Open calls"), "demands:board", "demand.view"),
        (_("Stations and bases"), "stations:list", "station.view"),
        (_("Service teams and visits"), "visits:list", "visit.view"),
        (pgettext_lazy("menu", "Proposals"), "proposals:list", "proposal.view"),
    ]),
    # Academic and popular-science activities (学术活动, 科普日 …).
    (pgettext_lazy("menu section", "Activities"), [
        (pgettext_lazy("menu", "Activities"), "activities:list", "activity.view"),
        (_("Volunteers"), "volunteers:list", "volunteer.view"),
        (_("Survey stations"), "surveys:list", "survey.view"),
    ]),
    # Reference for everyone: the organisation directory (as far as the user's scope goes) and the API.
    (pgettext_lazy("menu section", "Reference"), [
        (_("Organisations"), "organizations:tree", "org.view"),
        (_("Organisation list"), "organizations:list", "org.view"),
        (_("Grassroots coverage"), "coverage:overview", "org.view"),
        (_("API documentation"), "api:docs", None),
    ]),
    # People outside the network (S&T workers, enterprise contacts) who get external accounts.
    (pgettext_lazy("menu section", "Public users"), [
        (_("Invite external users"), "accounts:invitations", "external.invite"),
    ]),
    (pgettext_lazy("menu section", "System administration"), [
        (_("Users"), "accounts:user_list", "user.view"),
        (_("Roles"), "accounts:role_list", "role.manage"),
        (_("Security policy"), "accounts:security_policy", "security.manage"),
        (_("Login log"), "accounts:login_log", "loginlog.view"),
        (_("Audit log"), "audit:list", "audit.view"),
    ]),
]


# An external account's whole menu: its own pages, nothing of the staff's.
EXTERNAL_MENU = [
    (pgettext_lazy("menu section", "Mine"), [
        (_("My page"), "accounts:me", None),
        (_("My reviews"), "panels:mine", LINKED_PERSON),
        (_("My demands"), "demands:mine", None),
        (_("Open calls"), "demands:board", None),
        (_("My open-call applications"), "demands:my_applications", None),
        (_("My proposals"), "proposals:mine", None),
        (_("My activities"), "activities:my_registrations", None),
        (_("My abstracts"), "activities:my_abstracts", None),
        (_("My volunteer service"), "volunteers:mine", None),
        (_("My survey stations"), "surveys:mine", LINKED_PERSON),
        (_("Notifications"), "notifications:inbox", None),
        (_("Change password"), "accounts:password_change", None),
    ]),
]


def _has_person(user) -> bool:
    try:
        return user.person is not None
    except ObjectDoesNotExist:
        return False


def menu_for(user, path: str = "") -> list[dict]:
    """The sections of the menu ``user`` sees, each {"title", "items"}; the entry whose address is
    the longest prefix of ``path`` is marked active (so a list under /organizations/list/ does not
    also light up the tree at /organizations/)."""
    sections, active = [], None
    for title, entries in (EXTERNAL_MENU if getattr(user, "is_external", False) else MENU):
        items = []
        for label, url_name, code in entries:
            if code == LINKED_PERSON:
                if not _has_person(user):
                    continue
            elif code is not None and not user.has_code(code):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:  # a page not built yet is simply not in the menu
                continue
            item = {"label": label, "url": url, "active": False}
            if path == url or (url != "/" and path.startswith(url)):
                if active is None or len(url) > len(active["url"]):
                    active = item
            items.append(item)
        if items:
            sections.append({"title": title, "items": items})
    if active is not None:
        active["active"] = True
    return sections


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "menu_sections": []}
    sections = menu_for(user, request.path)
    return {"menu_sections": sections, "menu": [item for section in sections for item in section["items"]]}
