"""Documents on the import page: Word and PDF files made here open a review with the same items as
the text; a file and pasted text together are refused. (Bad files: test_plan_upload_refuses_bad_input.)"""

import io

import docx
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.plans.models import PlanImport
from tests.plans.sample import KEY_TASKS_2026


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


def _post(client, world, name, content):
    return client.post(reverse("plans:import"), {"organization": world.prov_a.pk,
                                                 "file": SimpleUploadedFile(name, content)})


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
