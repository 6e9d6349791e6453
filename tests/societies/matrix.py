"""Builders for the permission matrix entries of the society registry and annual reports.

Each builds a bare object under an organisation of the ``world`` fixture (a provincial society
under 甲省 or 乙省, its journal, member, report round and report) and returns the URL arguments.
"""

import datetime as dt

from kexie.organizations.models import Organization
from kexie.organizations.services import organization_create
from kexie.societies.models import AnnualReport, Journal, MemberRecord, ReportYear, SocietyProfile

FILLED = {
    "academic_events": 3, "academic_participants": 300, "popsci_events": 2, "popsci_audience": 1000,
    "consulting_projects": 1, "policy_proposals": 2, "proposals_adopted": 1, "awards": 0, "journals_published": 1,
    "standards_drafted": 0, "individual_members": 500, "group_members": 20, "new_members": 30, "income": "120.50",
    "expenditure": "110.00", "council_meetings": 1, "standing_council_meetings": 2, "supervisory_meetings": 1,
    "narrative": "矩阵测试年度工作总结",
}


def _society(world, org_attr: str) -> SocietyProfile:
    parent = getattr(world, org_attr)
    if org_attr == "society":
        return SocietyProfile.objects.get_or_create(organization=parent, defaults={"discipline": "engineering"})[0]
    name = f"矩阵测试{parent.short_name or parent.name}学会"
    organization = (Organization.objects.filter(parent=parent, name=name).first()
                    or organization_create(by=None, parent=parent, name=name, kind="provincial_society"))
    return SocietyProfile.objects.get_or_create(organization=organization, defaults={"discipline": "science"})[0]


def _round(world, society: SocietyProfile, year: int = 2025) -> ReportYear:
    return ReportYear.objects.get_or_create(organization=society.organization.parent, year=year,
                                            defaults={"due_on": dt.date(year + 1, 3, 31)})[0]


def society_of(org_attr: str):
    return lambda w: {"pk": _society(w, org_attr).pk}


def society_without_profile(org_attr: str):
    def build(world):
        parent = getattr(world, org_attr)
        organization = organization_create(by=None, parent=parent, name=f"矩阵测试{parent.pk}无档案学会",
                                           kind="provincial_society")
        return {"org_pk": organization.pk}
    return build


def journal_of(org_attr: str):
    def build(world):
        society = _society(world, org_attr)
        return {"pk": society.pk, "journal_pk": Journal.objects.create(society=society, title="矩阵期刊").pk}
    return build


def member_of(org_attr: str):
    def build(world):
        society = _society(world, org_attr)
        record = MemberRecord.objects.create(society=society, kind="individual", name="矩阵会员")
        return {"pk": society.pk, "member_pk": record.pk}
    return build


def report_of(org_attr: str, status: str = "submitted"):
    """A report of the society (submitted by default, every value filled in)."""
    def build(world):
        society = _society(world, org_attr)
        report = AnnualReport.objects.create(society=society, round=_round(world, society), year=2025,
                                             status=status, **FILLED)
        return {"pk": report.pk}
    return build


def round_of(org_attr: str):
    def build(world):
        organization = getattr(world, org_attr)
        return {"pk": ReportYear.objects.create(organization=organization, year=2025,
                                                due_on=dt.date(2026, 3, 31)).pk}
    return build


def report_form_of(org_attr: str):
    """The 2025 report form of the society, with its round open."""
    def build(world):
        society = _society(world, org_attr)
        _round(world, society)
        return {"pk": society.pk, "year": 2025}
    return build


def secretary_draft(world):
    """A draft of the secretary's society (中国测试学会) for 2025, as the API takes it."""
    society = _society(world, "society")
    _round(world, society)
    return {"society": society.pk, "year": 2025, "academic_events": 4}


def term_form(world):
    return {"kind": "council", "term_number": 1, "elected_on": "2022-01-01", "term_ends_on": "2027-01-01",
            "size": 3, "members": "张三 理事长 甲大学"}
