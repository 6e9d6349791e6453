"""Upload checks: size, extension against magic bytes, zip bombs, text encodings."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from kexie.core.uploads import check_upload, check_zip, decode_text
from kexie.organizations.models import OrganizationImport


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


XLSX_MEMBERS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


def message(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_it_accepts_a_real_looking_xlsx_and_returns_its_extension():
    upload = SimpleUploadedFile("a.XLSX", zip_bytes(XLSX_MEMBERS))
    assert check_upload(upload, allowed={"xlsx", "csv"}) == "xlsx"
    assert upload.read(2) == b"PK"  # left at the start for the reader


def test_an_extension_not_on_the_allow_list_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        check_upload(SimpleUploadedFile("a.exe", b"MZ..."), allowed={"xlsx", "csv"})
    assert "只能上传 .csv, .xlsx 文件" in message(excinfo)


def test_content_that_does_not_match_the_extension_is_refused():
    for name, data in [("a.xlsx", b"%PDF-1.7 ..."), ("a.pdf", b"PK\x03\x04..."),
                       ("a.docx", zip_bytes(XLSX_MEMBERS)), ("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00")]:
        with pytest.raises(ValidationError) as excinfo:
            check_upload(SimpleUploadedFile(name, data), allowed={"xlsx", "docx", "pdf", "csv"})
        assert "不是有效的" in message(excinfo), name


def test_a_pdf_and_text_formats_pass_on_their_magic():
    assert check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.4\n..."), allowed={"pdf"}) == "pdf"
    assert check_upload(SimpleUploadedFile("a.md", "# 标题\n".encode()), allowed={"md"}) == "md"
    assert check_upload(SimpleUploadedFile("a.html", "<p>通知</p>".encode("gb18030")), allowed={"html"}) == "html"


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        check_upload(SimpleUploadedFile("a.csv", b"x" * 2048), allowed={"csv"}, max_bytes=1024)
    assert "太大" in message(excinfo) and "1.0 KB" in message(excinfo).replace("\xa0", " ")


@override_settings(KEXIE_UPLOAD_MAX_BYTES=1024)
def test_the_import_page_refuses_an_oversized_file_by_the_setting(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("organizations:import"),
                           {"file": SimpleUploadedFile("orgs.csv", ("名称,类型\n" + "甲,市级科协\n" * 200).encode())})
    assert response.status_code == 200
    assert "太大" in response.text
    assert not OrganizationImport.objects.exists()


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_opened(world, signed_in):
    bomb = zip_bytes({**XLSX_MEMBERS, "xl/worksheets/sheet1.xml": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    with pytest.raises(ValidationError) as excinfo:
        check_upload(SimpleUploadedFile("bomb.xlsx", bomb), allowed={"xlsx"})
    assert "解压后数据量过大" in message(excinfo)
    response = signed_in(world.provincial_clerk).post(reverse("organizations:import"),
                                                      {"file": SimpleUploadedFile("bomb.xlsx", bomb)})
    assert "解压后数据量过大" in response.text
    assert not OrganizationImport.objects.exists()


def test_a_zip_is_refused_over_the_total_uncompressed_size():
    data = zip_bytes({**XLSX_MEMBERS, "xl/big.bin": bytes(range(256)) * 400})
    with pytest.raises(ValidationError) as excinfo:
        check_zip(data, name="a.xlsx", max_total=50_000)
    assert "解压后数据量过大" in message(excinfo)


def test_a_zip_with_too_many_entries_is_refused():
    data = zip_bytes({**XLSX_MEMBERS, **{f"xl/m{i}.xml": b"<a/>" for i in range(2001)}})
    with pytest.raises(ValidationError) as excinfo:
        check_upload(SimpleUploadedFile("many.xlsx", data), allowed={"xlsx"})
    assert "包含的部件过多" in message(excinfo)


def test_a_zip_without_the_workbook_part_is_not_an_xlsx():
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("a.xlsx", zip_bytes({"readme.txt": b"hi"})), allowed={"xlsx"})


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_decode_text_detects_the_encodings_people_use(encoding):
    text = "名称,类型\r\n中国科学技术协会,全国科协\r\n学会学术部,机关部门\r\n"
    assert decode_text(text.encode(encoding)) == text


def test_decode_text_reads_gb18030_only_characters():
    text = "名称\n𠀀字号科协\n"
    assert decode_text(text.encode("gb18030")) == text


def test_undecodable_bytes_get_a_chinese_message():
    with pytest.raises(ValidationError) as excinfo:
        decode_text(b"\x81\x30\xff\xfe\xff\x80" * 3)
    assert "无法识别文件的文字编码" in message(excinfo)
