"""Validators for Chinese identifiers: unified social credit code, ID card number, region code, mobile."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015)."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    code = (code or "").strip().upper()
    if len(code) != 18 or any(c not in CREDIT_CODE_ALPHABET for c in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def validate_credit_code(value: str) -> None:
    if value and not is_valid_credit_code(value):
        raise ValidationError(
            _("“%(value)s” is not a valid unified social credit code (18 characters, check digit must match)."),
            code="invalid_credit_code",
            params={"value": value},
        )


def id_number_check_char(first17: str) -> str:
    """The 18th character of a resident ID number (GB 11643-1999)."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    value = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    return id_number_check_char(value[:17]) == value[17]


def validate_id_number(value: str) -> None:
    if value and not is_valid_id_number(value):
        raise ValidationError(_("Not a valid ID card number (18 characters, check digit must match)."),
                              code="invalid_id_number")


def validate_region_code(value: str) -> None:
    """Administrative division codes (GB/T 2260) are six digits; province part 11–82."""
    if not value:
        return
    if not re.fullmatch(r"\d{6}", value) or not (11 <= int(value[:2]) <= 82):
        raise ValidationError(_("An administrative region code is six digits, e.g. 110000."),
                              code="invalid_region_code")


def validate_mobile(value: str) -> None:
    if value and not re.fullmatch(r"1[3-9]\d{9}", value):
        raise ValidationError(_("A mobile number is 11 digits starting with 1."), code="invalid_mobile")
