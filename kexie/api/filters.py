"""Filters for the API lists (django-filter). The querysets they narrow are already limited to
the user's data scope by the viewset."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kexie.accounts.models import LoginLog, User
from kexie.audit.models import AuditLog
from kexie.organizations.models import Organization, OrganizationClosure, OrgKind, OrgStatus

# The range of the databases' 64-bit integers (ids, years, counts).
BIGINT = 2**63 - 1


class IntegerFilter(django_filters.NumberFilter):
    """A whole number the database can hold. Anything else ("1e30", a 20-digit id) is a 400 that
    names the filter, never a query: SQLite refuses a number beyond 64 bits with a server error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -BIGINT)
        kwargs.setdefault("max_value", BIGINT)
        super().__init__(*args, **kwargs)


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=OrgKind.choices, label=_("kind"))
    status = django_filters.MultipleChoiceFilter(choices=OrgStatus.choices, label=_("status"))
    parent = IntegerFilter(field_name="parent_id", label=_("parent organisation"))
    under = IntegerFilter(method="filter_under",
                                        label=_("in the subtree of (organisation id, itself included)"))
    region_code = django_filters.CharFilter(method="filter_region",
                                            label=_("administrative region code (prefix)"))
    q = django_filters.CharFilter(method="filter_q", label=_("name, alias or pinyin"))

    class Meta:
        model = Organization
        fields = ["kind", "status", "parent", "under", "region_code", "q"]

    def filter_under(self, queryset, name, value):
        # A subtree root outside the scope still narrows to the in-scope part of its subtree,
        # which is empty or a subset of what the user may see: nothing leaks.
        below = OrganizationClosure.objects.filter(ancestor_id=value).values("descendant_id")
        return queryset.filter(pk__in=below)

    def filter_region(self, queryset, name, value):
        # 410000 means the whole province: trailing zero pairs widen the match to the prefix.
        value = value.strip()
        prefix = value
        while prefix.endswith("00") and len(prefix) > 2:
            prefix = prefix[:-2]
        return queryset.filter(region_code__startswith=prefix)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class UserFilter(django_filters.FilterSet):
    organization = IntegerFilter(field_name="organization_id", label=_("organisation"))
    under = IntegerFilter(method="filter_under", label=_("in the subtree of (organisation id)"))
    is_active = django_filters.BooleanFilter(label=_("active"))
    role = django_filters.CharFilter(field_name="roles__code", label=_("role code"))
    q = django_filters.CharFilter(method="filter_q", label=_("username or full name"))

    class Meta:
        model = User
        fields = ["organization", "under", "is_active", "role", "q"]

    def filter_under(self, queryset, name, value):
        below = OrganizationClosure.objects.filter(ancestor_id=value).values("descendant_id")
        return queryset.filter(organization_id__in=below)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))


class AuditLogFilter(django_filters.FilterSet):
    action = django_filters.MultipleChoiceFilter(choices=AuditLog.Action.choices, label=_("action"))
    object_type = django_filters.CharFilter(label=_("object type"))
    object_id = django_filters.CharFilter(label=_("object id"))
    user = IntegerFilter(field_name="user_id", label=_("user id"))
    username = django_filters.CharFilter(label=_("username"))
    success = django_filters.BooleanFilter(label=_("success"))
    since = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label=_("from (date)"))
    until = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label=_("to (date)"))

    class Meta:
        model = AuditLog
        fields = ["action", "object_type", "object_id", "user", "username", "success", "since", "until"]


class LoginLogFilter(django_filters.FilterSet):
    event = django_filters.MultipleChoiceFilter(choices=LoginLog.Event.choices, label=_("event"))
    username = django_filters.CharFilter(label=_("username"))
    user = IntegerFilter(field_name="user_id", label=_("user id"))
    ip = django_filters.CharFilter(label=_("IP address"))
    success = django_filters.BooleanFilter(label=_("success"))
    since = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label=_("from (date)"))
    until = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label=_("to (date)"))

    class Meta:
        model = LoginLog
        fields = ["event", "username", "user", "ip", "success", "since", "until"]
