"""A few societies under 中国科协 with registry profiles, for the societies tests.

``world.society`` (中国测试学会) gets a profile; two more national societies are added. Profiles
are created directly here (the registry services are tested on their own); reports, rubrics
and rounds are built by each test module through the services.
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from kexie.organizations.services import organization_create
from kexie.societies.models import Discipline, GoverningBody, ReportYear, SocietyProfile


def make_society(parent, name: str, *, discipline: str = Discipline.ENGINEERING, members: int = 300,
                 short_name: str = "", **profile) -> SocietyProfile:
    organization = organization_create(by=None, parent=parent, name=name, kind="national_society",
                                       short_name=short_name)
    return SocietyProfile.objects.create(organization=organization, discipline=discipline,
                                         individual_members=members, **profile)


@dataclass
class Societies:
    testing: SocietyProfile  # 中国测试学会 (world.society), engineering, 800 members
    physics: SocietyProfile  # 中国甲物理学会, science, 2,500 members
    crops: SocietyProfile  # 中国乙作物学会, agriculture, 120 members
    round_2025: ReportYear  # 中国科协's 2025 annual-report round, due 2026-03-31


@pytest.fixture
def societies(world) -> Societies:
    testing = SocietyProfile.objects.create(organization=world.society, discipline=Discipline.ENGINEERING,
                                            individual_members=800, group_members=40,
                                            secretary_general="王秘书长", secretary_general_full_time=True)
    GoverningBody.objects.create(society=testing, kind="council", term_number=8, elected_on=dt.date(2021, 6, 1),
                                 term_ends_on=dt.date(2026, 6, 1), size=120)
    physics = make_society(world.cast, "中国甲物理学会", discipline=Discipline.SCIENCE, members=2500)
    crops = make_society(world.cast, "中国乙作物学会", discipline=Discipline.AGRICULTURE, members=120)
    round_2025 = ReportYear.objects.create(organization=world.cast, year=2025, due_on=dt.date(2026, 3, 31))
    return Societies(testing=testing, physics=physics, crops=crops, round_2025=round_2025)
