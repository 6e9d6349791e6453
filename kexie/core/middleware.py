"""Request context for code that runs below the views (services, the audit writer)."""

from contextvars import ContextVar

_current_request: ContextVar = ContextVar("kexie_current_request", default=None)


def current_request():
    """The request being served on this thread, or None in commands and jobs."""
    return _current_request.get()


def client_ip(request) -> str:
    if request is None:
        return ""
    # Behind nginx the real address arrives in X-Real-IP (see README, Production).
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", "") or ""


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
