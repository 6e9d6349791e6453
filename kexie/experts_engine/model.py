"""The plain data the expert engines work on: experts, their works and relations, and targets.

A *target* is whatever experts are matched to, checked against or assigned to: an enterprise
demand (企业技术需求), an award nomination (提名), an open call's application (揭榜方案), a
proposal (建言). The Django apps turn their rows into these objects; ids are whatever the caller
uses (ints or strings), compared by equality and ordered by :func:`id_key`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field

from kexie.textsim.tokenize import fold_name

__all__ = ["ACTIVE", "Expert", "Relation", "Target", "Work", "fold_name", "id_key"]

ACTIVE = "active"


def id_key(value: Hashable) -> tuple:
    """A total order over mixed ids (ints before strings, each in its natural order), so that a
    pool of experts always sorts the same way whatever the caller's id type."""
    if isinstance(value, bool) or not isinstance(value, int):
        return (1, str(value))
    return (0, value)


@dataclass(frozen=True)
class Work:
    """A paper, patent, book or project: its title feeds matching, its co-authors conflicts."""

    title: str
    year: int | None = None
    coauthor_ids: tuple[Hashable, ...] = ()


@dataclass(frozen=True)
class Relation:
    """A declared relation of the expert to another person: ``kind`` is 亲属, 师生, 同一团队, …"""

    person_id: Hashable
    kind: str


@dataclass(frozen=True)
class Expert:
    """One expert of the library (专家库).

    ``disciplines`` are GB/T 13745 codes ("4801"), ``industries`` GB/T 4754 codes ("C38",
    "3841"), ``region`` an administrative code ("410100") or a name. ``org_path`` is the ids of
    the organisation tree from the root down to the expert's own unit; ``unit`` is that unit's
    name. ``outside_units`` are units where the expert holds another post (兼职), ``avoid_units``
    those the expert asked to be kept away from (申请回避). ``past_services`` are the dates of
    earlier reviews. ``library`` and ``level`` (国家级, 省级 …) are for filters.
    """

    id: Hashable
    name: str = ""
    keywords: tuple[str, ...] = ()
    works: tuple[Work, ...] = ()
    profile: str = ""
    disciplines: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    region: str = ""
    org_path: tuple[Hashable, ...] = ()
    unit: str = ""
    outside_units: tuple[str, ...] = ()
    avoid_units: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    past_services: tuple[dt.date, ...] = ()
    status: str = ACTIVE
    library: str = ""
    level: str = ""


@dataclass(frozen=True)
class Target:
    """What experts are matched to or review: a demand, a nomination, an application, a proposal.

    ``person_ids`` are the people reviewed (nominee, applicants, authors); ``recommender_ids``
    those who recommended them; ``org_path`` the tree path of the unit under review and
    ``units`` the names of the units involved (applicant, nominee's employer). ``works`` are the
    nominee's own works, whose co-authors count for conflicts as the expert's do.
    ``avoid_expert_ids`` and ``avoid_units`` are the avoidances the applicant declared.
    ``office_holders`` are the (name, post) pairs of the people who hold office in the unit under
    review (a society's current council), matched to experts by folded name.
    """

    id: Hashable
    text: str = ""
    disciplines: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    region: str = ""
    org_path: tuple[Hashable, ...] = ()
    units: tuple[str, ...] = ()
    person_ids: tuple[Hashable, ...] = ()
    recommender_ids: tuple[Hashable, ...] = ()
    works: tuple[Work, ...] = ()
    avoid_expert_ids: tuple[Hashable, ...] = ()
    avoid_units: tuple[str, ...] = field(default=())
    office_holders: tuple[tuple[str, str], ...] = ()
