"""A 2026 一流学会 selection round of 中国科协 with four applicants and four experts, three of whom
are in conflict with one society each.

    applicants (2025 facts)   final evaluation   experts
    中国测试学会 (world.society)   90  A             张专家 works for 测试专业委员会 (its branch)
    中国甲物理学会                 85  A             李理事 sits on its current council
    中国乙作物学会                 88  B             赵专家 holds a position in it
    中国丙弱学会 (2024 unqualified) 70 C             王专家 has no tie
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from kexie.accounts.models import Position
from kexie.selection import services
from kexie.selection.models import Application, SelectionRound
from kexie.societies.models import BodyMember, Discipline, SocietyProfile
from tests.personas import make_user
from tests.selection.world import GOOD, council, expert, record, report_years, society

OPENED = dt.date(2026, 3, 1)


@dataclass
class RoundWorld:
    round: SelectionRound
    testing: Application
    physics: Application
    crops: Application
    weak: Application
    zhang: object
    li: object
    zhao: object
    wang: object
    secretaries: dict


def secretary_of(profile: SocietyProfile, username: str):
    return make_user(username, profile.organization, ["society_secretary"])


@pytest.fixture
def round_world(world) -> RoundWorld:
    rounds = report_years(world)
    testing = record(SocietyProfile.objects.create(organization=world.society, discipline=Discipline.ENGINEERING,
                                                   individual_members=800), rounds, {2024: GOOD, 2025: GOOD})
    physics = society(world, "中国甲物理学会", rounds, discipline=Discipline.SCIENCE)
    crops = society(world, "中国乙作物学会", rounds, discipline=Discipline.AGRICULTURE)
    weak = society(world, "中国丙弱学会", rounds, {2024: {**GOOD, "inspection": "unqualified"}, 2025: GOOD})
    physics_council = council(physics, 6, dt.date(2023, 5, 1), dt.date(2028, 5, 1))
    BodyMember.objects.create(body=physics_council, name="李理事", post="常务理事")
    old_crops_council = council(crops, 2, dt.date(2015, 5, 1), dt.date(2020, 5, 1))
    BodyMember.objects.create(body=old_crops_council, name="李理事", post="理事")  # a past term: no conflict
    council(crops, 3, dt.date(2020, 5, 1), dt.date(2027, 5, 1))

    clerk = world.national_clerk
    selection_round = services.round_create(by=clerk, organization=world.cast, year=2026,
                                            title="2026年度一流学会建设遴选", quota=2, min_score="80")
    zhang = expert(world, "zhang_expert", world.branch, "张专家")
    li = expert(world, "li_expert", world.info_center, "李理事")
    zhao = expert(world, "zhao_expert", world.info_center, "赵专家")
    Position.objects.create(user=zhao, organization=crops.organization, title="学术顾问")
    wang = expert(world, "wang_expert", world.info_center, "王专家")
    for each in (zhang, li, zhao, wang):
        services.panel_add(by=clerk, selection_round=selection_round, expert=each)
    services.round_open(by=clerk, selection_round=selection_round)

    secretaries = {"testing": world.society_secretary, "physics": secretary_of(physics, "physics_secretary"),
                   "crops": secretary_of(crops, "crops_secretary"), "weak": secretary_of(weak, "weak_secretary")}
    applications = {}
    for key, profile, score, grade in (("testing", testing, 90, "A"), ("physics", physics, 85, "A"),
                                       ("crops", crops, 88, "B"), ("weak", weak, 70, "C")):
        application = services.application_submit(by=secretaries[key], selection_round=selection_round,
                                                   society=profile, statement=f"{profile}申报一流学会。")
        applications[key] = services.application_set_evaluation(by=clerk, application=application,
                                                                score=Decimal(score), grade=grade)
    return RoundWorld(round=selection_round, zhang=zhang, li=li, zhao=zhao, wang=wang, secretaries=secretaries,
                      **applications)


def refreshed(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)
