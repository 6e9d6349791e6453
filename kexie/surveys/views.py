"""Survey station pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kexie.accounts.scope import require_page_code as _require
from kexie.core.paging import paginate

from . import selectors

VIEW = selectors.VIEW
MANAGE = selectors.MANAGE


@login_required
@require_GET
def station_list(request):
    _require(request, VIEW)
    page = paginate(request, selectors.stations_for(request.user), 50)
    return render(request, "surveys/list.html", {"page_obj": page, "total": page.paginator.count,
                                                 "may_manage": request.user.has_code(MANAGE)})
