"""Matching experts of a library to a text (an enterprise demand, a nomination, a proposal, an
award category): the engine's ranking (``kexie.experts_engine.match``) over the library's entries,
each expert with the reasons beside the score. Read only; the page is ``panels:match``.

Past service counts the rounds where the expert sat confirmed on a panel, dated by the round.
The index is built for each question: a provincial or society library of a few thousand entries
takes well under a second; the national library's ranking at scale is measured by ``kexie bench``
(benchmark 4b).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace

from django.utils import timezone

from kexie.experts_engine.match import ExpertIndex, Filters
from kexie.experts_engine.model import Target
from kexie.people.codes import DISCIPLINE_FIRST_LEVEL, INDUSTRY_FIRST_LEVEL
from kexie.people.models import ExpertEntry, ExpertLibrary

from .experts import library_experts
from .models import PanelSeat, SeatState


@dataclass(frozen=True)
class Match:
    entry: ExpertEntry
    score: float
    reasons: str  # one Chinese sentence: 关键词：储能、锂电池；学科：520；近三年参与评审4次


def _past_services(person_ids) -> dict[int, list[dt.date]]:
    dates = defaultdict(list)
    for person_id, created in (PanelSeat.objects.filter(entry__person_id__in=person_ids, state=SeatState.CONFIRMED)
                               .values_list("entry__person_id", "round__created_at")):
        dates[person_id].append(timezone.localtime(created).date())
    return dates


def match_experts(library: ExpertLibrary, text: str, *, discipline: str = "", industry: str = "", region: str = "",
                  k: int = 20, today: dt.date | None = None) -> list[Match]:
    """The ``k`` experts of ``library`` (in the library, not suspended or withdrawn) best suited to
    ``text``, best first, under the code and region filters (prefixes); only experts with something
    in common with the text or the codes."""
    today = today or timezone.localdate()
    entries = ExpertEntry.objects.filter(library=library)
    experts, entry_of = library_experts(None, entries=entries)
    services = _past_services(entry_of)
    experts = [replace(e, past_services=tuple(services.get(e.id, ()))) for e in experts]
    if not experts:
        return []
    index = ExpertIndex(experts, today=today, discipline_level=DISCIPLINE_FIRST_LEVEL,
                        industry_level=INDUSTRY_FIRST_LEVEL)
    target = Target("query", str(text or ""), disciplines=(discipline,) if discipline else (),
                    industries=(industry,) if industry else (), region=region)
    filters = Filters(discipline=discipline, industry=industry, region=region)
    ranked = index.rank(target, k=k, filters=filters)
    # Experts with nothing in common with the text are left out (the engine would fill ``k``).
    return [Match(entry=entry_of[r.expert_id], score=round(r.score, 3), reasons=r.sentence())
            for r in ranked if r.score > 0]
