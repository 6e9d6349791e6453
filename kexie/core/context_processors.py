"""The left-hand menu, built from the signed-in user's permission codes."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# (label, url name, permission code or None for everyone signed in, icon letter)
MENU = [
    (_("Home"), "home", None),
    (_("Dashboard"), "dashboard:home", "plan.view"),
    (_("Organisations"), "organizations:tree", "org.view"),
    (_("Organisation list"), "organizations:list", "org.view"),
    (_("Plans"), "plans:list", "plan.view"),
    (_("Ledger"), "ledger:all", "plan.view"),
    (pgettext_lazy("menu", "Filing"), "tracking:filing", "report.submit"),
    (pgettext_lazy("menu", "Review"), "tracking:reviews", "report.review"),
    (pgettext_lazy("menu", "Deferrals"), "tracking:deferrals", "plan.view"),
    (_("Supervision"), "supervision:list", "plan.view"),
    (_("Societies"), "societies:list", "society.view"),
    (_("My annual reports"), "societies:my_reports", "annual_report.submit"),
    (_("Society evaluation"), "evaluation:index", "society.view"),
    (_("First-class societies / four batches"), "selection:round_list", "society.view"),
    (_("Users"), "accounts:user_list", "user.view"),
    (_("Roles"), "accounts:role_list", "role.manage"),
    (_("Security policy"), "accounts:security_policy", "security.manage"),
    (_("Login log"), "accounts:login_log", "loginlog.view"),
    (_("Audit log"), "audit:list", "audit.view"),
    (_("API documentation"), "api:docs", None),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    items = []
    for label, url_name, code in MENU:
        if code is not None and not user.has_code(code):
            continue
        try:
            url = reverse(url_name)
        except Exception:  # a page not built yet is simply not in the menu
            continue
        items.append({"label": label, "url": url, "active": request.path == url or (
            url != "/" and request.path.startswith(url))})
    return {"menu": items}
