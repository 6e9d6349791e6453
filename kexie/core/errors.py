"""Our own error pages: Chinese by default, no framework internals, whatever DEBUG says.

Django renders 400.html, 403.html, 404.html and 500.html itself; these cover the cases it leaves
blank or English: a refused method (405, an empty body from ``require_GET`` and its kind), a
failed CSRF check (Django's own English page), an address under /api/ that matches no endpoint
(JSON, as the API's own 404 answers) and the icon browsers ask for at /favicon.ico.
"""

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound

FAVICON = Path(settings.BASE_DIR) / "static" / "kexie" / "favicon.ico"


class MethodNotAllowedPageMiddleware:
    """Give a page a body when a view refuses the method with an empty 405 (``require_POST``...).

    The API's 405 answers are JSON from the framework and stay as they are; the Allow header is
    kept so clients still learn which methods the page takes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        page = render(request, "405.html", {"allowed": response.get("Allow", "")}, status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page


def page_not_found(request, exception=None):
    """The 404 of an address no view takes. Under /api/ it is the API's JSON answer (``detail``, as
    the schema documents every 404), so that a client sending an id that is no number, or a path
    that does not exist, is not handed a web page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404,
                            json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)


def csrf_failure(request, reason: str = ""):
    """A form sent without a valid CSRF token, mostly one left open across a sign-out or restart."""
    return render(request, "403.html", {"reason": _("The form had expired. Go back, reload the page and send "
                                                    "it again.")}, status=403)


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """The site icon at the address browsers try by themselves, served by the app (no internet)."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
