"""Chinese identifiers: credit codes, ID numbers, region codes, and how they are masked and stored."""

import logging

import pytest
from django.core.exceptions import ValidationError

from kexie.core import crypto
from kexie.core.masking import MaskingLogFilter, mask_email, mask_id_number, mask_phone, mask_text
from kexie.core.validators import (
    credit_code_check_char,
    id_number_check_char,
    is_valid_credit_code,
    is_valid_id_number,
    validate_credit_code,
    validate_region_code,
)

# Published example codes whose check digits are known to be right.
KNOWN_CREDIT_CODES = ["91350100M000100Y43", "91110000600037341L"]


@pytest.mark.parametrize("code", KNOWN_CREDIT_CODES)
def test_known_credit_codes_validate(code):
    assert is_valid_credit_code(code)
    assert is_valid_credit_code(code.lower())


def test_a_credit_code_with_a_wrong_check_digit_is_refused_with_a_chinese_message():
    code = KNOWN_CREDIT_CODES[0]
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    assert not is_valid_credit_code(wrong)
    with pytest.raises(ValidationError) as err:
        from django.utils import translation

        with translation.override("zh-hans"):
            validate_credit_code(wrong)
            pytest.fail("no error")
    assert "统一社会信用代码" in str(err.value.messages[0])


@pytest.mark.parametrize("bad", ["", "123", "91350100M000100Y4", "91350100M000100Y431", "9135010OM000100Y43"])
def test_malformed_credit_codes_are_invalid(bad):
    assert not is_valid_credit_code(bad)


def test_check_characters_round_trip():
    body = "9111000010000000"
    first17 = body + "1"
    assert is_valid_credit_code(first17 + credit_code_check_char(first17))
    id17 = "11010519491231002"
    assert id_number_check_char(id17) == "X"
    assert is_valid_id_number(id17 + "X") and not is_valid_id_number(id17 + "1")


def test_region_codes_are_six_digits_with_a_real_province():
    validate_region_code("410000")
    for bad in ("41000", "990000", "abcdef"):
        with pytest.raises(ValidationError):
            validate_region_code(bad)


def test_masking_keeps_only_the_allowed_characters():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_email("zhang.san@example.cn") == "z***@example.cn"
    text = "联系 13812345678，证件 11010519491231002X，邮箱 zhang@example.cn"
    masked = mask_text(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "11010519491231002X" not in masked and "110105" in masked
    assert "zhang@" not in masked


def test_log_records_are_masked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "user %s phoned", ("13812345678",), None)
    MaskingLogFilter().filter(record)
    assert record.getMessage() == "user 138****5678 phoned"


def test_id_numbers_are_encrypted_with_sm4_and_decrypt_back():
    token = crypto.encrypt("11010519491231002X")
    assert token.startswith("sm4gcm:") and "11010519491231002X" not in token
    assert crypto.encrypt("11010519491231002X") != token  # fresh nonce each time
    assert crypto.decrypt(token) == "11010519491231002X"
    assert crypto.digest("11010519491231002X") == crypto.digest("11010519491231002X")


def test_a_tampered_ciphertext_is_rejected():
    import base64

    token = crypto.encrypt("11010519491231002X")
    prefix, body = token.split(":", 1)
    raw = bytearray(base64.b64decode(body))
    raw[14] ^= 0x01  # flip one bit of the ciphertext; the GCM tag must catch it
    with pytest.raises(Exception):
        crypto.decrypt(prefix + ":" + base64.b64encode(bytes(raw)).decode())
