from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    """The Excel file of denominators (columns 地区代码, 地区名称, 类别, 年度, 数量, 来源)."""

    file = forms.FileField(label=_("Excel file (.xlsx)"))
