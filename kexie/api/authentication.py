"""API authentication: bearer tokens (``Authorization: Token <key>``) and the browser session.

Tokens are listed first so that an anonymous call is answered 401 with a ``WWW-Authenticate``
header. A token lives for ``KEXIE_API_TOKEN_HOURS`` hours (default 12) and stops working when
unused for the security policy's idle time, as a session does; a password change, a lock or the
account's deactivation revokes it. The session behind the web pages keeps its own idle timeout and
second-factor check in the accounts middleware.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from kexie.accounts.models import SecurityPolicy, TokenUse
from kexie.accounts.selectors import password_change_required

# A token's last use is written at most this often (the idle timeout counts in minutes).
TOKEN_USE_RESOLUTION = timedelta(seconds=60)


def token_lifetime() -> timedelta:
    return timedelta(hours=getattr(settings, "KEXIE_API_TOKEN_HOURS", 12))


class SessionAuthentication(authentication.SessionAuthentication):
    pass


class TokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        # External accounts (public users) have no API: a token of theirs is no token.
        if getattr(user, "is_external", False):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.created < now - token_lifetime():
            raise exceptions.AuthenticationFailed(_("The token has expired; request a new one."))
        # Idle as a session is: unused for the security policy's idle time, it no longer works.
        idle = timedelta(minutes=SecurityPolicy.current().idle_timeout_minutes)
        last_used = TokenUse.objects.filter(token=token).values_list("last_used_at", flat=True).first()
        if (last_used or token.created) < now - idle:
            raise exceptions.AuthenticationFailed(_("The token has not been used for %(minutes)d minutes and has "
                                                    "expired; request a new one.")
                                                  % {"minutes": int(idle.total_seconds() // 60)})
        if last_used is None or now - last_used >= TOKEN_USE_RESOLUTION:
            TokenUse.objects.update_or_create(token=token, defaults={"last_used_at": now})
        # A password that expired (or was reset) while the token lived closes the API too.
        if password_change_required(user):
            raise exceptions.AuthenticationFailed(_("Your password must be changed. Change it on the web first."))
        return user, token
