"""Reading a spreadsheet of persons and sorting its rows into new / exact duplicate / possible
duplicate, with row-level Chinese errors. Nothing here writes (``services.persons_import`` does).

One row per person. Several disciplines or industries are separated by ";" or "、"; honours as
``名称:年份`` separated by ";". The ID number is kept encrypted in the pending rows.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from kexie.core import crypto
from kexie.core.excel import read_rows

from . import services
from .dedupe import EXACT, POSSIBLE, Candidate, find_matches, name_pinyin
from .models import Person

MAX_IMPORT_ROWS = 20_000

# column key -> accepted headers (the first is the template's)
COLUMNS = {
    "name": ("姓名", "name"),
    "gender": ("性别", "gender"),
    "birth_date": ("出生日期", "birth date"),
    "id_number": ("身份证号", "ID number", "身份证号码"),
    "phone": ("手机", "phone", "手机号", "联系电话", "电话"),
    "email": ("电子邮箱", "e-mail", "邮箱", "email"),
    "title": ("职称", "professional title"),
    "unit": ("工作单位", "unit", "单位"),
    "role": ("职务", "position"),
    "disciplines": ("学科代码", "disciplines", "学科"),
    "industries": ("行业代码", "industries", "行业"),
    "region_code": ("省份", "province", "省"),
    "city": ("城市", "city", "市"),
    "honours": ("荣誉", "honours"),
}
LABELS = {"name": "姓名", "gender": "性别", "birth_date": "出生日期", "id_number": "身份证号", "phone": "手机",
          "email": "电子邮箱", "title": "职称", "disciplines": "学科代码", "industries": "行业代码",
          "region_code": "省份", "city": "城市", "honours": "荣誉", "unit": "工作单位"}


def template_headers() -> list[str]:
    return [names[0] for names in COLUMNS.values()]


def _key(text) -> str:
    return re.sub(r"\s+", "", str(text or "")).rstrip("*＊").lower()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_person_file(upload) -> list[dict]:
    """The rows of an uploaded .xlsx/.csv as ``{"row": n, <column key>: text}``; the ID number encrypted."""
    aliases = {_key(h): key for key, names in COLUMNS.items() for h in names}
    header, rows = read_rows(upload, header_names=[n for names in COLUMNS.values() for n in names],
                             max_rows=MAX_IMPORT_ROWS)
    index = {aliases[_key(h)]: j for j, h in enumerate(header) if _key(h) in aliases}
    if "name" not in index:
        raise ValidationError(_("The file has no 姓名 (name) column."))
    result = []
    for number, values in rows:
        row = {"row": number}
        for key, j in index.items():
            row[key] = _cell(values[j]) if j < len(values) else ""
        if row.get("id_number"):
            row["id_number"] = crypto.encrypt(row["id_number"].upper())
        result.append(row)
    return result


def _honours(text: str) -> list[dict]:
    items = []
    for part in re.split(r"[;；\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        m = re.match(r"^(.*?)[:：\s]\s*((?:19|20)\d\d)年?$", part)
        items.append({"name": m.group(1).strip(), "year": int(m.group(2))} if m else {"name": part, "year": None})
    return items


@dataclass
class RowResult:
    row: int
    data: dict = field(default_factory=dict)
    positions: list = field(default_factory=list)
    honours: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    kind: str = "new"  # new / exact / possible
    matches: list[dict] = field(default_factory=list)  # {"id", "name", "unit", "reasons", "row"}

    @property
    def name(self) -> str:
        return self.data.get("name", "")


REASON_LABELS = {"id_number": "身份证号相同", "name": "姓名相同", "pinyin": "姓名拼音相同", "unit": "单位相同",
                 "phone": "手机相同", "birth_date": "出生日期相同"}


def validate_rows(rows: list[dict], *, by) -> list[RowResult]:
    """Check every row and compare it with the persons of ``by``'s scope and the rows above it."""
    results = []
    for raw in rows:
        result = RowResult(row=raw.get("row", 0))
        data = {k: raw.get(k, "") for k in services.PERSON_FIELDS if k in raw}
        data.setdefault("name", "")
        if data.get("id_number"):
            try:
                data["id_number"] = crypto.decrypt(data["id_number"])
            except Exception:  # a pending row that is not ours
                data["id_number"] = ""
        try:
            result.data = services.clean_person_data(data)
        except ValidationError as error:
            result.data = {k: v for k, v in data.items()}
            for key, messages in error.message_dict.items():
                for message in messages:
                    result.errors.append(f"{LABELS.get(key, key)}：{message}")
        if raw.get("unit"):
            result.positions = [{"unit_name": raw["unit"], "role": raw.get("role", "")}]
        result.honours = _honours(raw.get("honours", ""))
        results.append(result)
    _classify(results, by=by)
    return results


def _candidate(result: RowResult, key) -> Candidate:
    from kexie.core.crypto import digest

    return Candidate(key=key, name=result.data.get("name", ""), units={p["unit_name"] for p in result.positions},
                     phone=result.data.get("phone", ""), birth_date=result.data.get("birth_date"),
                     id_digest=digest(result.data["id_number"]) if result.data.get("id_number") else "")


def _classify(results: list[RowResult], *, by) -> None:
    usable = [r for r in results if not r.errors and r.data.get("name")]
    candidates = [_candidate(r, ("row", i)) for i, r in enumerate(usable)]
    pinyins = {name_pinyin(r.data["name"]) for r in usable}
    digests = {c.id_digest for c in candidates if c.id_digest}
    existing = []
    people = Person.objects.current().restrict(by, "person.view").filter(
        Q(name_pinyin__in=pinyins) | Q(id_number_digest__in=digests)).prefetch_related("positions__organization")
    for person in people:
        existing.append(Candidate(key=("person", person.pk), name=person.name, units=set(person.unit_names()),
                                  phone=person.phone, birth_date=person.birth_date,
                                  id_digest=person.id_number_digest))
    names = {("person", p.pk): (p.name, "、".join(p.unit_names())) for p in people}
    # Only candidates sharing the pinyin or the ID digest can match: index them, rows added as they pass.
    index: dict[str, list[Candidate]] = {}

    def add(c: Candidate) -> None:
        index.setdefault("p:" + c.pinyin, []).append(c)
        if c.id_digest:
            index.setdefault("i:" + c.id_digest, []).append(c)

    for c in existing:
        add(c)
    for result, candidate in zip(usable, candidates):
        near = {id(c): c for key in ("p:" + candidate.pinyin, "i:" + candidate.id_digest)
                for c in index.get(key, [])}
        found = find_matches(candidate, list(near.values()))
        add(candidate)
        for other, kind, reasons in found:
            if other.key[0] == "person":
                name, unit = names[other.key]
                match = {"id": other.key[1], "name": name, "unit": unit}
            else:
                earlier = usable[other.key[1]]
                match = {"row": earlier.row, "name": earlier.name,
                         "unit": "、".join(p["unit_name"] for p in earlier.positions)}
            match["reasons"] = "、".join(REASON_LABELS[r] for r in reasons)
            match["kind"] = kind
            result.matches.append(match)
        if any(m["kind"] == EXACT for m in result.matches):
            result.kind = EXACT
        elif result.matches:
            result.kind = POSSIBLE
