"""Rows to the plain data of ``kexie.experts_engine``: library entries to ``Expert``, items to
``Target``.

Expert ids are person ids (relations, co-authors and recommenders are persons). Units are
compared by tree path where the unit is an organisation of the tree (root first, the unit last,
so a unit above the one under review is its parent) and by name otherwise: a named outside unit
gets the one-step path ``("unit:<folded name>",)``, so an expert of 甲省大学 and an item of
甲省大学 are the same unit whether or not the university is in the tree.
"""

from collections import defaultdict

from django.db.models import Q

from kexie.experts_engine.model import Expert, Relation, Target, Work, fold_name
from kexie.organizations.models import OrganizationClosure
from kexie.people.models import ExpertEntry, PersonRelation
from kexie.people.models import Work as WorkRow


def tree_paths(org_ids) -> dict[int, tuple]:
    """Each organisation's path of ids from the root down to itself."""
    paths: dict[int, list] = defaultdict(list)
    rows = (OrganizationClosure.objects.filter(descendant_id__in=set(org_ids))
            .order_by("descendant_id", "-depth").values_list("descendant_id", "ancestor_id"))
    for descendant, ancestor in rows:
        paths[descendant].append(ancestor)
    return {k: tuple(v) for k, v in paths.items()}


def _named_path(name: str) -> tuple:
    return (f"unit:{fold_name(name)}",) if name else ()


def _work(row) -> Work:
    return Work(title=row.title, year=row.year, coauthor_ids=tuple(p.pk for p in row.coauthor_persons.all()))


def library_experts(round, entries=None) -> tuple[list[Expert], dict[int, ExpertEntry]]:
    """The round's library as engine experts, and the entry of each person id."""
    if entries is None:
        entries = ExpertEntry.objects.filter(library_id=round.library_id)
    entries = list(entries.select_related("person", "library").prefetch_related(
        "person__positions__organization", "works__coauthor_persons"))
    person_ids = [e.person_id for e in entries]
    relations = defaultdict(list)
    for r in PersonRelation.objects.filter(Q(person_id__in=person_ids) | Q(other_id__in=person_ids)):
        relations[r.person_id].append(Relation(r.other_id, str(r.get_kind_display())))
        relations[r.other_id].append(Relation(r.person_id, str(r.get_kind_display())))
    positions = {e.pk: list(e.person.positions.all()) for e in entries}
    paths = tree_paths(p.organization_id for ps in positions.values() for p in ps if p.organization_id)
    experts, entry_of = [], {}
    for e in entries:
        mine = positions[e.pk]
        main = mine[0] if mine else None
        if main is None:
            org_path, unit = (), ""
        elif main.organization_id:
            org_path, unit = paths.get(main.organization_id, (main.organization_id,)), main.unit
        else:
            org_path, unit = _named_path(main.unit_name), main.unit_name
        experts.append(Expert(
            id=e.person_id, name=e.person.name, keywords=tuple(e.keywords), works=tuple(_work(w) for w in e.works.all()),
            disciplines=tuple(e.person.disciplines), industries=tuple(e.person.industries),
            region=e.person.region_code, org_path=org_path, unit=unit,
            outside_units=tuple(p.unit for p in mine[1:]), avoid_units=tuple(e.avoidances),
            relations=tuple(relations.get(e.person_id, ())), status=e.status, library=str(e.library_id)))
        entry_of[e.person_id] = e
    return experts, entry_of


def item_targets(items) -> list[Target]:
    """The items as engine targets (their persons' own works count for co-authorship)."""
    items = list(items.select_related("organization").prefetch_related("persons", "recommenders", "avoid_persons"))
    paths = tree_paths(i.organization_id for i in items if i.organization_id)
    person_ids = {p.pk for i in items for p in i.persons.all()}
    works = defaultdict(list)
    for w in WorkRow.objects.filter(entry__person_id__in=person_ids).select_related("entry").prefetch_related(
            "coauthor_persons"):
        works[w.entry.person_id].append(_work(w))
    targets = []
    for i in items:
        persons = [p.pk for p in i.persons.all()]
        if i.organization_id:
            org_path = paths.get(i.organization_id, (i.organization_id,))
        else:
            org_path = _named_path(i.units[0]) if i.units else ()
        units = ([i.organization.name] if i.organization_id else []) + list(i.units)
        targets.append(Target(
            id=i.pk, text=f"{i.title}\n{i.text}", disciplines=tuple(i.disciplines), industries=tuple(i.industries),
            region=i.region_code, org_path=org_path, units=tuple(units), person_ids=tuple(persons),
            recommender_ids=tuple(p.pk for p in i.recommenders.all()),
            works=tuple(w for p in persons for w in works.get(p, ())),
            avoid_expert_ids=tuple(p.pk for p in i.avoid_persons.all()), avoid_units=tuple(i.avoid_units)))
    return targets
