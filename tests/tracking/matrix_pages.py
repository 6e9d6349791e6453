"""Builders for the permission matrix entries of the tracking pages (tests/test_permission_matrix.py).

Bare rows, as in :mod:`tests.tracking.matrix`: a plan of the issuer with one task led by the unit,
one monthly cycle. Where a form's body must name the cycle built for the URL, it takes the newest.
"""

from tests.tracking.matrix import _task_and_cycle, report_of


def tracked_task_of(unit_attr: str, issuer_attr: str):
    def build(world):
        return {"item_pk": _task_and_cycle(world, unit_attr, issuer_attr)[0].pk}
    return build


def tracked_plan_of(issuer_attr: str):
    def build(world):
        unit = "city_a" if issuer_attr == "prov_a" else "city_b"
        return {"pk": _task_and_cycle(world, unit, issuer_attr)[0].plan_id}
    return build


def report_evidence_of(unit_attr: str, issuer_attr: str):
    """An evidence file on a submitted report of ``unit_attr``."""
    def build(world):
        from django.core.files.base import ContentFile

        from kexie.tracking.models import Evidence

        report_pk = report_of(unit_attr, issuer_attr)(world)["pk"]
        evidence = Evidence(report_id=report_pk, name="矩阵.txt", size=6)
        evidence.file.save("matrix.txt", ContentFile("矩阵".encode()), save=True)
        return {"pk": evidence.pk}
    return build


def report_form(world):
    """What 甲省 files for 甲市 on the task just built (its cycle is the newest)."""
    from kexie.tracking.models import ReportingCycle

    return {"organization": world.city_a.pk, "cycle": ReportingCycle.objects.order_by("-pk").first().pk,
            "progress": "in_progress", "percent": "10"}


def deferral_form(world):
    return {"deferral-organization": world.city_a.pk, "deferral-requested_due": "2026-09-30",
            "deferral-reason": "矩阵"}


def schedule_form(world):
    return {"frequency": "monthly", "filing_days": "5", "amber_gap": "10", "red_gap": "25"}


def task_target_of(unit_attr: str, issuer_attr: str):
    """A task of ``issuer_attr``'s plan with one target: the URL arguments of its measure link."""
    def build(world):
        from kexie.plans.models import Target

        item = _task_and_cycle(world, unit_attr, issuer_attr)[0]
        target = Target.objects.create(item=item, text="新建科技小院10家", metric="科技小院", min_value=10, unit="家")
        return {"item_pk": item.pk, "pk": target.pk}
    return build
