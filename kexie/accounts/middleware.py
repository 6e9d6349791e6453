"""Session security: idle timeout, the second factor and forced password changes.

Runs after AuthenticationMiddleware, on every request of a signed-in browser session. API calls
authenticated by token carry no session user here (DRF authenticates them in the view), so
they pass untouched; API calls made with the browser session get JSON answers, not redirects.
"""

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import selectors
from .models import SecurityPolicy
from .sessionkeys import LAST_SEEN, OTP_VERIFIED, SIGNED_IN_AT

API_PREFIX = "/api/"
# The last request's time is written back to the session at most this often: the idle timeout
# counts in minutes, and a session saved on every request costs a database write per request.
LAST_SEEN_RESOLUTION = 30
# Pages a user may reach while a password change or the second factor is pending.
_ALLOWED_WHILE_FORCED = ("accounts:logout", "accounts:login", "accounts:password_change", "accounts:otp",
                         "set_language")


def _allowed_paths() -> tuple[str, ...]:
    paths = []
    for name in _ALLOWED_WHILE_FORCED:
        try:
            paths.append(reverse(name))
        except NoReverseMatch:
            pass
    return tuple(paths)


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.check(request) or self.get_response(request)

    def check(self, request):
        path = request.path_info
        if path.startswith(settings.STATIC_URL) or path.startswith(settings.MEDIA_URL):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        from .services import logout_user

        policy = SecurityPolicy.current()
        session = request.session
        now = time.time()
        last_seen = session.get(LAST_SEEN)
        if last_seen is not None and now - float(last_seen) > policy.idle_timeout_minutes * 60:
            logout_user(request=request, idle=True)
            return self._signed_out(request, path)
        revoked = user.sessions_revoked_at
        if revoked is not None and float(session.get(SIGNED_IN_AT, 0)) <= revoked.timestamp():
            logout_user(request=request)
            return self._signed_out(request, path, _("You were signed out: all sessions of your account were "
                                                     "ended. Please sign in again."))
        if last_seen is None or now - float(last_seen) >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN] = now

        if path in _allowed_paths():
            return None
        # Whoever has enrolled a second factor uses it, even where the role does not demand it.
        if (user.needs_totp or user.totp_confirmed) and not session.get(OTP_VERIFIED):
            return self._forced(request, path, "accounts:otp",
                                _("A second factor is required: enter the code from your authenticator app."))
        if selectors.password_change_required(user, policy):
            return self._forced(request, path, "accounts:password_change",
                                _("You must change your password before you continue."))
        return None

    def _signed_out(self, request, path, text=None):
        text = text or _("You were signed out automatically after a period of inactivity.")
        if path.startswith(API_PREFIX):
            return JsonResponse({"detail": text}, status=401)
        response = self._redirect(request, f"{reverse('accounts:login')}?next={quote(request.get_full_path())}")
        # The message middleware runs after this one and will not see this request, so the
        # message is stored on the response directly.
        storage = default_storage(request)
        storage.add(messages.WARNING, text)
        storage.update(response)
        return response

    def _forced(self, request, path, url_name, text):
        if path.startswith(API_PREFIX):
            return JsonResponse({"detail": text}, status=403)
        return self._redirect(request, f"{reverse(url_name)}?next={quote(request.get_full_path())}")

    @staticmethod
    def _redirect(request, url):
        if request.headers.get("HX-Request"):
            # htmx would swap the target page into a fragment; ask it to navigate instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


# What an external account may open: its own page, its password, its notifications, signing out,
# its review pages as an expert, and the pages anyone may open. Everything else is for staff.
EXTERNAL_URL_NAMES = frozenset({
    "accounts:me", "accounts:password_change", "accounts:otp", "accounts:logout", "accounts:login",
    "accounts:signup", "accounts:signup_verify", "accounts:signup_complete", "accounts:password_reset",
    "accounts:password_reset_confirm", "accounts:invitation_accept",
    "notifications:inbox", "notifications:read", "notifications:read_all", "set_language", "favicon",
    "healthz", "readyz",
    # The public pages where a respondent answers a survey with a code (kexie.surveys).
    "surveys:answer", "surveys:answer_done",
    # An investigator's own survey stations and their codes (through the account's person record).
    "surveys:mine", "surveys:my_codes_export",
    # An expert's own review pages: they fetch everything through the account's own person record.
    "panels:mine", "panels:my_seat_respond", "panels:my_score",
    # An enterprise contact's own demands and the open-call board where teams apply (kexie.demands);
    # an S&T worker's own proposals (kexie.proposals). Each fetches only the account's own records.
    "demands:mine", "demands:my_new", "demands:my_detail", "demands:board", "demands:board_detail",
    "demands:apply", "demands:my_applications", "demands:team_report", "proposals:mine", "proposals:my_submit",
    # Activities open for registration, and the account's own registrations, tickets and certificates.
    "activities:open", "activities:register", "activities:my_registrations", "activities:my_cancel",
    "activities:my_certificate",
    # The account's own abstracts to conferences' calls for abstracts.
    "activities:my_abstracts", "activities:my_abstract_submit",
    # Volunteer opportunities open for sign-up, and the account's own sign-ups, hours and certificate.
    "volunteers:board", "volunteers:my_signup", "volunteers:mine", "volunteers:my_cancel", "volunteers:my_report",
    "volunteers:my_certificate",
})


class ExternalAccountMiddleware:
    """External accounts (S&T workers, enterprise contacts) are confined to ``EXTERNAL_URL_NAMES``.

    Any other page answers 404 for them, as an object outside a data scope does: staff pages,
    forms and the API through the browser session alike (their API tokens are refused by
    kexie.api.authentication, and the token endpoint issues none). The home page (the staff
    workbench) sends them to their own page instead. Runs after the session checks above, so an
    idle or revoked session is still signed out first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not getattr(user, "is_external", False):
            return None
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if name in EXTERNAL_URL_NAMES:
            return None
        if name == "home":
            return HttpResponseRedirect(reverse("accounts:me"))
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": _("Not found.")}, status=404)
        raise Http404
