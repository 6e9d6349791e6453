"""Request context for code that runs below the views (services, the audit writer)."""

import functools
import ipaddress
from contextvars import ContextVar

from django.conf import settings

_current_request: ContextVar = ContextVar("kexie_current_request", default=None)


def current_request():
    """The request being served on this thread, or None in commands and jobs."""
    return _current_request.get()


REFUSAL_NOTE = "_kexie_refusal"


def note_refusal(detail: str) -> None:
    """Mark the current request as refused (e.g. an upload that failed its checks), for the audit
    trail's middleware (kexie.audit.refusals), which writes the row once the response is made,
    outside any transaction the refusal may roll back."""
    request = current_request()
    if request is not None:
        setattr(request, REFUSAL_NOTE, detail)


@functools.cache
def _trusted_proxies(addresses: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(address, strict=False) for address in addresses)


def _address(text: str):
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address, as login rows, the per-address lockout and the audit trail record it.

    The socket's address, unless it is one of ``KEXIE_TRUSTED_PROXIES`` (default: this machine, where
    nginx runs): then the ``X-Real-IP`` that proxy sets (see docs/production.md). A header sent by
    anyone else is ignored, so a client cannot choose the address it is recorded under."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    remote_address = _address(remote)
    trusted = _trusted_proxies(tuple(settings.TRUSTED_PROXIES))
    if remote_address is not None and any(remote_address in network for network in trusted):
        forwarded = _address(request.META.get("HTTP_X_REAL_IP", ""))
        if forwarded is not None:
            return str(forwarded)
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


class DefaultLanguageMiddleware:
    """Chinese unless the user chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to
    every office whose browsers were installed in English. Pages here follow the language cookie
    (set by the 中文/English switch) and otherwise the default language; API clients may still ask
    for a language with Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if not (language and translation.check_for_language(language)):
            language = settings.LANGUAGE_CODE
            if request.path.startswith("/api/") and request.META.get("HTTP_ACCEPT_LANGUAGE"):
                language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
