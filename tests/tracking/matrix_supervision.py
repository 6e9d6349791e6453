"""Builders for the permission matrix entries of the supervision pages and API
(tests/test_permission_matrix.py): bare notices on a task of the issuer's plan led by the unit."""

import datetime as dt

from django.utils import timezone

from tests.personas import World
from tests.tracking.matrix import _task_and_cycle


def _notice(world: World, unit_attr: str, issuer_attr: str, *, replied: bool = False):
    from kexie.tracking.models import NoticeStatus, SupervisionNotice

    item, _cycle = _task_and_cycle(world, unit_attr, issuer_attr)
    issuer = getattr(world, issuer_attr)
    sequence = SupervisionNotice.objects.filter(issuer=issuer, year=2026).count() + 1
    return SupervisionNotice.objects.create(
        item=item, organization=getattr(world, unit_attr), issuer=issuer, year=2026, sequence=sequence,
        number=f"督办〔2026〕{sequence}号", reason="矩阵", reply_due=timezone.localdate() + dt.timedelta(days=10),
        status=NoticeStatus.REPLIED if replied else NoticeStatus.ISSUED, reply_text="矩阵" if replied else "",
        replied_at=timezone.now() if replied else None)


def notice_of(unit_attr: str, issuer_attr: str, *, replied: bool = False):
    """A notice ``issuer_attr`` issued to ``unit_attr`` (already answered when ``replied``)."""
    def build(world):
        return {"pk": _notice(world, unit_attr, issuer_attr, replied=replied).pk}
    return build


def evidence_of(unit_attr: str, issuer_attr: str):
    """A reply file attached to a notice to ``unit_attr``."""
    def build(world):
        from django.core.files.base import ContentFile

        from kexie.tracking.models import SupervisionEvidence

        notice = _notice(world, unit_attr, issuer_attr, replied=True)
        evidence = SupervisionEvidence(notice=notice, name="矩阵.txt", size=6)
        evidence.file.save("matrix.txt", ContentFile("矩阵".encode()), save=True)
        return {"pk": evidence.pk}
    return build


def task_of(unit_attr: str, issuer_attr: str):
    """A task of ``issuer_attr``'s plan led by ``unit_attr``, as the ``item_pk`` of a URL."""
    def build(world):
        return {"item_pk": _task_and_cycle(world, unit_attr, issuer_attr)[0].pk}
    return build


def issue_form(world):
    return {"organization": world.city_a.pk, "reason": "矩阵",
            "reply_due": (timezone.localdate() + dt.timedelta(days=10)).isoformat()}


def new_notice(world):
    """The body of a notice 甲省 issues to 甲市 on a task of its plan."""
    item, _cycle = _task_and_cycle(world, "city_a", "prov_a")
    return {"item": item.pk, **issue_form(world)}


def new_instruction(world):
    item, _cycle = _task_and_cycle(world, "city_a", "prov_a")
    return {"item": item.pk, "text": "矩阵批示"}
