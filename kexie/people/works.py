"""Reading a list of works (论著) from the files experts bring: BibTeX, RIS and CSV. Plain Python.

Each parser returns a list of dicts ``{"title", "year", "authors": [names], "venue"}``; entries
without a title are left out. Errors are ``WorksError`` with a message for the user.
"""

import csv
import io
import re


class WorksError(ValueError):
    pass


def _work(title, year, authors, venue) -> dict:
    year_match = re.search(r"(1[89]|20)\d\d", str(year or ""))
    return {"title": _clean(title), "year": int(year_match.group(0)) if year_match else None,
            "authors": [a for a in (_clean(a) for a in authors) if a], "venue": _clean(venue)}


def _clean(text) -> str:
    text = re.sub(r"[{}]", "", str(text or ""))
    return re.sub(r"\s+", " ", text).strip()


# --- BibTeX ---------------------------------------------------------------------------------------

def _bib_value(text: str, i: int, strings: dict) -> tuple[str, int]:
    """Read one field value starting at ``i`` (braced, quoted, a number or a @string name, joined by #)."""
    parts = []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            raise WorksError("BibTeX: a field value is not closed")
        ch = text[i]
        if ch == "{":
            depth, start = 1, i + 1
            i += 1
            while i < len(text) and depth:
                if text[i] == "\\":
                    i += 2
                    continue
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            if depth:
                raise WorksError("BibTeX: unbalanced braces")
            parts.append(text[start:i - 1])
        elif ch == '"':
            start, depth = i + 1, 0
            i += 1
            while i < len(text) and not (text[i] == '"' and depth == 0):
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            if i >= len(text):
                raise WorksError("BibTeX: a quoted value is not closed")
            parts.append(text[start:i])
            i += 1
        else:
            match = re.compile(r"[\w\-.:]+").match(text, i)
            if not match:
                raise WorksError("BibTeX: unexpected character %r" % ch)
            word = match.group(0)
            parts.append(strings.get(word.lower(), word))
            i = match.end()
        while i < len(text) and text[i].isspace():
            i += 1
        if i < len(text) and text[i] == "#":
            i += 1
            continue
        return "".join(parts), i


def _bib_entries(text: str):
    strings: dict[str, str] = {}
    for match in re.finditer(r"@\s*(\w+)\s*([{(])", text):
        kind, i = match.group(1).lower(), match.end()
        if kind in ("comment", "preamble"):
            continue
        fields: dict[str, str] = {}
        if kind != "string":
            comma = text.find(",", i)
            if comma < 0:
                raise WorksError("BibTeX: an entry has no key")
            i = comma + 1
        while True:
            m = re.compile(r"\s*([\w\-]+)\s*=").match(text, i)
            if not m:
                break
            value, i = _bib_value(text, m.end(), strings)
            fields[m.group(1).lower()] = value
            m2 = re.compile(r"\s*,").match(text, i)
            if not m2:
                break
            i = m2.end()
        if kind == "string":
            strings.update(fields)
        else:
            yield kind, fields


def parse_bibtex(text: str) -> list[dict]:
    works = []
    for _kind, fields in _bib_entries(text):
        authors = [a.strip() for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip()]
        venue = fields.get("journal") or fields.get("booktitle") or fields.get("publisher") or fields.get("school", "")
        work = _work(fields.get("title"), fields.get("year"), authors, venue)
        if work["title"]:
            works.append(work)
    return works


# --- RIS ------------------------------------------------------------------------------------------

def parse_ris(text: str) -> list[dict]:
    works, record = [], None
    for line in text.splitlines():
        m = re.match(r"^([A-Z][A-Z0-9])  -\s?(.*)$", line.rstrip())
        if not m:
            continue
        tag, value = m.group(1), m.group(2).strip()
        if tag == "TY":
            record = {"title": "", "year": "", "authors": [], "venue": ""}
        elif record is None:
            continue
        elif tag == "ER":
            work = _work(record["title"], record["year"], record["authors"], record["venue"])
            if work["title"]:
                works.append(work)
            record = None
        elif tag in ("TI", "T1") and not record["title"]:
            record["title"] = value
        elif tag in ("AU", "A1", "A2"):
            record["authors"].append(value)
        elif tag in ("PY", "Y1", "DA") and not record["year"]:
            record["year"] = value
        elif tag in ("JO", "JF", "T2", "BT", "PB") and not record["venue"]:
            record["venue"] = value
    if record is not None:
        raise WorksError("RIS: the last record has no ER line")
    return works


# --- CSV ------------------------------------------------------------------------------------------

_CSV_HEADERS = {
    "title": ("title", "题名", "标题", "论著名称", "名称"),
    "year": ("year", "年份", "发表年份", "出版年"),
    "authors": ("authors", "author", "作者", "合作者", "coauthors"),
    "venue": ("venue", "journal", "期刊", "刊物", "出处", "出版社"),
}


def parse_csv(text: str) -> list[dict]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    index = {}
    for key, names in _CSV_HEADERS.items():
        for j, h in enumerate(header):
            if h in names:
                index[key] = j
                break
    if "title" not in index:
        raise WorksError("CSV: no title column (title / 题名)")
    works = []
    for row in rows[1:]:
        def cell(key):
            j = index.get(key)
            return row[j] if j is not None and j < len(row) else ""
        authors = [a for a in re.split(r"[;；,，、]", cell("authors")) if a.strip()]
        work = _work(cell("title"), cell("year"), authors, cell("venue"))
        if work["title"]:
            works.append(work)
    return works


def parse_works(filename: str, text: str) -> list[dict]:
    """Parse by the file's extension (.bib, .ris, .csv)."""
    ext = filename.lower().rsplit(".", 1)[-1]
    parser = {"bib": parse_bibtex, "bibtex": parse_bibtex, "ris": parse_ris, "csv": parse_csv}.get(ext)
    if parser is None:
        raise WorksError("unknown format")
    return parser(text)
