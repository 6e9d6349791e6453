"""Reads of review rounds: the one ranking that page, export, notice and API all use, the panel
as a clerk may see it (sealed seats without names) and the conflicts with their reasons."""

from dataclasses import dataclass
from decimal import Decimal

from kexie.rubric.panel import combine
from kexie.rubric.panel import ranking as rank_items

from .models import ACTIVE_SEAT_STATES, Assignment, ConflictRecord, ItemScore, PanelSeat, ReviewRound, RoundStatus

# A round's ranking is shown — on its page, the award call's page and the API — once scoring is
# closed, never while experts are still scoring.
RANKED_STATES = (RoundStatus.SCORED, RoundStatus.NOTICE, RoundStatus.DECIDED)


def is_ranked(round: ReviewRound) -> bool:
    return round.status in RANKED_STATES


def rounds_for(user, action: str = "expert.view"):
    """The rounds ``user`` may see: those of the organisations in their scope."""
    return ReviewRound.objects.restrict(user, action).select_related("organization")


@dataclass(frozen=True)
class RankedItem:
    item: int
    title: str
    rank: int
    score: Decimal
    mean: Decimal
    reviewers: int
    dropped: int


def ranking(round: ReviewRound) -> list[RankedItem]:
    """The round's items in ranking order by its method (mean or z-score), extremes dropped when
    the round says so; items without a score are left out."""
    totals = {(item, entry): total for item, entry, total in
              ItemScore.objects.filter(item__round=round).values_list("item_id", "entry_id", "total")}
    if not totals:
        return []
    combined = {c.item: c for c in combine(totals, method=round.method, drop_extremes=round.drop_extremes)}
    titles = dict(round.items.values_list("pk", "title"))
    return [RankedItem(r.key, titles[r.key], r.rank, r.total, combined[r.key].mean, combined[r.key].reviewers,
                       combined[r.key].dropped)
            for r in rank_items(combined.values(), {k: titles[k] for k in combined})]


def panel(round: ReviewRound) -> list[dict]:
    """The panel's seats; a sealed seat shows no name (the draw is not opened yet)."""
    rows = []
    for seat in PanelSeat.objects.filter(round=round).select_related("entry__person", "replaces__entry__person"):
        rows.append({"seat": seat.pk, "how": seat.get_how_display(), "state": seat.get_state_display(),
                     "condition": seat.condition, "alternate_order": seat.alternate_order, "sealed": seat.sealed,
                     "name": "" if seat.sealed else seat.entry.person.name,
                     "entry": seat.entry_id, "state_code": seat.state, "active": seat.state in ACTIVE_SEAT_STATES,
                     "invited": seat.invited_at is not None,
                     "replaces": "" if seat.sealed or seat.replaces_id is None else seat.replaces.entry.person.name})
    return rows


def conflicts(round: ReviewRound):
    """The round's conflicts of interest with their reasons, by item then expert."""
    return ConflictRecord.objects.filter(round=round).select_related("item", "entry__person")


def assignments(round: ReviewRound) -> dict:
    """Who reviews what: per item its assigned experts (sealed names hidden) with their total
    once scored, per expert of the active panel the number of items, the pairs and the spread
    of the loads (what an assignment run reports, read back from the rows)."""
    totals = {(i, e): t for i, e, t in ItemScore.objects.filter(item__round=round)
              .values_list("item_id", "entry_id", "total")}
    items = {item.pk: {"item": item, "experts": []} for item in round.items.all()}
    loads = {seat.pk: {"name": "" if seat.sealed else seat.entry.person.name, "sealed": seat.sealed, "load": 0}
             for seat in PanelSeat.objects.filter(round=round, state__in=ACTIVE_SEAT_STATES)
             .select_related("entry__person")}
    pairs = 0
    for a in Assignment.objects.filter(item__round=round).select_related("seat__entry__person"):
        total = totals.get((a.item_id, a.seat.entry_id))
        items[a.item_id]["experts"].append({
            "name": "" if a.seat.sealed else a.seat.entry.person.name, "sealed": a.seat.sealed,
            "how": a.get_how_display(), "total": total, "scored": total is not None})
        if a.seat_id in loads:
            loads[a.seat_id]["load"] += 1
        pairs += 1
    counts = [row["load"] for row in loads.values()]
    return {"items": list(items.values()), "loads": list(loads.values()), "pairs": pairs,
            "spread": max(counts) - min(counts) if counts else 0,
            "scored": len(totals), "missing": sum(1 for row in items.values() for e in row["experts"]
                                                  if not e["scored"])}
