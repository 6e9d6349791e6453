"""Builders for the permission matrix entries of the selection pages and API
(tests/test_permission_matrix.py): bare rounds, applications and flags of a provincial society
under the given association (甲省 inside the provincial clerk's scope, 乙省 outside it)."""

import datetime as dt

from django.utils import timezone

from tests.personas import World, make_user

EXPERT = "matrix_expert"


def _society(world: World, org_attr: str):
    from kexie.organizations.services import organization_create
    from kexie.societies.models import SocietyProfile

    parent = getattr(world, org_attr)
    name = f"矩阵测试学会{SocietyProfile.objects.count() + 1}"
    organization = organization_create(by=None, parent=parent, name=name, kind="provincial_society")
    return SocietyProfile.objects.create(organization=organization, discipline="science")


def _round(world: World, org_attr: str, status: str = "open"):
    from kexie.selection.models import SelectionRound

    return SelectionRound.objects.create(organization=getattr(world, org_attr), year=2026, title="矩阵测试遴选",
                                         quota=2, status=status)


def round_of(org_attr: str, status: str = "open"):
    """A round of ``org_attr`` in ``status``."""
    return lambda world: {"pk": _round(world, org_attr, status).pk}


def _application(world: World, org_attr: str, status: str = "review", on_notice: bool = False):
    from kexie.selection.models import Application

    return Application.objects.create(round=_round(world, org_attr, status), society=_society(world, org_attr),
                                      statement="矩阵", eligible=True, on_notice=on_notice)


def application_of(org_attr: str, status: str = "review"):
    return lambda world: {"pk": _application(world, org_attr, status).pk}


def attachment_of(org_attr: str):
    def build(world):
        from django.core.files.base import ContentFile

        from kexie.selection.models import Attachment

        attachment = Attachment(application=_application(world, org_attr), name="矩阵.txt", size=6)
        attachment.file.save("matrix.txt", ContentFile("矩阵".encode()), save=True)
        return {"pk": attachment.pk}
    return build


def objection_of(org_attr: str):
    def build(world):
        from kexie.selection.models import Objection

        application = _application(world, org_attr, "notice", on_notice=True)
        application.round.notice_starts_on = timezone.localdate()
        application.round.notice_ends_on = timezone.localdate() + dt.timedelta(days=7)
        application.round.save()
        objection = Objection.objects.create(round=application.round, application=application, text="矩阵",
                                             received_on=timezone.localdate())
        return {"pk": objection.pk}
    return build


def expert_persona(world: World):
    """A review expert (评审专家); the rounds it sits on are built by :func:`assigned`."""
    from kexie.accounts.models import User

    return User.objects.filter(username=EXPERT).first() or make_user(EXPERT, world.info_center,
                                                                      ["evaluation_expert"])


def assigned(org_attr: str):
    """An application in review in a round whose panel the matrix expert sits on."""
    def build(world):
        from kexie.selection.models import PanelMember

        application = _application(world, org_attr)
        PanelMember.objects.create(round=application.round, expert=expert_persona(world))
        return {"pk": application.pk}
    return build


def unassigned(org_attr: str):
    """An application in review in a round without the matrix expert."""
    return lambda world: {"pk": _application(world, org_attr).pk}


def flag_of(org_attr: str):
    def build(world):
        from kexie.selection.models import FlagRule, SocietyFlag
        from kexie.selection.rules import ensure_default_rules

        ensure_default_rules()
        flag = SocietyFlag.objects.create(society=_society(world, org_attr), rule=FlagRule.objects.get(
            code="unreachable"), year=2025, facts={"失联": "是"}, computed_at=timezone.now())
        return {"pk": flag.pk}
    return build


def new_round(world: World):
    return {"organization": world.prov_a.pk, "year": 2026, "title": "矩阵测试遴选", "quota": 2,
            "inspection_years": 2}
