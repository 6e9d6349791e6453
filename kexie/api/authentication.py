"""API authentication: the browser session (with CSRF) and bearer tokens."""

from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    pass


class TokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"
