"""Bad documents on the import page: a clear Chinese message on the form, and nothing saved —
no review draft, no stored file, no audit row. Good Word and PDF files made here open a review."""

import io
import zipfile

import docx
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.plans.models import PlanImport
from tests.plans.sample import KEY_TASKS_2026

MB = 1024 * 1024


def stored_files(folder: str = "") -> set[str]:
    """Every file in the default storage (in memory for the tests), shared by the whole run."""
    if folder and not default_storage.exists(folder):
        return set()
    folders, files = default_storage.listdir(folder)
    found = {f"{folder}/{name}".lstrip("/") for name in files}
    for sub in folders:
        found |= stored_files(f"{folder}/{sub}".lstrip("/"))
    return found


def word(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf(lines, **options) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out, **options)
    page.setFont("STSong-Light", 11)
    y = 800
    for line in lines:
        page.drawString(40, y, line)
        y -= 16
    page.showPage()
    page.save()
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * (200 * MB))
    return out.getvalue()


NO_STRUCTURE = "会议纪要\n今天上午召开机关全体会议，传达学习上级会议精神，大家进行了交流讨论。\n"

BAD = {
    "empty": (lambda: ("要点.txt", b""), "空文件"),
    "binary": (lambda: ("要点.txt", bytes(range(256)) * 64), "不是有效的 .txt"),
    "encrypted pdf": (lambda: ("要点.pdf", pdf(["一、加强党建"], encrypt="secret")), "加密"),
    "over 20 MB": (lambda: ("要点.txt", "一、加强党建。\n".encode() * (20 * MB // 21 + 10)), "太大"),
    "zip bomb": (lambda: ("要点.docx", zip_bomb()), "压缩炸弹"),
    "no structure": (lambda: ("纪要.txt", NO_STRUCTURE.encode()), "结构"),
}


def _post(client, world, name, content):
    return client.post(reverse("plans:import"), {"organization": world.prov_a.pk,
                                                 "file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_document_is_refused_on_the_file_field_and_nothing_is_saved(case, world, signed_in):
    make, words = BAD[case]
    name, content = make()
    client = signed_in(world.provincial_clerk)
    audit_rows, files = AuditLog.objects.count(), stored_files()
    response = _post(client, world, name, content)
    assert response.status_code == 200
    field = response.content.decode().split('name="file"')[1].split('<div class="field')[0]
    assert 'class="error"' in field and words in field, field
    assert not PlanImport.objects.exists() and AuditLog.objects.count() == audit_rows
    assert stored_files() == files


def test_pasted_text_without_structure_is_refused_on_the_text_field(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("plans:import"), {"organization": world.prov_a.pk, "text": NO_STRUCTURE})
    field = response.content.decode().split('name="text"')[1].split("</div>")[0]
    assert "结构" in field and not PlanImport.objects.exists()


def test_a_file_and_pasted_text_together_are_refused(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("plans:import"), {
        "organization": world.prov_a.pk, "text": KEY_TASKS_2026,
        "file": SimpleUploadedFile("要点.txt", KEY_TASKS_2026.encode())})
    assert "二者只能选一" in response.content.decode() and not PlanImport.objects.exists()


@pytest.mark.parametrize("name, make", [
    ("要点.docx", lambda: word(KEY_TASKS_2026)),
    ("要点.pdf", lambda: pdf([line for line in KEY_TASKS_2026.splitlines()])),
])
def test_a_word_or_pdf_document_made_here_opens_a_review_with_the_same_items(name, make, world, signed_in):
    client = signed_in(world.provincial_clerk)
    client.post(reverse("plans:import"), {"organization": world.prov_a.pk, "text": KEY_TASKS_2026})
    from_text = [(i["key"], i["title"]) for i in PlanImport.objects.get().parsed["items"]]
    response = _post(client, world, name, make())
    plan_import = PlanImport.objects.exclude(source_name="").get()
    assert response["Location"] == reverse("plans:review", args=[plan_import.pk])
    assert [(i["key"], i["title"]) for i in plan_import.parsed["items"]] == from_text
    assert plan_import.source_file.name.endswith(name.rsplit(".", 1)[1])
    assert default_storage.exists(plan_import.source_file.name)
