"""The certificate engine: one page per certificate, the text readable back from the PDF."""

import datetime as dt
import io

import pdfplumber
import pytest

from kexie.certificates import Certificate, render_pdf, wrap


def _cert(holder="李青禾", lines=None, serial="V-2026-000017"):
    return Certificate(title="志愿服务证明", holder=holder,
                       lines=lines or ["于2026年9月参加全国科普日志愿服务，累计服务时长12.5小时。"],
                       issuer="河南省科学技术协会", issued_on=dt.date(2026, 9, 30), serial=serial,
                       serial_label="证书编号：", date_text="2026年9月30日")


def _texts(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text() or "" for page in document.pages]


def test_the_holder_the_body_the_issuer_and_the_serial_are_on_the_page():
    (text,) = _texts(render_pdf([_cert()]))
    for expected in ("志愿服务证明", "李青禾", "12.5小时", "河南省科学技术协会", "2026年9月30日", "V-2026-000017"):
        assert expected in text.replace(" ", "")


def test_several_certificates_make_one_page_each_in_order():
    pages = _texts(render_pdf([_cert("甲"), _cert("乙", serial="V-2"), _cert("丙", serial="V-3")]))
    assert len(pages) == 3
    assert ["V-2026-000017" in pages[0], "V-2" in pages[1], "V-3" in pages[2]] == [True, True, True]


def test_a_long_paragraph_wraps_within_the_page_and_loses_nothing():
    body = "参加科普进校园活动并担任讲解员，" * 12
    lines = wrap(body, 500, 16)
    assert len(lines) > 1
    assert "".join(lines) == body
    (text,) = _texts(render_pdf([_cert(lines=[body])]))
    assert text.replace(" ", "").replace("\n", "").count("担任讲解员") == 12


def test_a_latin_word_is_not_split_across_lines():
    lines = wrap("报告题目 Superconductivity " * 6, 200, 16)
    assert all("Superconduct" not in line or "Superconductivity" in line for line in lines)


def test_the_same_certificate_renders_the_same_bytes():
    assert render_pdf([_cert()]) == render_pdf([_cert()])


def test_nothing_to_render_is_refused():
    with pytest.raises(ValueError):
        render_pdf([])
