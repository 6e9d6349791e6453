"""The organisation network of the association system (一体两翼), as one typed tree.

The tree is stored twice: ``parent`` for editing, and a closure table (every ancestor/descendant
pair with its distance) for subtree queries. A closure join is a plain indexed equality lookup,
so "this organisation and everything below it" costs the same on SQLite and PostgreSQL.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from kexie.core.querysets import ScopedQuerySet
from kexie.core.validators import validate_credit_code, validate_region_code


class OrgKind(models.TextChoices):
    NATIONAL_ASSOCIATION = "national_association", _("National association")
    PROVINCIAL_ASSOCIATION = "provincial_association", _("Provincial association")
    CITY_ASSOCIATION = "city_association", _("City association")
    COUNTY_ASSOCIATION = "county_association", _("County association")
    TOWNSHIP_ASSOCIATION = "township_association", _("Township / street association")
    NATIONAL_SOCIETY = "national_society", _("National society")
    PROVINCIAL_SOCIETY = "provincial_society", _("Provincial society")
    CITY_SOCIETY = "city_society", _("City society")
    SOCIETY_BRANCH = "society_branch", _("Society branch")
    UNIVERSITY_ASSOCIATION = "university_association", _("University association")
    ENTERPRISE_ASSOCIATION = "enterprise_association", _("Enterprise association")
    PARK_ASSOCIATION = "park_association", _("Park association")
    INSTITUTE_ASSOCIATION = "institute_association", _("Research institute association")
    RURAL_TECH_ASSOCIATION = "rural_tech_association", _("Rural technical association")
    DEPARTMENT = "department", _("Department")
    AFFILIATED_UNIT = "affiliated_unit", _("Affiliated unit")


K = OrgKind
HIERARCHY_ASSOCIATIONS = {
    K.NATIONAL_ASSOCIATION, K.PROVINCIAL_ASSOCIATION, K.CITY_ASSOCIATION,
    K.COUNTY_ASSOCIATION, K.TOWNSHIP_ASSOCIATION,
}
GRASSROOTS_ASSOCIATIONS = {
    K.UNIVERSITY_ASSOCIATION, K.ENTERPRISE_ASSOCIATION, K.PARK_ASSOCIATION,
    K.INSTITUTE_ASSOCIATION, K.RURAL_TECH_ASSOCIATION,
}
ASSOCIATION_KINDS = HIERARCHY_ASSOCIATIONS | GRASSROOTS_ASSOCIATIONS
SOCIETY_KINDS = {K.NATIONAL_SOCIETY, K.PROVINCIAL_SOCIETY, K.CITY_SOCIETY}

# Which kinds may sit directly under which. ``None`` in a set means "may be a root".
ALLOWED_PARENTS: dict[str, set] = {
    K.NATIONAL_ASSOCIATION: {None},
    K.PROVINCIAL_ASSOCIATION: {K.NATIONAL_ASSOCIATION},
    K.CITY_ASSOCIATION: {K.PROVINCIAL_ASSOCIATION},
    # 省直管县: some counties report straight to the province.
    K.COUNTY_ASSOCIATION: {K.CITY_ASSOCIATION, K.PROVINCIAL_ASSOCIATION},
    K.TOWNSHIP_ASSOCIATION: {K.COUNTY_ASSOCIATION, K.CITY_ASSOCIATION},
    K.NATIONAL_SOCIETY: {K.NATIONAL_ASSOCIATION},
    K.PROVINCIAL_SOCIETY: {K.PROVINCIAL_ASSOCIATION},
    K.CITY_SOCIETY: {K.CITY_ASSOCIATION},
    # A branch (分支机构) has no legal personality and no branches of its own.
    K.SOCIETY_BRANCH: set(SOCIETY_KINDS),
    K.UNIVERSITY_ASSOCIATION: {K.NATIONAL_ASSOCIATION, K.PROVINCIAL_ASSOCIATION, K.CITY_ASSOCIATION},
    K.ENTERPRISE_ASSOCIATION: {K.NATIONAL_ASSOCIATION, K.PROVINCIAL_ASSOCIATION, K.CITY_ASSOCIATION,
                               K.COUNTY_ASSOCIATION},
    K.PARK_ASSOCIATION: {K.PROVINCIAL_ASSOCIATION, K.CITY_ASSOCIATION, K.COUNTY_ASSOCIATION},
    K.INSTITUTE_ASSOCIATION: {K.NATIONAL_ASSOCIATION, K.PROVINCIAL_ASSOCIATION, K.CITY_ASSOCIATION},
    K.RURAL_TECH_ASSOCIATION: {K.PROVINCIAL_ASSOCIATION, K.CITY_ASSOCIATION, K.COUNTY_ASSOCIATION,
                               K.TOWNSHIP_ASSOCIATION},
    # Departments (机关部门) and affiliated units (直属单位) sit under an association or a society.
    K.DEPARTMENT: ASSOCIATION_KINDS | SOCIETY_KINDS,
    K.AFFILIATED_UNIT: ASSOCIATION_KINDS | SOCIETY_KINDS,
}


def kind_may_sit_under(kind: str, parent_kind: str | None) -> bool:
    return parent_kind in ALLOWED_PARENTS.get(kind, set())


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    DISSOLVED = "dissolved", _("Dissolved")


def pinyin_fields(*texts: str) -> tuple[str, str]:
    """(initials, full pinyin) of the given names, space-separated per name, lower case."""
    initials, full = [], []
    for text in texts:
        if not text:
            continue
        initials.append("".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower())
        full.append("".join(lazy_pinyin(text)).lower())
    return " ".join(initials), " ".join(full)


class OrganizationQuerySet(ScopedQuerySet):
    def subtree_of(self, organization, *, include_self=True):
        """``organization`` and everything below it, through the closure table."""
        closure = OrganizationClosure.objects.filter(ancestor=organization)
        if not include_self:
            closure = closure.filter(depth__gt=0)
        return self.filter(pk__in=closure.values("descendant_id"))

    def search(self, text: str):
        """Match by name, short name, alias, full pinyin or pinyin initials."""
        text = (text or "").strip().lower()
        if not text:
            return self
        return self.filter(search_text__contains=text)


class Organization(models.Model):
    """An association, society, branch, grassroots unit, department or affiliated unit."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True,
                               help_text=_("Other names used in documents, e.g. 学会部 for 学会学术部."))
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices, db_index=True)
    parent = models.ForeignKey("self", verbose_name=_("parent organisation"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True,
                                   validators=[validate_credit_code])
    region_code = models.CharField(_("administrative region code"), max_length=6, blank=True,
                                   validators=[validate_region_code])
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=OrgStatus.choices,
                              default=OrgStatus.ACTIVE, db_index=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    scope_org_field = "id"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["depth", "sort_order", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_under_parent"),
            models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""),
                                    name="org_unique_credit_code"),
            models.CheckConstraint(condition=Q(status__in=OrgStatus.values), name="org_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=OrgKind.values), name="org_kind_valid"),
        ]
        indexes = [models.Index(fields=["parent", "sort_order", "name"], name="org_children_idx")]

    def __str__(self):
        return self.name

    def refresh_search_text(self) -> None:
        """Derive ``search_text`` from the names (``save`` does it; bulk writers call it)."""
        names = [self.name, self.short_name, *(self.aliases or [])]
        initials, full = pinyin_fields(*names)
        self.search_text = " ".join([*(n.lower() for n in names if n), initials, full])

    def save(self, *args, **kwargs):
        # search_text is derived from the names alone; keeping it here means no writer can forget it.
        self.refresh_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def ancestors(self, *, include_self=False):
        """Root first."""
        closure = OrganizationClosure.objects.filter(descendant=self)
        if not include_self:
            closure = closure.filter(depth__gt=0)
        return Organization.objects.filter(pk__in=closure.values("ancestor_id")).order_by("depth")


class OrganizationClosure(models.Model):
    """One row per (ancestor, descendant) pair, including each node with itself at depth 0."""

    ancestor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    descendant = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    depth = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "descendant"], name="org_closure_pair"),
        ]
        indexes = [models.Index(fields=["descendant", "ancestor"], name="org_closure_up_idx")]


class OrganizationStatusChange(models.Model):
    """The history of an organisation's status (active / dormant / dissolved)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="status_history")
    from_status = models.CharField(_("from"), max_length=16, choices=OrgStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=OrgStatus.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("status change")


class OrganizationImport(models.Model):
    """An uploaded import file, parsed and waiting for the user to confirm its dry-run preview.

    The rows are kept here, server-side, between the preview and the confirmation, so that what
    gets created is exactly what was checked — never row data posted back by the browser. They
    are validated again at confirmation, inside the transaction that creates them.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255)
    rows = models.JSONField(default=list)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    imported_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("organisation import")
