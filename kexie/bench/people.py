"""Benchmark 4c: importing 10,000 people with duplicate detection (issue 14: ≤ 60 s).

Inside a transaction it rolls back, a provincial association keeps 2,000 person records already,
and its clerk imports an Excel file of 10,000 rows written here (numbered two-character given
names over common surnames, deterministic from a seed; no real persons). The file plants 300 rows
that are exact duplicates of records on file (same name, unit and mobile), 300 possible ones
(a homophone of a recorded name at the same unit: 张伟 / 章伟) and 200 possible duplicates among
its own rows. Timed as the clerk meets it: reading the .xlsx, the checked preview
(``validate_rows``) and the save (``persons_import``, which checks again and writes each record
with its audit row). The counts the preview reports are compared with what was planted.
"""

import io
import random
import time

from django.db import transaction

LARGE, QUICK = 10_000, 500
ON_FILE, QUICK_ON_FILE = 2_000, 100
TARGET_S = 60
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力宁斌"
# A surname and one that sounds the same (张伟 / 章伟).
HOMOPHONES = {"张": "章", "王": "汪", "李": "黎", "刘": "柳", "陈": "晨", "杨": "阳", "周": "舟", "吴": "伍"}
UNITS = [f"甲省第{i}研究院" for i in range(1, 41)] + [f"甲省{n}大学" for n in "东南西北中"]


class _Rollback(Exception):
    pass


def _people(rng: random.Random, n: int, start: int) -> list[dict]:
    rows = []
    for i in range(start, start + n):
        name = rng.choice(SURNAMES) + GIVEN[i % len(GIVEN)] + GIVEN[(i // len(GIVEN)) % len(GIVEN)]
        rows.append({"name": name, "phone": f"139{i:08d}", "unit": UNITS[i % len(UNITS)],
                     "title": rng.choice(["教授", "研究员", "高级工程师", "副教授"]), "role": "",
                     "disciplines": rng.choice(["520", "510", "470", "52020"]), "region_code": "410000"})
    return rows


def _xlsx(rows: list[dict]) -> io.BytesIO:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("人员")
    sheet.append(["姓名", "手机", "工作单位", "职称", "职务", "学科代码", "省份"])
    for r in rows:
        sheet.append([r["name"], r["phone"], r["unit"], r["title"], r["role"], r["disciplines"], "河南省"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "人员.xlsx"
    return out


def bench_people_import(*, quick: bool = False, seed: int = 14) -> dict:
    from kexie.accounts.models import Role, User
    from kexie.accounts.roles import ensure_builtin_roles
    from kexie.organizations.services import organization_create
    from kexie.people import importers
    from kexie.people.models import Person
    from kexie.people.services import persons_import

    n, on_file = (QUICK, QUICK_ON_FILE) if quick else (LARGE, ON_FILE)
    exact, possible, internal = (n * 3 // 100, n * 3 // 100, n * 2 // 100)
    rng = random.Random(seed)
    result: dict = {}
    try:
        with transaction.atomic():
            ensure_builtin_roles()
            root = organization_create(by=None, parent=None, name="基准全国科学技术协会",
                                       kind="national_association")
            association = organization_create(by=None, parent=root, name="基准省科学技术协会",
                                              kind="provincial_association", region_code="410000")
            clerk = User.objects.create(username="bench_people", organization=association, full_name="人员基准")
            clerk.roles.set(Role.objects.filter(code="provincial_clerk"))
            clerk = User.objects.get(pk=clerk.pk)

            recorded = _people(rng, on_file, 0)
            persons_import(by=clerk, organization=association, rows=[
                {"row": i + 2, **r} for i, r in enumerate(recorded)])
            assert Person.objects.filter(organization=association).count() == on_file

            rows = _people(rng, n - exact - possible - internal, 1_000_000)
            rows += [dict(r) for r in rng.sample(recorded, exact)]
            for r in rng.sample([r for r in recorded if r["name"][0] in HOMOPHONES], possible):
                rows.append({**r, "name": HOMOPHONES[r["name"][0]] + r["name"][1:], "phone": ""})
            for r in rng.sample(rows[:n // 2], internal):
                rows.append({**r, "phone": ""})
            upload = _xlsx(rows)

            started = time.perf_counter()
            read = importers.read_person_file(upload)
            read_s = time.perf_counter() - started
            checked = importers.validate_rows(read, by=clerk)
            preview_s = time.perf_counter() - started - read_s
            created = persons_import(by=clerk, organization=association, rows=read, filename="人员.xlsx")
            total_s = time.perf_counter() - started
            kinds = {k: sum(1 for r in checked if r.kind == k) for k in ("new", "exact", "possible")}
            result = {"rows": len(read), "on_file": on_file, "planted": {"exact": exact, "possible": possible,
                                                                           "possible_within_file": internal},
                      "found": kinds, "errors": sum(1 for r in checked if r.errors), "created": len(created),
                      "read_s": round(read_s, 2), "preview_s": round(preview_s, 2),
                      "save_s": round(total_s - read_s - preview_s, 2), "total_s": round(total_s, 2)}
            raise _Rollback
    except _Rollback:
        pass
    return result
