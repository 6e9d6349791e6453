"""A round's review form as data, turned into a :class:`kexie.rubric.model.Rubric`.

The form is a list of criteria ``[{"code": "innovation", "name": "创新性", "max": 40}, ...]``
whose maxima add up to 100. Each criterion becomes one judged indicator in a dimension of its
own weighted by its maximum, so :func:`kexie.rubric.scoring.score` gives the plain sum of the
points: one rubric engine for society evaluation and for every review panel.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kexie.rubric.model import JUDGED, REVIEWER, Dimension, Indicator, Rubric, decimal, validate


def clean_form(form) -> list[dict]:
    """The form as stored (codes, names, maxima as strings), or ValidationError saying what is wrong."""
    if not isinstance(form, list | tuple) or not form:
        raise ValidationError({"form": _("The review form needs at least one criterion.")})
    out, codes = [], set()
    for n, row in enumerate(form, 1):
        code = str((row or {}).get("code") or "").strip()
        name = str((row or {}).get("name") or "").strip()
        try:
            maximum = decimal(str(row.get("max")))
        except Exception:  # noqa: BLE001 - anything that is not a number is refused below
            maximum = None
        if not code or not name:
            raise ValidationError({"form": _("Criterion %(n)s needs a code and a name.") % {"n": n}})
        if code in codes:
            raise ValidationError({"form": _("Criterion code %(code)s appears twice.") % {"code": code}})
        if maximum is None or not maximum.is_finite() or maximum <= 0:
            raise ValidationError({"form": _("The maximum of criterion “%(name)s” must be a positive number.")
                                   % {"name": name}})
        codes.add(code)
        out.append({"code": code, "name": name, "max": str(maximum)})
    total = sum((Decimal(c["max"]) for c in out), Decimal(0))
    if total != 100:
        raise ValidationError({"form": _("The maxima of the criteria must add up to 100 (now %(total)s).")
                               % {"total": total}})
    if validate(rubric_of(out)):
        raise ValidationError({"form": _("The review form is not valid.")})
    return out


def rubric_of(form: list[dict]) -> Rubric:
    """The form as a rubric of judged indicators, one dimension per criterion."""
    dimensions = []
    for c in form:
        maximum = decimal(c["max"])
        indicator = Indicator(code=c["code"], name=c["name"], rule=JUDGED, max_points=maximum, source=REVIEWER)
        dimensions.append(Dimension(code=c["code"], name=c["name"], weight=maximum, indicators=(indicator,)))
    return Rubric(tuple(dimensions))
