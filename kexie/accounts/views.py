"""Sign-in, own account, users, roles, the security policy and the login log. Views stay thin:
they parse input with a form, call a service or selector, and render."""

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from kexie.core.paging import paginate
from kexie.core.ratelimit import post_field, rate_limited, signed_in_user

from . import selectors, services
from .forms import (
    LoginForm,
    LoginLogFilterForm,
    OTPForm,
    PasswordChangeForm,
    PositionForm,
    RoleForm,
    SecurityPolicyForm,
    UserForm,
    UserSearchForm,
    grouped_permissions,
)
from .models import Position, Role, SecurityPolicy, User
from .scope import access_object
from .sessionkeys import OTP_VERIFIED

PAGE_SIZE = 20
PASSWORD_WARNING_DAYS = 7  # warn at sign-in this many days before the password expires
_TEMP_PASSWORD = "kexie_temporary_password"


def _need(request, code: str) -> None:
    if not request.user.has_code(code):
        raise PermissionDenied


def _safe_next(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return ""


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (others above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _page(request, queryset):
    return paginate(request, queryset, PAGE_SIZE)


# --- sign-in ------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@rate_limited("login", account=post_field("username"))
def login_view(request):
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = services.login_attempt(request=request, username=form.cleaned_data["username"],
                                        password=form.cleaned_data["password"])
        if result.user is not None:
            days = selectors.password_days_left(result.user)
            if days is not None and days <= PASSWORD_WARNING_DAYS and not result.user.must_change_password:
                messages.warning(request, _("Your password expires in %(days)d day(s); please change it soon.")
                                 % {"days": days})
            landing = "accounts:me" if result.user.is_external else settings.LOGIN_REDIRECT_URL
            return redirect(next_url or landing)
        error = result.error
    return render(request, "accounts/login.html", {"form": form, "error": error, "next": next_url,
                                                   "signup_open": settings.KEXIE_PUBLIC_SIGNUP},
                  status=400 if request.method == "POST" and form.errors else 200)


@require_POST
def logout_view(request):
    signed_in = request.user.is_authenticated
    services.logout_user(request=request)
    if signed_in:
        messages.success(request, _("You have signed out."))
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(user=user, by=user, raw=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc.messages)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect(_safe_next(request) or ("accounts:me" if user.is_external else "accounts:profile"))
    reason = ""
    if user.must_change_password:
        reason = _("This is your first sign-in (or your password was reset): choose a new password.")
    elif selectors.password_expired(user):
        reason = _("Your password has expired: choose a new password.")
    return render(request, "accounts/password_change.html",
                  {"form": form, "reason": reason, "next": _safe_next(request)},
                  status=400 if form.errors else 200)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return base64.b64encode(image.to_string()).decode("ascii")


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("totp", account=signed_in_user)
def otp(request):
    user = request.user
    if not user.totp_secret_encrypted:
        services.totp_begin_enrolment(user=user)
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_verify(request=request, user=user, code=form.cleaned_data["code"]):
            messages.success(request, _("Second factor verified."))
            return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
        until = selectors.locked_until(username=user.get_username(), ip="")
        if until is not None:
            services.logout_user(request=request)
            messages.error(request, services.lock_message(until))
            return redirect("accounts:login")
        left = selectors.attempts_left(username=user.get_username(), ip="")
        form.add_error("code", _("Wrong code. %(left)d attempt(s) left before sign-in is locked.") % {"left": left})
    context = {"form": form, "enrolling": not user.totp_confirmed, "verified": request.session.get(OTP_VERIFIED),
               "next": _safe_next(request)}
    if not user.totp_confirmed:
        uri = services.totp_uri(user)
        context.update(secret=user.totp_secret, uri=uri, qr=_qr_svg(uri))
    return render(request, "accounts/otp.html", context, status=400 if form.errors else 200)


# --- own account --------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    new_token = None
    if request.method == "POST":
        if request.POST.get("action") == "token_create":
            new_token = services.api_token_create(user=user).key
            messages.success(request, _("A new API token was created. Copy it now: it will not be shown again."))
        elif request.POST.get("action") == "token_revoke":
            services.api_token_revoke(user=user)
            messages.success(request, _("Your API token was revoked."))
            return redirect("accounts:profile")
        elif request.POST.get("action") == "sign_out_everywhere":
            services.sign_out_everywhere(by=user, user=user, request=request)
            return redirect("accounts:profile")  # this session ends too: the next page asks to sign in
    token = Token.objects.filter(user=user).first()
    return render(request, "accounts/profile.html", {
        "account": user, "roles": user.cached_roles(), "positions": user.positions.select_related("organization"),
        "token": token, "masked_token": (token.key[:4] + "…" + token.key[-4:]) if token else "",
        "new_token": new_token, "password_expires": selectors.password_expired(user),
    })


# --- users --------------------------------------------------------------------------------------

@login_required
def user_list(request):
    _need(request, "user.view")
    form = UserSearchForm(request.user, request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = selectors.user_list(by=request.user, text=filters.get("q", ""),
                                organization=filters.get("organization"), role=filters.get("role"))
    return render(request, "accounts/user_list.html", {"form": form, "page_obj": _page(request, users)})


@login_required
def user_detail(request, pk):
    _need(request, "user.view")
    account = access_object(User.objects.select_related("organization"), request.user, "user.view", pk=pk)
    # A temporary password is shown once, on the page of the account it belongs to.
    temporary = request.session.get(_TEMP_PASSWORD)
    if temporary and temporary.get("user") == account.pk:
        del request.session[_TEMP_PASSWORD]
    else:
        temporary = None
    can_manage = request.user.has_code("user.manage") and User.objects.restrict(
        request.user, "user.manage").filter(pk=account.pk).exists()
    return render(request, "accounts/user_detail.html", {
        "account": account, "roles": account.roles.all(),
        "positions": account.positions.select_related("organization"),
        "temporary_password": temporary and temporary["password"],
        "can_manage": can_manage, "can_unlock": request.user.has_code("user.unlock"),
        "can_unmask": request.user.has_code("pii.unmask"),
        "locked_until": selectors.locked_until(username=account.username, ip=""),
        "position_form": PositionForm(request.user) if can_manage else None,
    })


def _user_form_values(form):
    data = form.cleaned_data
    return {"full_name": data["full_name"], "organization": data["organization"], "mobile": data["mobile"],
            "email": data["email"], "id_number": data["id_number"]}


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    _need(request, "user.manage")
    form = UserForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account, raw = services.user_create(by=request.user, username=form.cleaned_data["username"],
                                                roles=form.cleaned_data["roles"], **_user_form_values(form))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            request.session[_TEMP_PASSWORD] = {"user": account.pk, "password": raw}
            messages.success(request, _("User %(name)s was created.") % {"name": account})
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": None},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request, pk):
    _need(request, "user.manage")
    account = access_object(User, request.user, "user.manage", pk=pk)
    initial = {"full_name": account.full_name, "organization": account.organization, "mobile": account.mobile,
               "email": account.email, "roles": list(account.roles.all())}
    form = UserForm(request.user, request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            # Details and roles are saved together or not at all.
            with transaction.atomic():
                services.user_update(by=request.user, user=account, **_user_form_values(form))
                services.user_set_roles(by=request.user, user=account, roles=form.cleaned_data["roles"])
        except ValidationError as exc:
            _add_errors(form, exc)
            account.refresh_from_db()
        else:
            messages.success(request, _("User %(name)s was saved.") % {"name": account})
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": account},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def user_action(request, pk):
    """The buttons on a user's page: enable/disable, reset password, unlock, reset second factor."""
    action = request.POST.get("action", "")
    code = {"activate": "user.manage", "deactivate": "user.manage", "reset_password": "user.manage",
            "unlock": "user.unlock", "reset_totp": "user.unlock", "sign_out": "user.unlock"}.get(action)
    if code is None:
        return HttpResponseBadRequest(_("Unknown action."))
    _need(request, code)
    account = access_object(User, request.user, code, pk=pk)
    try:
        if action in ("activate", "deactivate"):
            services.user_set_active(by=request.user, user=account, active=action == "activate")
            messages.success(request, _("The account was enabled.") if action == "activate"
                             else _("The account was disabled."))
        elif action == "reset_password":
            raw = services.user_reset_password(by=request.user, user=account)
            request.session[_TEMP_PASSWORD] = {"user": account.pk, "password": raw}
            messages.success(request, _("A temporary password was set; the user must change it at next sign-in."))
        elif action == "sign_out":
            services.sign_out_everywhere(by=request.user, user=account, request=request)
            messages.success(request, _("Every session of the account was ended and its API token revoked."))
        elif action == "unlock":
            services.user_unlock(by=request.user, user=account, request=request)
            messages.success(request, _("The account was unlocked."))
        else:
            services.totp_reset(by=request.user, user=account)
            messages.success(request, _("The second factor was reset; the user will enrol again at next sign-in."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("accounts:user_detail", pk=account.pk)


@login_required
@require_POST
def position_add(request, pk):
    _need(request, "user.manage")
    account = access_object(User, request.user, "user.manage", pk=pk)
    form = PositionForm(request.user, request.POST)
    if form.is_valid():
        try:
            services.position_add(by=request.user, user=account, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
    if form.errors:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
    else:
        messages.success(request, _("The position was added."))
    return redirect("accounts:user_detail", pk=account.pk)


@login_required
@require_POST
def position_remove(request, pk, position_pk):
    _need(request, "user.manage")
    account = access_object(User, request.user, "user.manage", pk=pk)
    position = get_object_or_404(Position, pk=position_pk, user=account)
    services.position_remove(by=request.user, position=position)
    messages.success(request, _("The position was removed."))
    return redirect("accounts:user_detail", pk=account.pk)


@login_required
@require_POST
def unmask(request, pk):
    """htmx: one personal-data field in clear, in place of its masked form (audited)."""
    _need(request, "pii.unmask")
    account = access_object(User, request.user, "pii.unmask", pk=pk)
    field = request.POST.get("field", "")
    try:
        value = services.user_unmask(by=request.user, user=account, field=field)
    except ValidationError:
        return HttpResponseBadRequest(_("Unknown field."))
    return HttpResponse(format_html('<span id="pii-{}" class="unmasked">{}</span>', field, value or "—"))


# --- roles --------------------------------------------------------------------------------------

@login_required
def role_list(request):
    _need(request, "role.manage")
    roles = Role.objects.prefetch_related("users").order_by("id")
    return render(request, "accounts/role_list.html", {"roles": roles})


def _role_values(form, role=None) -> dict:
    data = form.cleaned_data
    values = {"name": data["name"], "description": data["description"], "permissions": data["permissions"],
              "data_scope": data["data_scope"], "require_totp": data["require_totp"],
              "custom_organizations": data["custom_organizations"]}
    if role is None or not role.is_builtin:
        values.update(code=data["code"], admin_kind=data["admin_kind"] or "")
    return values


@login_required
@require_http_methods(["GET", "POST"])
def role_create(request):
    _need(request, "role.manage")
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role = services.role_create(by=request.user, **_role_values(form))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Role %(name)s was created.") % {"name": role})
            return redirect("accounts:role_list")
    selected = form.data.getlist("permissions") if form.is_bound else []
    return render(request, "accounts/role_form.html",
                  {"form": form, "role": None, "groups": grouped_permissions(selected)},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def role_edit(request, pk):
    _need(request, "role.manage")
    role = get_object_or_404(Role, pk=pk)
    initial = {"name": role.name, "code": role.code, "description": role.description,
               "admin_kind": role.admin_kind, "permissions": role.permissions, "data_scope": role.data_scope,
               "custom_organizations": list(role.custom_organizations.all()), "require_totp": role.require_totp}
    form = RoleForm(request.POST or None, initial=initial, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_update(by=request.user, role=role, **_role_values(form, role))
        except ValidationError as exc:
            _add_errors(form, exc)
            role.refresh_from_db()
        else:
            messages.success(request, _("Role %(name)s was saved.") % {"name": role})
            return redirect("accounts:role_list")
    selected = form.data.getlist("permissions") if form.is_bound else role.permissions
    return render(request, "accounts/role_form.html",
                  {"form": form, "role": role, "groups": grouped_permissions(selected)},
                  status=400 if form.errors else 200)


# --- security policy and login log --------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def security_policy(request):
    _need(request, "security.manage")
    policy = SecurityPolicy.current()
    initial = {field: getattr(policy, field) for field in services.POLICY_FIELDS}
    form = SecurityPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.security_policy_update(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The security policy was saved."))
            return redirect("accounts:security_policy")
    return render(request, "accounts/security_policy.html", {"form": form, "policy": policy},
                  status=400 if form.errors else 200)


@login_required
def login_log(request):
    _need(request, "loginlog.view")
    form = LoginLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.login_log_list(by=request.user, username=filters.get("username", ""),
                                    ip=filters.get("ip", ""), success=filters.get("success"),
                                    event=filters.get("event", ""), date_from=filters.get("date_from"),
                                    date_to=filters.get("date_to"))
    return render(request, "accounts/login_log.html", {"form": form, "page_obj": _page(request, rows)})

