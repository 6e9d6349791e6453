"""Masking of personal information in lists, exports and logs (PIPL)."""

import logging
import re


def mask_phone(value: str) -> str:
    """138****5678 for mobiles; keeps the first 3 and last 4 characters of anything longer than 7."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_id_number(value: str) -> str:
    """First 6 and last 4 characters of an ID number."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_email(value: str) -> str:
    if not value:
        return ""
    local, at, domain = str(value).partition("@")
    if not at:
        return mask_phone(value)
    return (local[:1] + "***" if local else "***") + "@" + domain


_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_RE = re.compile(r"(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![\dA-Za-z])")
_EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mask_text(text: str) -> str:
    """Mask every mobile number, ID number and e-mail address inside free text."""
    text = _ID_RE.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    text = _MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    return _EMAIL_RE.sub(lambda m: m.group(1) + "***@" + m.group(2), text)


class MaskingLogFilter(logging.Filter):
    """Keeps personal data out of log files: every record's message is masked before output."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
