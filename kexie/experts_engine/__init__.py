"""The expert engines (专家引擎): matching, conflicts of interest (回避), optimal assignment and
reproducible random draws, as plain Python with no Django.

:mod:`.model` holds the inputs (:class:`Expert`, :class:`Target`, :class:`Work`,
:class:`Relation`); :mod:`.match` ranks experts for a target with reasons; :mod:`.conflicts`
names every conflict of an expert with a target; :mod:`.assign` gives each item k reviewers
under load caps with HiGHS; :mod:`.draw` draws panels with alternates from a stored seed.
The Django apps (expert library, review panels, awards, open calls, proposals) turn their rows
into these objects and call these functions. See docs/experts-engine.md.
"""

from .assign import Assignment, Infeasible, Shortage, assign
from .conflicts import CODES, Conflict, check, conflicted_pairs
from .draw import Condition, Draw, NoAlternate, Panel, call_alternate, draw, pool_hash, rerun
from .match import ExpertIndex, Filters, Ranked, Reason, Weights, sentence
from .model import ACTIVE, Expert, Relation, Target, Work, fold_name, id_key

__all__ = [
    "ACTIVE", "CODES", "Assignment", "Condition", "Conflict", "Draw", "Expert", "ExpertIndex", "Filters",
    "Infeasible", "NoAlternate", "Panel", "Ranked", "Reason", "Relation", "Shortage", "Target", "Weights", "Work",
    "assign", "call_alternate", "check", "conflicted_pairs", "draw", "fold_name", "id_key", "pool_hash", "rerun",
    "sentence",
]
