"""Reads of the organisation tree, always within the user's data scope."""

from typing import NamedTuple

from django.db.models import Count, Q

from kexie.accounts.models import Position, User
from kexie.accounts.scope import scope_q
from kexie.audit.models import AuditLog

from .models import Organization, OrganizationClosure, OrgKind

AUDIT_OBJECT_TYPE = Organization._meta.label_lower

SORTABLE = {"name", "kind", "status", "region_code", "created_at", "depth"}


def visible_organizations(user, action: str = "org.view"):
    return Organization.objects.restrict(user, action)


def rollup_root(user, action: str):
    """Where a user's rollups start: their own organisation when ``action`` reaches it, else the
    first organisation it does reach (None when it reaches none)."""
    visible = Organization.objects.restrict(user, action)
    return visible.filter(pk=user.organization_id).first() or visible.order_by("pk").first()


def has_unlimited_scope(user, action: str) -> bool:
    """Whether the user's scope for ``action`` is "all data" (and so may work on top-level orgs)."""
    q = scope_q(user, action, org_field="id", owner_field="created_by")
    return q is not None and q == Q()


def with_child_counts(user, organizations) -> list[Organization]:
    """Attach ``child_count`` (visible children) to each organisation, in one query."""
    organizations = list(organizations)
    counts = dict(
        visible_organizations(user).filter(parent_id__in=[o.pk for o in organizations])
        .values("parent_id").annotate(n=Count("id")).values_list("parent_id", "n"))
    for org in organizations:
        org.child_count = counts.get(org.pk, 0)
    return organizations


def visible_roots(user) -> list[Organization]:
    """The top-most organisations in the user's scope: visible, with no visible parent."""
    visible = visible_organizations(user)
    roots = visible.filter(Q(parent__isnull=True) | ~Q(parent_id__in=visible.values("pk")))
    return with_child_counts(user, roots.order_by("depth", "sort_order", "name"))


def visible_children(user, organization) -> list[Organization]:
    children = visible_organizations(user).filter(parent=organization).order_by("sort_order", "name")
    return with_child_counts(user, children)


def visible_ancestors(user, organization) -> list[Organization]:
    """Ancestors root first, only those the user may see (the rest would be 404 links)."""
    ids = OrganizationClosure.objects.filter(descendant=organization, depth__gt=0).values("ancestor_id")
    return list(visible_organizations(user).filter(pk__in=ids).order_by("depth"))


def attach_paths(user, organizations) -> list[Organization]:
    """Attach ``path`` (visible ancestors' display names, root first) to each organisation."""
    organizations = list(organizations)
    links = (OrganizationClosure.objects
             .filter(descendant_id__in=[o.pk for o in organizations], depth__gt=0,
                     ancestor_id__in=visible_organizations(user).values("pk"))
             .select_related("ancestor").order_by("descendant_id", "-depth"))
    paths: dict[int, list[str]] = {}
    for link in links:
        paths.setdefault(link.descendant_id, []).append(link.ancestor.display_name)
    for org in organizations:
        org.path = paths.get(org.pk, [])
    return organizations


PATH_SEPARATOR = " / "
# An association's own bodies (机关部门, 直属单位) share names across associations.
_OWN_BODIES = {OrgKind.DEPARTMENT, OrgKind.AFFILIATED_UNIT}
# Siblings in the order such lists are read: an association's own departments and units first,
# then the associations under it, then its societies and the rest (OrgKind's order).
KIND_RANK = {kind: rank for rank, kind in enumerate(
    [OrgKind.DEPARTMENT, OrgKind.AFFILIATED_UNIT, *(k for k in OrgKind if k not in _OWN_BODIES)])}


class OrgPath(NamedTuple):
    label: str  # "河南省科协 / 组织人事部"
    key: tuple  # sorts a parent right before what sits under it


def path_labels(ids) -> dict[int, str]:
    """Each organisation's full path label (see ``organization_paths``)."""
    return {pk: path.label for pk, path in organization_paths(ids).items()}


def organization_paths(ids) -> dict[int, OrgPath]:
    """Each organisation's full path, as pickers show it: "河南省科协 / 组织人事部".

    Ancestors by short name, the organisation itself by its full name. The national root is left
    out (every path would start with it), except before a department or unit of its own
    ("中国科协 / 办公厅"), which would otherwise read like a province's department of the same
    name. One query for any number of organisations.
    """
    ids = list(ids)
    rows = (OrganizationClosure.objects.filter(descendant_id__in=ids)
            .order_by("descendant_id", "-depth")
            .values_list("descendant_id", "depth", "ancestor__depth", "ancestor__short_name", "ancestor__name",
                         "ancestor__sort_order", "ancestor_id", "ancestor__kind", "descendant__kind"))
    segments: dict[int, list[str]] = {}
    keys: dict[int, list[tuple]] = {}
    for descendant, distance, depth, short_name, name, sort_order, ancestor, ancestor_kind, kind in rows:
        keys.setdefault(descendant, []).append((KIND_RANK.get(ancestor_kind, 99), sort_order, name, ancestor))
        if distance == 0:
            segments.setdefault(descendant, []).append(name)
        elif depth > 0 or (distance == 1 and kind in _OWN_BODIES):
            segments.setdefault(descendant, []).append(short_name or name)
    return {pk: OrgPath(PATH_SEPARATOR.join(parts), tuple(keys[pk])) for pk, parts in segments.items()}


def search_organizations(user, text: str, *, limit: int = 50) -> list[Organization]:
    """Name, short name, alias or pinyin match within scope, with ancestor paths."""
    found = visible_organizations(user).search(text).order_by("depth", "sort_order", "name")[:limit]
    return attach_paths(user, with_child_counts(user, found))


def filter_organizations(queryset, *, text="", kind="", status="", region="", under=None, sort=""):
    """The list page's filters applied to an already scoped queryset."""
    if text:
        queryset = queryset.search(text)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if region:
        # 410000 means the whole province, 410100 the whole city: match on the significant prefix.
        prefix = region
        while prefix.endswith("00") and len(prefix) > 2:
            prefix = prefix[:-2]
        queryset = queryset.filter(region_code__startswith=prefix)
    if under is not None:
        queryset = queryset.subtree_of(under)
    field = sort.lstrip("-")
    if field in SORTABLE:
        queryset = queryset.order_by(sort, "name", "pk")
    else:
        queryset = queryset.order_by("depth", "sort_order", "name", "pk")
    return queryset


def container_choices(user, action: str):
    """Organisations that can hold others (not departments, branches or affiliated units),
    within the user's scope for ``action``: the parent chooser and the "under" filter."""
    leaves = [OrgKind.DEPARTMENT, OrgKind.AFFILIATED_UNIT, OrgKind.SOCIETY_BRANCH]
    return visible_organizations(user, action).exclude(kind__in=leaves).order_by("depth", "sort_order", "name")


def organization_people(organization) -> dict:
    """Users whose organisation this is, and holders of positions in it."""
    return {
        "members": list(User.objects.filter(organization=organization, is_active=True).order_by("username")),
        "positions": list(Position.objects.filter(organization=organization).select_related("user")
                          .order_by("title", "user__username")),
    }


def organization_change_history(organization, *, limit: int = 50) -> list[dict]:
    """The audit rows about this organisation, as the detail page shows them.

    Deliberately not scoped by ``audit.view``: whoever may see the organisation may see who
    changed it and which fields; the old/new values and the full log stay with the audit admin.
    """
    rows = (AuditLog.objects.filter(object_type=AUDIT_OBJECT_TYPE, object_id=str(organization.pk))
            .order_by("-id")[:limit])
    history = []
    for row in rows:
        # A creation "changes" every field; listing them all would hide the real edits.
        fields = [] if row.action == "create" else sorted(
            set((row.new_values or {}).keys()) | set((row.old_values or {}).keys()))
        history.append({
            "time": row.time, "action": row.get_action_display(), "action_code": row.action,
            "username": row.username, "fields": [_field_label(f) for f in fields], "detail": row.detail,
        })
    return history


def _field_label(name: str) -> str:
    try:
        return str(Organization._meta.get_field(name).verbose_name)
    except Exception:
        return name
