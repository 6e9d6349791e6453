"""OpenAPI descriptions of the project's own authentication classes (imported by ApiConfig.ready)."""

from drf_spectacular.authentication import SessionScheme, TokenScheme


class KexieSessionScheme(SessionScheme):
    target_class = "kexie.api.authentication.SessionAuthentication"


class KexieTokenScheme(TokenScheme):
    target_class = "kexie.api.authentication.TokenAuthentication"
