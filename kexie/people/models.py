"""People (one record per human) and the expert library (专家库).

``Person`` is the one record of a human the platform reuses as expert, nominee, recommender,
member, volunteer, respondent and author. It is kept by an organisation of the tree (the data
scope goes by it). The ID number is stored encrypted with a keyed digest for lookups; phone and
e-mail are shown masked unless unmasked (an audited action).

A person merged into another keeps its row (``merged_into`` set, hidden from lists) so that the
merge can be undone from the ``PersonMerge`` row, which holds the before-state.

``ExpertEntry`` is a person in one organisation's library (``ExpertLibrary``: national,
provincial, society libraries), unique per person and library, with its works, reviews and
status. ``PersonRelation`` (亲属/师生/同一团队/其他) and the entry's avoidances feed conflict checks.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core import crypto
from kexie.core.masking import mask_email, mask_id_number, mask_phone
from kexie.core.querysets import ScopedQuerySet

from . import codes
from .dedupe import fold, name_initials, name_pinyin


class Gender(models.TextChoices):
    MALE = "male", pgettext_lazy("gender", "Male")
    FEMALE = "female", pgettext_lazy("gender", "Female")


class PersonQuerySet(ScopedQuerySet):
    def current(self):
        """Records not merged away."""
        return self.filter(merged_into__isnull=True)


class Person(models.Model):
    """One human, kept by an organisation (``organization``), with masked personal data."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("kept by"),
                                     on_delete=models.PROTECT, related_name="+")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    title = models.CharField(_("professional title"), max_length=50, blank=True)  # 职称
    disciplines = models.JSONField(_("disciplines"), default=list, blank=True)  # GB/T 13745 codes
    industries = models.JSONField(_("industries"), default=list, blank=True)  # GB/T 4754 codes
    region_code = models.CharField(_("province"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    # Folded forms for search and duplicate checks (see kexie.people.dedupe).
    name_key = models.CharField(max_length=50, editable=False, db_index=True, default="")
    name_pinyin = models.CharField(max_length=200, editable=False, db_index=True, default="")
    name_initials = models.CharField(max_length=50, editable=False, default="")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The person's own platform account (staff or external), through which they answer panel
    # invitations and score the items assigned to them; at most one person per account.
    account = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("platform account"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="person", editable=False)
    # The invitation sent to open that account: accepting it links the new account to this person.
    account_invitation = models.ForeignKey("accounts.Invitation", null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+", editable=False)

    objects = PersonQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["name_pinyin", "pk"]
        verbose_name = _("person")
        indexes = [models.Index(fields=["organization", "name_key"], name="person_org_name_idx")]

    def __str__(self):
        return self.name

    def refresh_keys(self) -> None:
        self.name_key = fold(self.name)[:50]
        self.name_pinyin = name_pinyin(self.name)[:200]
        self.name_initials = name_initials(self.name)[:50]

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted)

    def set_id_number(self, value: str) -> None:
        value = (value or "").strip().upper()
        self.id_number_encrypted = crypto.encrypt(value)
        self.id_number_digest = crypto.digest(value)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number_encrypted else ""

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_email(self) -> str:
        return mask_email(self.email)

    @property
    def region_name(self) -> str:
        return codes.province_name(self.region_code)

    def discipline_labels(self) -> list[str]:
        return [f"{c} {codes.discipline_name(c)}" for c in self.disciplines]

    def industry_labels(self) -> list[str]:
        return [f"{c} {codes.industry_name(c)}" for c in self.industries]

    def unit_names(self) -> list[str]:
        return [p.unit for p in self.positions.all()]


class Position(models.Model):
    """Where the person works or serves: an organisation of the tree, or an outside unit by name."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    role = models.CharField(_("position"), max_length=100, blank=True)

    class Meta:
        ordering = ["person_id", "pk"]
        verbose_name = _("position")
        constraints = [models.CheckConstraint(condition=Q(organization__isnull=False) | ~Q(unit_name=""),
                                              name="person_position_has_unit")]

    def __str__(self):
        return f"{self.unit} {self.role}".strip()

    @property
    def unit(self) -> str:
        return self.organization.name if self.organization_id else self.unit_name


class Honour(models.Model):
    """An honour or award the person holds (荣誉称号)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="honours")
    name = models.CharField(_("honour"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta:
        ordering = ["person_id", "year", "pk"]
        verbose_name = _("honour")

    def __str__(self):
        return f"{self.name} ({self.year})" if self.year else self.name


class RelationKind(models.TextChoices):
    KIN = "kin", _("Relative")  # 亲属
    TEACHER_STUDENT = "teacher_student", _("Teacher and student")  # 师生
    TEAM = "team", _("Same team")  # 同一团队
    OTHER = "other", _("Other relation")  # 其他


class PersonRelation(models.Model):
    """A declared relation between two persons; read by conflict-of-interest checks."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["person_id", "pk"]
        verbose_name = _("relation")
        constraints = [models.CheckConstraint(condition=~Q(person=models.F("other")), name="relation_not_self")]

    def __str__(self):
        return f"{self.person} - {self.other} ({self.get_kind_display()})"


class PersonMerge(models.Model):
    """A reviewed merge of ``absorbed`` into ``kept``, with what undoing it needs.

    ``before`` holds the kept record's fields before the merge; ``moved`` the references moved
    from one to the other (model label -> ids) and the rows copied onto the kept record.
    """

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    before = models.JSONField(default=dict)
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "kept__organization"
    scope_owner_field = "merged_by"

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("person merge")

    def __str__(self):
        return f"{self.absorbed} → {self.kept}"


class ExpertLibrary(models.Model):
    """The expert library (专家库) of one organisation: national, provincial or a society's."""

    organization = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE,
                                        related_name="expert_library", verbose_name=_("organisation"))
    name = models.CharField(_("library name"), max_length=100)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = None

    class Meta:
        ordering = ["organization_id"]
        verbose_name = _("expert library")

    def __str__(self):
        return self.name


class EntryStatus(models.TextChoices):
    ACTIVE = "active", _("In the library")  # 在库
    SUSPENDED = "suspended", _("Suspended")  # 暂停
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 退库


class ExpertEntry(models.Model):
    """A person in one library, with categories, keywords, avoidances and a status."""

    library = models.ForeignKey(ExpertLibrary, on_delete=models.PROTECT, related_name="entries",
                                verbose_name=_("expert library"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="expert_entries",
                               verbose_name=_("person"))
    categories = models.JSONField(_("categories"), default=list, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    avoidances = models.JSONField(_("units to avoid"), default=list, blank=True)  # 回避单位
    # Keywords and categories as one lower-cased text, for searching them on any database.
    search_text = models.TextField(editable=False, default="")
    status = models.CharField(_("status"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.ACTIVE,
                              db_index=True)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    status_date = models.DateField(_("status date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "library__organization"
    scope_owner_field = None

    class Meta:
        ordering = ["library_id", "person__name_pinyin", "pk"]
        verbose_name = _("expert entry")
        constraints = [models.UniqueConstraint(fields=["library", "person"], name="expert_entry_unique")]

    def __str__(self):
        return f"{self.person} @ {self.library}"

    def refresh_search_text(self) -> None:
        self.search_text = "\n".join([*self.keywords, *self.categories]).lower()


class Work(models.Model):
    """A work (论著) of an expert: title, year, co-authors by name and, where known, as persons."""

    entry = models.ForeignKey(ExpertEntry, on_delete=models.CASCADE, related_name="works")
    title = models.CharField(_("title"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    coauthors = models.JSONField(_("co-authors"), default=list, blank=True)
    coauthor_persons = models.ManyToManyField(Person, blank=True, related_name="coauthored_works",
                                              verbose_name=_("co-authors in the person records"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)

    class Meta:
        ordering = ["entry_id", "-year", "pk"]
        verbose_name = _("work")

    def __str__(self):
        return self.title


class PerformanceReview(models.Model):
    """A review of an expert's service (履职评价), written after each service."""

    entry = models.ForeignKey(ExpertEntry, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField(_("date"))
    service = models.CharField(_("service"), max_length=200)
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    reviewer_name = models.CharField(_("reviewed by"), max_length=50, blank=True)

    class Meta:
        ordering = ["entry_id", "-date", "pk"]
        verbose_name = _("performance review")
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5),
                                              name="performance_rating_1_to_5")]

    def __str__(self):
        return f"{self.service} {self.rating}"
