"""The review panels of the signed-in account's person on the S&T worker's home page: seats
(invitations to answer, panels confirmed) and the items to score; each opens 「我的评审」."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kexie.accounts.home import HomeItem, person_of

from .models import ACTIVE_SEAT_STATES, Assignment, ItemScore, PanelSeat, RoundStatus, SeatState


def my_reviews(user) -> list[HomeItem]:
    person = person_of(user)
    if person is None:
        return []
    mine = reverse("panels:mine")
    items = []
    seats = (PanelSeat.objects.select_related("round__organization")
             .filter(entry__person=person, state__in=ACTIVE_SEAT_STATES, invited_at__isnull=False)
             .order_by("-invited_at", "-pk"))
    for seat in seats:
        pending = seat.state == SeatState.INVITED
        items.append(HomeItem(title=str(seat.round.title), url=mine,
                              status=_("Invitation to answer") if pending else seat.get_state_display(),
                              when=seat.invited_at, detail=str(seat.round.organization),
                              action_label=pgettext("panel invitation", "Answer") if pending else "",
                              action_url=mine if pending else ""))
    scored = set(ItemScore.objects.filter(entry__person=person).values_list("item_id", "entry_id"))
    for a in (Assignment.objects.select_related("item__round", "seat")
              .filter(seat__entry__person=person, seat__state=SeatState.CONFIRMED,
                      item__round__status__in=(RoundStatus.REVIEWING, RoundStatus.SCORED))
              .order_by("-item__round__created_at", "item_id")):
        if (a.item_id, a.seat.entry_id) in scored:
            continue
        url = reverse("panels:my_score", args=[a.item_id])
        items.append(HomeItem(title=str(a.item.title), url=url, status=_("To score"), detail=str(a.item.round.title),
                              action_label=pgettext("action", "Score"), action_url=url))
    return items


def summary(user) -> str:
    items = my_reviews(user)
    pending = sum(1 for item in items if item.status == _("Invitation to answer"))
    to_score = sum(1 for item in items if item.status == _("To score"))
    return _("%(pending)d invitations to answer, %(to_score)d items to score") % {"pending": pending,
                                                                                   "to_score": to_score}
