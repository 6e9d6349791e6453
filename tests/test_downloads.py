"""Every download offers its Chinese file name (RFC 6266 ``filename*=UTF-8''…``) with a plain ASCII
name beside it for clients that do not read the first."""

import ast
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

import kexie
from kexie.core.downloads import ascii_filename, content_disposition

HEADER = re.compile(r"^attachment; filename=\"(?P<ascii>[\x20-\x7e]+)\"; filename\*=UTF-8''(?P<encoded>[A-Za-z0-9%._~()!*'-]+)$")


def offered_names(header: str) -> tuple[str, str]:
    """(the ASCII name, the decoded UTF-8 name) of a Content-Disposition header."""
    match = HEADER.match(header)
    assert match, header
    assert '"' not in match["ascii"] and "\\" not in match["ascii"]
    return match["ascii"], unquote(match["encoded"], encoding="utf-8", errors="strict")


def test_a_chinese_name_is_offered_whole_with_its_pinyin_beside_it():
    header = content_disposition("组织名录-20260701.xlsx")

    assert offered_names(header) == ("zuzhiminglu-20260701.xlsx", "组织名录-20260701.xlsx")


def test_full_width_forms_and_odd_characters_make_a_clean_ascii_name():
    assert ascii_filename("月度调度报告（2026年5月）.docx") == "yuedudiaodubaogao(2026nian5yue).docx"
    assert ascii_filename("实施方案（2026—2030年）") == "shishifangan(2026-2030nian)"
    assert ascii_filename('a"b\\c.txt') == "a-b-c.txt"


def test_an_ascii_name_needs_no_second_form_and_a_title_cannot_smuggle_a_path():
    assert content_disposition("report.pdf") == 'attachment; filename="report.pdf"'
    assert offered_names(content_disposition("2026/2027 规划.json"))[1] == "2026-2027 规划.json"


def _download_calls() -> list[str]:
    """Places outside kexie/core/downloads.py that build a download response themselves."""
    found = []
    for path in Path(kexie.__file__).parent.rglob("*.py"):
        if path.name == "downloads.py" and path.parent.name == "core":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                    "FileResponse", "content_disposition_header"):
                found.append(f"{path}:{node.lineno}")
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Subscript) and getattr(t.slice, "value", "") == "Content-Disposition"
                    for t in node.targets):
                value = node.value
                if not (isinstance(value, ast.Call) and getattr(value.func, "id", "") == "content_disposition"):
                    found.append(f"{path}:{node.lineno}")
    return found


def test_every_download_names_its_file_through_the_one_helper():
    assert _download_calls() == []


DOWNLOADS = [
    ("national_clerk", "organizations:export", None, "组织"),
    ("national_clerk", "organizations:import_template", None, "组织导入模板"),
    ("audit_admin", "audit:export", None, "审计日志"),
    ("national_clerk", "ledger:export", None, "重点任务台账"),
    ("national_clerk", "supervision:export", None, "督办单"),
    ("national_clerk", "societies:export", None, "学会名录"),
    ("national_clerk", "selection:flags_export", None, "“四个一批”标记"),
    ("national_clerk", "dashboard:export", {"part": "level"}, "中国科学技术协会"),
    ("national_clerk", "dashboard:meeting_pack_xlsx", None, "中国科学技术协会"),
]


@pytest.mark.parametrize("persona, name, kwargs, stem", DOWNLOADS, ids=[d[1] for d in DOWNLOADS])
def test_each_export_offers_a_chinese_file_name(world, signed_in, persona, name, kwargs, stem):
    response = signed_in(getattr(world, persona)).get(reverse(name, kwargs=kwargs))

    assert response.status_code == 200
    ascii_name, chinese = offered_names(response["Content-Disposition"])
    assert chinese.startswith(stem), chinese
    assert ascii_name.isascii() and ascii_name.rsplit(".", 1)[-1] == chinese.rsplit(".", 1)[-1]
    assert re.search(r"[\u4e00-\u9fff]", chinese)


def test_the_date_in_an_export_name_is_today(world, signed_in):
    response = signed_in(world.audit_admin).get(reverse("audit:export"))

    assert offered_names(response["Content-Disposition"])[1] == f"审计日志-{timezone.localdate():%Y%m%d}.xlsx"
