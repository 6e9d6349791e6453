"""Password rules from the security policy: length, three character classes, no recent reuse."""

import re
import unicodedata

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

def _has_symbol(password: str) -> bool:
    """Punctuation or a symbol (Unicode P* and S*: ASCII ones and full-width ones such as ！ alike).
    Chinese characters are letters, not symbols: "abcd1234中文" has two classes, not three."""
    return any(unicodedata.category(char)[0] in "PS" for char in password)


_CLASSES = (
    re.compile(r"[a-z]").search,
    re.compile(r"[A-Z]").search,
    re.compile(r"[0-9]").search,
    _has_symbol,
)


class ComplexityValidator:
    """At least ``password_min_length`` characters and three of: lower, upper, digit, symbol;
    not one of the user's last ``password_history`` passwords."""

    def validate(self, password, user=None):
        from .models import SecurityPolicy

        policy = SecurityPolicy.current()
        errors = []
        if len(password) < policy.password_min_length:
            errors.append(_("The password must be at least %(n)d characters long.") % {"n": policy.password_min_length})
        if sum(1 for has in _CLASSES if has(password)) < 3:
            errors.append(_("The password must contain at least three of: lower-case letters, upper-case "
                            "letters, digits and symbols."))
        if user is not None and getattr(user, "pk", None):
            recent = user.password_history.all()[: policy.password_history]
            if any(check_password(password, entry.encoded) for entry in recent):
                errors.append(_("The password must differ from your last %(n)d passwords.")
                              % {"n": policy.password_history})
        if errors:
            raise ValidationError(errors, code="password_policy")

    def get_help_text(self):
        return _("At least 8 characters with three of: lower-case letters, upper-case letters, digits and "
                 "symbols; not one of your recent passwords.")
