"""The demo plan documents, imported through the reviewed-import services so the ledger has data.

Three documents written for the demo in the genre of the association system: a national annual
key-tasks notice of 中国科协办公厅, a provincial five-year reform plan with quantified targets
and a city work opinion with 一是/二是 items. Each is imported as its demo clerk would: parsed,
every lead-unit string mapped to the organisation the matcher suggests first, a string matching
nothing (a collective name such as 各省辖市科协) explicitly left unassigned, then confirmed.

The documents are templates: their years, dates and some deadlines are filled in from the
demo's calendar (:class:`~kexie.core.demo.calendar.DemoCalendar`), so that a demo loaded on any
day has plans of the right years. The file a plan came from keeps one name whatever the year,
so a demo loaded again in another year finds its plans in place.

One document travels as a Word file made at load time, so the demo also shows an uploaded
.docx kept as the plan's source file.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class DemoPlan:
    """One demo document: the file, who imports it, for which organisation (path from the root)."""

    filename: str
    username: str
    org_path: tuple[str, ...]
    as_docx: bool = False

    @property
    def source_name(self) -> str:
        return Path(self.filename).with_suffix(".docx").name if self.as_docx else self.filename

    def text(self, calendar) -> str:
        """The document as issued in the story loaded on ``calendar.today``."""
        return (HERE / self.filename).read_text(encoding="utf-8").format_map(calendar.plan_fields())


_CAST = ("中国科学技术协会",)
_HENAN = _CAST + ("河南省科学技术协会",)

DEMO_PLANS = [
    DemoPlan("national_key_tasks.txt", "national_clerk", _CAST, as_docx=True),
    DemoPlan("henan_reform_plan.txt", "provincial_clerk", _HENAN),
    # The demo has no city account: the provincial reform office keeps its cities' work
    # opinions in its own ledger, on behalf of the city association (which is in its scope).
    DemoPlan("zhengzhou_work_opinion.txt", "provincial_clerk", _HENAN + ("郑州市科学技术协会",)),
]
NATIONAL, HENAN, ZHENGZHOU = DEMO_PLANS


def docx_bytes(text: str) -> bytes:
    """A Word document with one paragraph per line of ``text`` (blank lines dropped)."""
    import docx

    document = docx.Document()
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def import_demo_plan(demo: DemoPlan, *, user, organization, calendar):
    """Import one document as ``user`` for ``organization`` and return the confirmed plan.

    Runs the same services as the review pages: the document checks, the parser, the import
    draft, one review edit where the parser's reading needs one, one mapping per unit string,
    the confirmation within the user's scope."""
    from kexie.organizations.models import Organization
    from kexie.plans.documents import parse_pasted_text, parse_uploaded_document
    from kexie.plans.matching import suggest_organizations
    from kexie.plans.services import (
        assignable_organizations,
        plan_import_confirm,
        plan_import_edit,
        plan_import_map_unit,
        plan_import_start,
        unmapped_units,
    )

    uploaded = None
    if demo.as_docx:
        uploaded = SimpleUploadedFile(demo.source_name, docx_bytes(demo.text(calendar)),
                                      content_type="application/vnd.openxmlformats-officedocument."
                                                   "wordprocessingml.document")
        text, parsed = parse_uploaded_document(uploaded)
    else:
        text, parsed = parse_pasted_text(demo.text(calendar))
    plan_import = plan_import_start(by=user, organization=organization, source_text=text, parsed=parsed,
                                    source_name=demo.source_name, uploaded_file=uploaded)
    # The national notice's 组织保障 is the heading of two tasks with lead departments, not a
    # task of its own: without a responsible unit it could never be reported on, and its light
    # would only turn red as the year went by. The reform office reads it as a section.
    for item in list(plan_import.parsed["items"]):
        if demo is NATIONAL and item["kind"] == "safeguard" and not item.get("lead_units"):
            plan_import = plan_import_edit(by=user, plan_import=plan_import, operation="edit", uid=item["uid"],
                                           kind="section")
    candidates = list(assignable_organizations(user=user, owner=organization))
    for unit in unmapped_units(plan_import):
        found = suggest_organizations(unit, candidates, owner=organization)
        plan_import = plan_import_map_unit(by=user, plan_import=plan_import, unit=unit,
                                           organization=found[0].organization if found else None)
    return plan_import_confirm(by=user, plan_import=plan_import,
                               allowed_organizations=Organization.objects.restrict(user, "org.view"))


def ensure_demo_plans(*, organization_at, user_named, calendar) -> int:
    """Import whichever demo document its organisation does not have yet; returns how many.

    A plan counts as present when its organisation already has a plan from the same source
    file, so a second demo run imports nothing (and an edited demo plan is left alone)."""
    from kexie.plans.models import Plan

    created = 0
    for demo in DEMO_PLANS:
        organization = organization_at(demo.org_path)
        if Plan.objects.filter(organization=organization, source_name=demo.source_name).exists():
            continue
        import_demo_plan(demo, user=user_named(demo.username), organization=organization, calendar=calendar)
        created += 1
    return created


def ensure_demo_alignment(*, organization_at, user_named) -> bool:
    """Align the Henan plan to the national key tasks (对标), as the provincial clerk would after
    importing it, unless it is aligned already; True when done."""
    from kexie.plans.alignment import alignment_start
    from kexie.plans.models import Plan, PlanAlignment

    national, henan = NATIONAL, HENAN
    upper = Plan.objects.filter(organization=organization_at(national.org_path),
                                source_name=national.source_name).first()
    lower = Plan.objects.filter(organization=organization_at(henan.org_path), source_name=henan.source_name).first()
    if upper is None or lower is None or PlanAlignment.objects.filter(plan=lower).exists():
        return False
    alignment_start(by=user_named(henan.username), plan=lower, upper_plan=upper)
    return True
