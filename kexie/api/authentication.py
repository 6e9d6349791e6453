"""API authentication: bearer tokens (``Authorization: Token <key>``) and the browser session.

Tokens are listed first so that an anonymous call is answered 401 with a ``WWW-Authenticate``
header. A token lives for ``KEXIE_API_TOKEN_HOURS`` hours (default 12); the session behind the
web pages keeps its own idle timeout and second-factor check in the accounts middleware.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from kexie.accounts.selectors import password_change_required


def token_lifetime() -> timedelta:
    return timedelta(hours=getattr(settings, "KEXIE_API_TOKEN_HOURS", 12))


class SessionAuthentication(authentication.SessionAuthentication):
    pass


class TokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token.created < timezone.now() - token_lifetime():
            raise exceptions.AuthenticationFailed(_("The token has expired; request a new one."))
        # A password that expired (or was reset) while the token lived closes the API too.
        if password_change_required(user):
            raise exceptions.AuthenticationFailed(_("Your password must be changed. Change it on the web first."))
        return user, token
