"""Pages of public users: self sign-up with a verified e-mail address or mobile number, password
reset by code, accepting an invitation; the external account's own page; the staff page that
sends invitations.

Every form an anonymous visitor sends here is an AnonymousForm (declared fields only) behind a
rate limit per address and per account (kexie.core.ratelimit)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kexie.core.paging import paginate
from kexie.core.ratelimit import post_field, rate_limited

from . import public, services, sms
from .home import home_for
from .forms import AccountDetailsForm, AddressForm, CodeForm, InvitationForm, ResetConfirmForm
from .models import Invitation, VerificationCode
from .views import _add_errors

SIGNUP = "kexie_signup"   # session: {"code": id of the sign-up code, "verified": bool}
RESET = "kexie_reset"     # session: {"code": id of the reset code, "address": masked address}


def _flow_code(request, key: str) -> str:
    """The account a code-entry request counts against: the code being tried."""
    flow = request.session.get(key) or {}
    return f"code:{flow.get('code', '')}" if flow.get("code") else ""


def _signup_open():
    if not settings.KEXIE_PUBLIC_SIGNUP:
        raise Http404


def _bad(form) -> int:
    return 400 if form.errors else 200


# --- self sign-up -------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@rate_limited("signup", account=post_field("address"))
def signup(request):
    """Step 1: the e-mail address (or mobile number) to verify."""
    _signup_open()
    if request.user.is_authenticated:
        return redirect("home")
    form = AddressForm(request.POST or None, sms_enabled=sms.sms_enabled())
    if request.method == "POST" and form.is_valid():
        row = public.code_send(purpose=VerificationCode.Purpose.SIGNUP, address=form.cleaned_data["address"],
                               request=request)
        request.session[SIGNUP] = {"code": row.pk, "verified": False,
                                   "address": public.mask_address(form.cleaned_data["address"])}
        return redirect("accounts:signup_verify")
    return render(request, "accounts/signup.html", {"form": form, "sms_enabled": sms.sms_enabled()},
                  status=_bad(form))


@require_http_methods(["GET", "POST"])
@rate_limited("code", account=lambda request: _flow_code(request, SIGNUP))
def signup_verify(request):
    """Step 2: the code that was sent."""
    _signup_open()
    flow = request.session.get(SIGNUP)
    if request.user.is_authenticated:
        return redirect("home")
    if not flow:
        return redirect("accounts:signup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = public.code_check(code_id=flow["code"], purpose=VerificationCode.Purpose.SIGNUP,
                                    code=form.cleaned_data["code"])
        except public.CodeRefused as refused:
            form.add_error("code", refused.message)
        else:
            if not public.signup_address_free(row):
                request.session.pop(SIGNUP, None)
                messages.warning(request, _("An account with this e-mail address or mobile number exists already: "
                                            "sign in, or reset the password if you forgot it."))
                return redirect("accounts:login")
            request.session[SIGNUP] = {**flow, "verified": True}
            return redirect("accounts:signup_complete")
    return render(request, "accounts/signup_verify.html", {"form": form, "address": flow.get("address", "")},
                  status=_bad(form))


@require_http_methods(["GET", "POST"])
@rate_limited("signup_complete", account=lambda request: _flow_code(request, SIGNUP))
def signup_complete(request):
    """Step 3: name and password; the account is made and signed in."""
    _signup_open()
    flow = request.session.get(SIGNUP)
    if request.user.is_authenticated:
        return redirect("home")
    if not flow or not flow.get("verified"):
        return redirect("accounts:signup")
    form = AccountDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = public.signup_complete(code_id=flow["code"], full_name=form.cleaned_data["full_name"],
                                          password=form.cleaned_data["password1"], request=request)
        except public.CodeRefused as refused:
            request.session.pop(SIGNUP, None)
            messages.error(request, refused.message)
            return redirect("accounts:signup")
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            request.session.pop(SIGNUP, None)
            public.sign_in_new_account(request, user)
            messages.success(request, _("Your account was created and you are signed in."))
            return redirect("accounts:me")
    return render(request, "accounts/signup_complete.html", {"form": form, "address": flow.get("address", "")},
                  status=_bad(form))


# --- password reset (external accounts) ---------------------------------------------------------

@require_http_methods(["GET", "POST"])
@rate_limited("password_reset", account=post_field("address"))
def password_reset(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = AddressForm(request.POST or None, sms_enabled=sms.sms_enabled())
    if request.method == "POST" and form.is_valid():
        row = public.code_send(purpose=VerificationCode.Purpose.RESET, address=form.cleaned_data["address"],
                               request=request)
        request.session[RESET] = {"code": row.pk, "address": public.mask_address(form.cleaned_data["address"])}
        return redirect("accounts:password_reset_confirm")
    return render(request, "accounts/password_reset.html", {"form": form, "sms_enabled": sms.sms_enabled()},
                  status=_bad(form))


@require_http_methods(["GET", "POST"])
@rate_limited("code", account=lambda request: _flow_code(request, RESET))
def password_reset_confirm(request):
    flow = request.session.get(RESET)
    if request.user.is_authenticated:
        return redirect("home")
    if not flow:
        return redirect("accounts:password_reset")
    form = ResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            public.password_reset(code_id=flow["code"], code=form.cleaned_data["code"],
                                  password=form.cleaned_data["password1"], request=request)
        except public.CodeRefused as refused:
            form.add_error("code", refused.message)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            request.session.pop(RESET, None)
            messages.success(request, _("Your password was changed and every session of your account was ended. "
                                        "Sign in with the new password."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form, "address": flow.get("address", "")},
                  status=_bad(form))


# --- invitations --------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@rate_limited("invitation", account=lambda request: request.resolver_match.kwargs.get("token", "")[:100])
def invitation_accept(request, token):
    if request.user.is_authenticated:
        return redirect("home")
    invitation = public.invitation_find(token)
    if invitation is None:
        return render(request, "accounts/invitation_accept.html", {"invalid": True}, status=404)
    form = AccountDetailsForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            user = public.invitation_accept(token=token, full_name=form.cleaned_data["full_name"],
                                            password=form.cleaned_data["password1"], request=request)
        except public.CodeRefused as refused:
            return render(request, "accounts/invitation_accept.html", {"invalid": True, "reason": refused.message},
                          status=404)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            public.sign_in_new_account(request, user)
            messages.success(request, _("Your account was created and you are signed in."))
            return redirect("accounts:me")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation},
                  status=_bad(form))


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request):
    """Staff with external.invite: invite a person, and see the invitations they sent."""
    if not request.user.has_code("external.invite"):
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    if not sms.sms_enabled():
        form.fields["address"].label = _("E-mail")
    if request.method == "POST" and form.is_valid():
        try:
            public.invitation_create(by=request.user, address=form.cleaned_data["address"],
                                     full_name=form.cleaned_data["full_name"], request=request)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The invitation was sent. The link works once, for %(days)d days.")
                             % {"days": settings.KEXIE_INVITATION_DAYS})
            return redirect("accounts:invitations")
    sent = Invitation.objects.filter(created_by=request.user).select_related("account")
    return render(request, "accounts/invitations.html", {"form": form, "page_obj": paginate(request, sent, 20),
                                                         "sms_enabled": sms.sms_enabled()},
                  status=_bad(form))


# --- the external account's own page -------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def me(request):
    """「科技工作者之家」: an external account's home — a header with the person's name and a card per
    section (its count, a link to it), the sections of its own records from every service, and its
    profile (masked)."""
    user = request.user
    if not user.is_external:
        return redirect("accounts:profile")
    if request.method == "POST" and request.POST.get("action") == "sign_out_everywhere":
        services.sign_out_everywhere(by=user, user=user, request=request)
        return redirect("accounts:me")  # this session ends too: the next page asks to sign in
    home = home_for(user)
    return render(request, "accounts/me.html", {
        "account": user, "home": home,
        "has_reviews": any(block["section"].key == "panels.reviews" for block in home)})
