"""Read-side queries: the person list with its search, duplicate pairs, and library entries."""

from django.db.models import Q

from .dedupe import Candidate, fold, pairs
from .models import ExpertEntry, ExpertLibrary, Person


def persons_for(user, *, q: str = "", discipline: str = ""):
    """The current persons ``user`` may see, searched by name, pinyin, initials or unit."""
    queryset = Person.objects.current().restrict(user, "person.view").select_related("organization")
    q = (q or "").strip()
    if q:
        key = fold(q)
        queryset = queryset.filter(
            Q(name_key__contains=key) | Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
            | Q(positions__unit_name__contains=q) | Q(positions__organization__name__contains=q)).distinct()
    if discipline:
        queryset = queryset.filter(disciplines__icontains=f'"{discipline.strip()}')
    return queryset.order_by("name_pinyin", "pk")


def duplicate_pairs(user, *, limit: int = 200) -> list[dict]:
    """Pairs of current persons in ``user``'s scope that the duplicate rules flag, exact first.

    Only persons whose pinyin or ID digest is shared with another are loaded.
    """
    people = Person.objects.current().restrict(user, "person.manage")
    from django.db.models import Count

    shared_pinyin = people.values("name_pinyin").annotate(n=Count("pk")).filter(n__gt=1).values("name_pinyin")
    shared_id = people.exclude(id_number_digest="").values("id_number_digest").annotate(n=Count("pk")).filter(
        n__gt=1).values("id_number_digest")
    candidates = list(people.filter(Q(name_pinyin__in=shared_pinyin) | Q(id_number_digest__in=shared_id))
                      .prefetch_related("positions__organization")[:5000])
    by_pk = {p.pk: p for p in candidates}
    found = pairs([Candidate(key=p.pk, name=p.name, units=set(p.unit_names()), phone=p.phone,
                             birth_date=p.birth_date, id_digest=p.id_number_digest) for p in candidates])
    result = [{"a": by_pk[a.key], "b": by_pk[b.key], "kind": kind, "reasons": reasons} for a, b, kind, reasons in found]
    result.sort(key=lambda item: (item["kind"] != "exact", item["a"].name_pinyin, item["a"].pk))
    return result[:limit]


def libraries_for(user):
    return ExpertLibrary.objects.restrict(user, "expert.view").select_related("organization")


def entries_for(user, library, *, discipline="", region="", status="", keyword="", q=""):
    queryset = ExpertEntry.objects.restrict(user, "expert.view").filter(library=library).select_related(
        "person").filter(person__merged_into__isnull=True)
    if discipline:
        queryset = queryset.filter(person__disciplines__icontains=f'"{discipline.strip()}')
    if region:
        queryset = queryset.filter(person__region_code=region)
    if status:
        queryset = queryset.filter(status=status)
    if keyword:
        queryset = queryset.filter(search_text__contains=keyword.strip().lower())
    if q:
        key = fold(q)
        queryset = queryset.filter(Q(person__name_key__contains=key) | Q(person__name_pinyin__startswith=key)
                                   | Q(person__name_initials__startswith=key))
    return queryset.order_by("person__name_pinyin", "pk")
