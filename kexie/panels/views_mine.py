"""「我的评审」: an expert's own review pages, for any signed-in account (staff or external) linked
to a person record (``Person.account``).

The expert answers their panel invitations and scores the items assigned to them; nothing else
of the round is shown (no other expert's scores, no ranking). Every object is fetched through
the account's own person, so another expert's seat or item is not found (404). The services do
the writing and check the same again.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.core.forms import apply_service_errors
from kexie.people.models import Person

from . import services
from .models import ACTIVE_SEAT_STATES, Assignment, ItemScore, PanelSeat, RoundStatus, SeatState

SCORING = (RoundStatus.REVIEWING, RoundStatus.SCORED)


def my_person(user) -> Person | None:
    """The person record linked to ``user``'s account, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(account_id=user.pk, merged_into__isnull=True).first()


def _my_assignment(request, item_pk) -> Assignment:
    """The signed-in expert's own assignment to the item; any other is not found."""
    assignment = (Assignment.objects.select_related("item__round__organization", "seat__entry__person")
                  .filter(item_id=item_pk, seat__entry__person__account_id=request.user.pk,
                          seat__entry__person__merged_into__isnull=True, seat__state__in=ACTIVE_SEAT_STATES)
                  .first())
    if assignment is None:
        raise Http404
    return assignment


@login_required
@require_GET
def mine(request):
    person = my_person(request.user)
    invitations, seats, items = [], [], []
    if person is not None:
        seats = list(PanelSeat.objects.select_related("round__organization")
                     .filter(entry__person=person, state__in=ACTIVE_SEAT_STATES, invited_at__isnull=False)
                     .order_by("-invited_at", "-pk"))
        invitations = [s for s in seats if s.state == SeatState.INVITED]
        scored = set(ItemScore.objects.filter(entry__person=person).values_list("item_id", "entry_id"))
        for a in (Assignment.objects.select_related("item__round", "seat")
                  .filter(seat__entry__person=person, seat__state__in=ACTIVE_SEAT_STATES)
                  .order_by("-item__round__created_at", "item_id")):
            items.append({"item": a.item, "round": a.item.round, "scored": (a.item_id, a.seat.entry_id) in scored,
                          "open": a.item.round.status in SCORING})
    return render(request, "panels/mine.html", {"person": person, "invitations": invitations,
                                                "confirmed": [s for s in seats if s.state == SeatState.CONFIRMED],
                                                "items": items})


@login_required
@require_POST
def my_seat_respond(request, pk):
    seat = PanelSeat.objects.filter(pk=pk, entry__person__account_id=request.user.pk,
                                    entry__person__merged_into__isnull=True).first()
    if seat is None:
        raise Http404
    accept = request.POST.get("answer") == "accept"
    try:
        services.seat_respond(by=request.user, seat=seat, accept=accept)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("You accepted the invitation.") if accept
                         else _("You declined the invitation."))
    return redirect("panels:mine")


class ScoreForm(forms.Form):
    """One field per criterion of the round's form (checked by the service, which names the
    criterion in its message), and a comment."""

    comment = forms.CharField(label=gettext_lazy("Review comment"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for c in criteria:
            fields[c["code"]] = forms.CharField(
                label=_("%(name)s (0 to %(max)s points)") % {"name": c["name"], "max": _number(c["max"])},
                required=False, max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}))
        self.fields = {**fields, "comment": self.fields["comment"]}
        self.criteria = criteria


def _number(value) -> str:
    number = Decimal(str(value))
    return str(number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize())


def _nomination(item):
    """The award nomination the item stands for, with its materials, or None."""
    from kexie.awards.models import Nomination

    return Nomination.objects.filter(review_item=item).select_related("nominee").prefetch_related(
        "materials").first()


@login_required
@require_http_methods(["GET", "POST"])
def my_score(request, pk):
    assignment = _my_assignment(request, pk)
    item, entry = assignment.item, assignment.seat.entry
    round = item.round
    mine = ItemScore.objects.filter(item=item, entry=entry).first()
    initial = {**(mine.values if mine else {}), "comment": mine.comment if mine else ""}
    form = ScoreForm(request.POST or None, initial=initial, criteria=round.form)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {c["code"]: form.cleaned_data.get(c["code"], "") for c in round.form}
            try:
                services.score_submit(by=request.user, item=item, entry=entry, values=values,
                                      comment=form.cleaned_data["comment"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Your scores for “%(item)s” were saved.") % {"item": item.title})
                return redirect("panels:mine")
        status = 400
    return render(request, "panels/mine_score.html", {
        "item": item, "round": round, "form": form, "score": mine, "open": round.status in SCORING,
        "nomination": _nomination(item)}, status=status)
