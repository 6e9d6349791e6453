"""Suggesting which organisation a lead-unit string names (学会部 → 学会学术部).

Documents name units by full name, short name or alias, often prefixed by the issuing
association (省科协学会部) or with the association's own name abbreviated away.
"""

from dataclasses import dataclass

from kexie.organizations.models import Organization

_PREFIXES = ("中国科协", "省科协", "市科协", "县科协", "区科协", "科协")


@dataclass(frozen=True)
class Suggestion:
    organization: Organization
    score: float


def _names(org: Organization) -> list[str]:
    return [n for n in [org.name, org.short_name, *(org.aliases or [])] if n]


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(char in chars for char in short)


def _variants(unit: str, owner: Organization | None) -> list[str]:
    """The unit string and the same string with the issuing association's name taken off."""
    variants = [unit]
    prefixes = list(_PREFIXES)
    if owner is not None:
        prefixes = _names(owner) + prefixes
    for prefix in prefixes:
        if unit.startswith(prefix) and len(unit) > len(prefix) + 1:
            variants.append(unit[len(prefix):])
    return variants


def score(unit: str, org: Organization, owner: Organization | None = None) -> float:
    best = 0.0
    for variant in _variants(unit, owner):
        for name in _names(org):
            if variant == name:
                best = max(best, 1.0)
            elif len(variant) >= 2 and (variant in name or name in variant):
                best = max(best, 0.75 * min(len(variant), len(name)) / max(len(variant), len(name)) + 0.2)
            elif len(variant) >= 3 and _is_subsequence(variant, name):
                best = max(best, 0.6)
    return round(best, 3)


def suggest_organizations(unit: str, candidates, *, owner: Organization | None = None,
                          limit: int = 5) -> list[Suggestion]:
    """The best matches for ``unit`` among ``candidates`` (organisations the user may see),
    the issuing association's own departments first (a plan's units are mostly its own), then
    the best matches elsewhere."""
    scored = []
    for org in candidates:
        value = score(unit, org, owner)
        if value >= 0.5:
            own = owner is not None and org.parent_id == owner.pk
            scored.append((value, own, -org.depth, org))
    scored.sort(key=lambda row: (row[1], row[0], row[2]), reverse=True)
    return [Suggestion(org, value) for value, _own, _depth, org in scored[:limit]]
