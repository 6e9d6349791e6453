"""Template filters of the evaluation pages."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def points(value) -> str:
    """A number of points or a weight as people write it: 40, 2.5, 0.25 (never 4E+1 or 40.00)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format(number.normalize(), "f")
