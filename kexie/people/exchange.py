"""Export of an expert library to Excel and import of such a workbook back, every field.

Four sheets: 专家 (one row per entry: the person and the entry), 论著, 履职评价, 关系. Rows of
the other sheets point at an entry by its 编号 (number) in the first sheet. An export is masked
unless the user holds pii.unmask and asks for clear values (audited as an unmasking); a masked
value (with ``*``) is ignored on import, never stored.

On import a person is found by ID number, else by folded name and phone within the user's
scope, else created; a found person is left as it is. An entry already in the library is
updated; works and reviews already there (same title and year; same date and service) are not
added twice. All or nothing: the first bad row refuses the whole file.
"""

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from kexie.accounts.scope import require_code
from kexie.audit.services import audit_record
from kexie.core import crypto
from kexie.core.excel import add_sheet, write_workbook
from kexie.core.uploads import check_upload
from kexie.organizations.models import Organization

from . import services
from .dedupe import fold, fold_phone
from .models import EntryStatus, ExpertEntry, Gender, PerformanceReview, Person, PersonRelation, RelationKind, Work

EXPERT_HEADERS = ["编号", "姓名", "性别", "出生日期", "身份证号", "手机", "电子邮箱", "职称", "学科代码", "行业代码",
                  "省份", "城市", "工作单位及职务", "荣誉", "类别", "关键词", "回避单位", "状态", "状态原因", "状态日期"]
WORK_HEADERS = ["编号", "题名", "年份", "合作者", "出处"]
REVIEW_HEADERS = ["编号", "日期", "服务事项", "评分", "评语", "评价人"]
RELATION_HEADERS = ["编号", "关系人编号", "关系人", "关系", "备注"]
SHEETS = ("专家", "论著", "履职评价", "关系")

GENDER_TEXT = {Gender.MALE: "男", Gender.FEMALE: "女"}
STATUS_TEXT = {EntryStatus.ACTIVE: "在库", EntryStatus.SUSPENDED: "暂停", EntryStatus.WITHDRAWN: "退库"}
RELATION_TEXT = {RelationKind.KIN: "亲属", RelationKind.TEACHER_STUDENT: "师生", RelationKind.TEAM: "同一团队",
                 RelationKind.OTHER: "其他"}


def _join(items) -> str:
    return ";".join(str(i) for i in items)


def _date(value) -> str:
    return value.isoformat() if value else ""


def export_library(*, by, entries, unmasked: bool = False):
    """The workbook of ``entries`` (a queryset already limited to ``by``'s scope)."""
    require_code(by, "expert.view")
    if unmasked:
        require_code(by, "pii.unmask")
    entries = list(entries.select_related("person", "library").prefetch_related(
        "person__positions__organization", "person__honours", "works", "reviews", "person__relations__other"))
    number = {entry.pk: f"E{i}" for i, entry in enumerate(entries, start=1)}
    by_person = {entry.person_id: number[entry.pk] for entry in entries}
    experts, works, reviews, relations = [], [], [], []
    for entry in entries:
        p, n = entry.person, number[entry.pk]
        experts.append([
            n, p.name, GENDER_TEXT.get(p.gender, ""), _date(p.birth_date),
            p.id_number if unmasked else p.masked_id_number, p.phone if unmasked else p.masked_phone,
            p.email if unmasked else p.masked_email, p.title, _join(p.disciplines), _join(p.industries),
            p.region_name, p.city, _join(f"{pos.unit}|{pos.role}" if pos.role else pos.unit for pos in p.positions.all()),
            _join(f"{h.name}:{h.year}" if h.year else h.name for h in p.honours.all()),
            _join(entry.categories), _join(entry.keywords), _join(entry.avoidances), STATUS_TEXT[entry.status],
            entry.status_reason, _date(entry.status_date)])
        for w in entry.works.all():
            works.append([n, w.title, w.year or "", _join(w.coauthors), w.venue])
        for r in entry.reviews.all():
            reviews.append([n, _date(r.date), r.service, r.rating, r.comment, r.reviewer_name])
        for rel in p.relations.all():
            relations.append([n, by_person.get(rel.other_id, ""), rel.other.name, RELATION_TEXT[rel.kind], rel.note])
    workbook = write_workbook(headers=EXPERT_HEADERS, rows=experts, sheet_name=SHEETS[0])
    add_sheet(workbook, headers=WORK_HEADERS, rows=works, sheet_name=SHEETS[1])
    add_sheet(workbook, headers=REVIEW_HEADERS, rows=reviews, sheet_name=SHEETS[2])
    add_sheet(workbook, headers=RELATION_HEADERS, rows=relations, sheet_name=SHEETS[3])
    with transaction.atomic():
        audit_record(action="export", by=by, object_type="people.expertentry", detail=f"{len(entries)}",
                     new={"unmasked": unmasked})
        if unmasked:
            audit_record(action="unmask", by=by, object_type="people.expertentry",
                         detail="export: id_number, phone, email")
    return workbook


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text[1:] if text.startswith("'") and text[1:2] in "=+-@" else text


def _sheet_rows(workbook, name, headers) -> list[tuple[int, dict]]:
    if name not in workbook.sheetnames:
        return []
    rows = list(workbook[name].iter_rows(values_only=True))
    if not rows:
        return []
    header = [_text(h) for h in rows[0]]
    missing = [h for h in headers if h not in header]
    if missing:
        raise ValidationError(_("Sheet %(sheet)s lacks the columns %(columns)s.") % {
            "sheet": name, "columns": "、".join(missing)})
    index = {h: header.index(h) for h in headers}
    result = []
    for number, values in enumerate(rows[1:], start=2):
        values = list(values) + [None] * len(header)
        row = {h: _text(values[j]) for h, j in index.items()}
        if any(row.values()):
            result.append((number, row))
    return result


def _split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def _clear(text: str) -> str:
    return "" if "*" in (text or "") else text


def read_library_file(upload) -> dict:
    check_upload(upload, allowed={"xlsx"})
    data = upload.read()
    upload.seek(0)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ValidationError(_("The file could not be read as an Excel workbook (.xlsx); it may be damaged.")) from None
    try:
        return {"experts": _sheet_rows(workbook, SHEETS[0], EXPERT_HEADERS),
                "works": _sheet_rows(workbook, SHEETS[1], WORK_HEADERS),
                "reviews": _sheet_rows(workbook, SHEETS[2], REVIEW_HEADERS),
                "relations": _sheet_rows(workbook, SHEETS[3], RELATION_HEADERS)}
    finally:
        workbook.close()


def _row_error(sheet: str, number: int, error) -> ValidationError:
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    return ValidationError(_("Sheet %(sheet)s, row %(row)d: %(message)s") % {
        "sheet": sheet, "row": number, "message": "；".join(messages)})


def import_library(*, by, organization: Organization, sheets: dict, filename: str = "") -> int:
    """Import the sheets of an exported workbook into ``organization``'s library; returns the entries."""
    require_code(by, "expert.manage")
    require_code(by, "person.manage")
    status_codes = {v: k for k, v in STATUS_TEXT.items()}
    relation_codes = {v: k for k, v in RELATION_TEXT.items()}
    entries: dict[str, ExpertEntry] = {}
    with transaction.atomic():
        library = services.library_of(organization)
        for number, row in sheets["experts"]:
            try:
                data = {"name": row["姓名"], "gender": row["性别"], "birth_date": row["出生日期"],
                        "id_number": _clear(row["身份证号"]), "phone": _clear(row["手机"]),
                        "email": _clear(row["电子邮箱"]), "title": row["职称"], "disciplines": _split(row["学科代码"]),
                        "industries": _split(row["行业代码"]), "region_code": row["省份"], "city": row["城市"]}
                clean = services.clean_person_data(data)
                person = _find_person(by, clean)
                if person is None:
                    positions = []
                    for item in _split(row["工作单位及职务"]):
                        unit, _sep, role = item.partition("|")
                        org = Organization.objects.restrict(by, "org.view").filter(name=unit).first()
                        positions.append({"organization": org, "unit_name": unit, "role": role})
                    honours = []
                    for item in _split(row["荣誉"]):
                        name, _sep, year = item.rpartition(":")
                        honours.append({"name": name, "year": int(year)} if name and year.isdigit()
                                       else {"name": item, "year": None})
                    person = services.person_create(by=by, organization=organization, data=data,
                                                    positions=positions, honours=honours)
                status = status_codes.get(row["状态"] or "在库")
                if status is None:
                    raise ValidationError(_("Unknown status %(value)s.") % {"value": row["状态"]})
                entry = ExpertEntry.objects.filter(library=library, person=person).first()
                fields = {"categories": _split(row["类别"]), "keywords": _split(row["关键词"]),
                          "avoidances": _split(row["回避单位"])}
                if entry is None:
                    entry = services.entry_add(by=by, organization=organization, person=person, data=fields)
                else:
                    entry = services.entry_update(by=by, entry=entry, data=fields)
                status_date = dt.date.fromisoformat(row["状态日期"]) if row["状态日期"] else None
                if (entry.status, entry.status_reason, entry.status_date) != (status, row["状态原因"], status_date):
                    ExpertEntry.objects.filter(pk=entry.pk).update(status=status, status_reason=row["状态原因"][:200],
                                                                   status_date=status_date)
                entries[row["编号"]] = entry
            except (ValidationError, ValueError) as error:
                raise _row_error(SHEETS[0], number, error) from None
        for number, row in sheets["works"]:
            entry = entries.get(row["编号"])
            if entry is None:
                raise _row_error(SHEETS[1], number, ValidationError(_("No expert with this number.")))
            year = int(row["年份"]) if row["年份"].isdigit() else None
            if Work.objects.filter(entry=entry, title=row["题名"], year=year).exists():
                continue
            services.works_add(by=by, entry=entry, works=[{"title": row["题名"], "year": year,
                                                           "authors": _split(row["合作者"]), "venue": row["出处"]}])
        for number, row in sheets["reviews"]:
            entry = entries.get(row["编号"])
            try:
                if entry is None:
                    raise ValidationError(_("No expert with this number."))
                date = dt.date.fromisoformat(row["日期"])
                if PerformanceReview.objects.filter(entry=entry, date=date, service=row["服务事项"]).exists():
                    continue
                services.review_add(by=by, entry=entry, date=date, service=row["服务事项"], rating=row["评分"],
                                    comment=row["评语"], reviewer_name=row["评价人"])
            except (ValidationError, ValueError) as error:
                raise _row_error(SHEETS[2], number, error) from None
        for number, row in sheets["relations"]:
            entry, other = entries.get(row["编号"]), entries.get(row["关系人编号"])
            if entry is None or other is None:
                continue  # a relation to someone outside the file is not carried
            kind = relation_codes.get(row["关系"])
            if kind is None:
                raise _row_error(SHEETS[3], number, ValidationError(_("Choose a relation.")))
            if not PersonRelation.objects.filter(person=entry.person, other=other.person, kind=kind).exists():
                services.relation_add(by=by, person=entry.person, other=other.person, kind=kind, note=row["备注"])
        audit_record(action="import", by=by, obj=library, detail=filename[:200], new={"entries": len(entries)})
    return len(entries)


def _find_person(by, clean: dict) -> Person | None:
    people = Person.objects.current().restrict(by, "person.view")
    if clean.get("id_number"):
        found = people.filter(id_number_digest=crypto.digest(clean["id_number"])).first()
        if found:
            return found
    if clean.get("phone"):
        for person in people.filter(name_key=fold(clean["name"])):
            if fold_phone(person.phone) == fold_phone(clean["phone"]):
                return person
    return None
