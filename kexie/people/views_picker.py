"""The search behind the person and staff pickers (kexie.people.picker)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_GET

from . import picker as pickers


@login_required
@require_GET
def pick(request):
    """At most ``PICK_LIMIT`` records matching ``q`` among those the user could pick in the form
    that asks (``field``: a registered picker's name or signed token), as JSON
    ``{"results": [{"id", "label"}]}``. The picker's own queryset function applies the user's
    scope, so no code is checked here: an unknown or forged ``field`` is not found (404)."""
    field = request.GET.get("field", "")
    if not field:
        return HttpResponseBadRequest()
    try:
        picker, params = pickers.resolve(field)
    except LookupError:
        raise Http404 from None
    q = request.GET.get("q", "")[:50]
    return JsonResponse({"results": pickers.pick(picker, params, request.user, q)})
