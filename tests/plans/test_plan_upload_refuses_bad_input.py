"""A document that is not a usable plan is refused on the import page with a Chinese message on
the field it concerns, and nothing is saved: no import draft, no plan, no stored file, no audit row."""

import io
import re
import zipfile
from html import unescape

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.plans.models import Plan, PlanImport
from tests.plans.sample import KEY_TASKS_2026

MB = 1024 * 1024


def encrypted_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, encrypt="secret")
    pdf.drawString(60, 780, "plan")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def zip_bomb() -> bytes:
    """A .docx-shaped zip whose document part expands from a few KB to 30 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (30 * MB))
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A PDF with a page but no text layer, like a scan."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.rect(50, 50, 400, 600, fill=1)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


NO_STRUCTURE = ("会议纪要\n\n今天上午，市科协召开机关全体会议，传达学习上级有关会议精神。"
                "与会同志进行了交流讨论，大家表示要把思想和行动统一到会议精神上来。\n")

# (file name, content, words the Chinese message must contain)
BAD_FILES = {
    "an empty file": lambda: ("要点.txt", b"", "空"),
    "a binary file named .txt": lambda: ("要点.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, None),
    "an encrypted PDF": lambda: ("要点.pdf", encrypted_pdf(), "加密"),
    "a PDF without a text layer": lambda: ("扫描件.pdf", scanned_pdf(), None),
    "a 20 MB document": lambda: ("要点.txt", "一、加强党建\n".encode() * (20 * MB // 17 + 1), "太大"),
    "a zip bomb named .docx": lambda: ("要点.docx", zip_bomb(), None),
    "a text file named .docx": lambda: ("要点.docx", KEY_TASKS_2026.encode(), ".docx"),
    "a spreadsheet": lambda: ("要点.xlsx", b"PK\x03\x04", None),
    "a document with no recognisable structure": lambda: ("纪要.txt", NO_STRUCTURE.encode(), None),
}


def error_of(response, field: str) -> str:
    """The text of the error shown with ``field`` on the import form (empty when none)."""
    html = response.content.decode()
    block = re.search(rf'<div class="field[^"]*"[^>]*>(?:(?!<div class="field).)*?name="{field}"'
                      rf'(?:(?!<div class="field).)*', html, re.S)
    assert block, f"no {field} field on the page"
    errors = re.findall(r'class="(?:error|errorlist)[^"]*"[^>]*>(.*?)</', block.group(0), re.S)
    return unescape(" ".join(re.sub(r"<[^>]+>", "", e) for e in errors)).strip()


def stored_files(folder: str = "") -> set[str]:
    """Every file in the default storage (other tests' uploads included: compare snapshots)."""
    if folder and not default_storage.exists(folder):
        return set()
    dirs, files = default_storage.listdir(folder)
    found = {f"{folder}/{name}".lstrip("/") for name in files}
    for name in dirs:
        found |= stored_files(f"{folder}/{name}".lstrip("/"))
    return found


def snapshot() -> tuple:
    # The refusal's own trace (a failed "refused" row) is no saved change.
    return AuditLog.objects.exclude(action="refused").count(), stored_files()


def nothing_saved(before: tuple) -> bool:
    return not PlanImport.objects.exists() and not Plan.objects.exists() and snapshot() == before


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_upload_is_refused_with_a_chinese_message_on_the_file_field(case, world, signed_in):
    name, content, words = BAD_FILES[case]()
    client = signed_in(world.provincial_clerk)
    before = snapshot()
    response = client.post(reverse("plans:import"), {"organization": world.prov_a.pk,
                                                     "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200  # the form again, not a review
    message = error_of(response, "file")
    assert message, f"{case}: no message on the file field"
    assert re.search(r"[\u4e00-\u9fff]", message), f"{case}: message not in Chinese: {message}"
    if words:
        assert words in message, message
    assert nothing_saved(before), case


def test_pasted_text_without_structure_is_refused_on_the_text_field(world, signed_in):
    client = signed_in(world.provincial_clerk)
    before = snapshot()
    response = client.post(reverse("plans:import"), {"organization": world.prov_a.pk, "text": NO_STRUCTURE})
    assert response.status_code == 200 and "结构" in error_of(response, "text")
    response = client.post(reverse("plans:import"), {"organization": world.prov_a.pk, "text": "  \n \u3000"})
    assert response.status_code == 200
    assert re.search(r"[\u4e00-\u9fff]", error_of(response, "file") + error_of(response, "text"))
    assert nothing_saved(before)


def test_a_good_document_after_a_bad_one_opens_a_review(world, signed_in):
    """The refusals above are not the page refusing everything."""
    client = signed_in(world.provincial_clerk)
    org = world.prov_a.pk
    before = snapshot()
    client.post(reverse("plans:import"), {"organization": org, "file": SimpleUploadedFile("要点.docx", zip_bomb())})
    response = client.post(reverse("plans:import"),
                           {"organization": org, "file": SimpleUploadedFile("要点.txt", KEY_TASKS_2026.encode())})
    plan_import = PlanImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("plans:review", args=[plan_import.pk])
    assert not nothing_saved(before)  # and the check used above does see a saved upload
    assert default_storage.exists(plan_import.source_file.name)
