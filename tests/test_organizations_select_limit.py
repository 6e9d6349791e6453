"""Whether a scope is too large for a select is asked with a LIMIT and no ORDER BY, so that a
national scope is neither counted nor sorted to find out (the ledger's lists and every
organisation field ask it the same way)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie.organizations import forms
from kexie.organizations.models import Organization


def test_it_asks_with_a_limit_and_no_order(world, monkeypatch):
    total = Organization.objects.count()
    monkeypatch.setattr(forms, "SELECT_LIMIT", total - 1)
    with CaptureQueriesContext(connection) as queries:
        assert forms.more_than_a_select(Organization.objects.order_by("depth", "name"))
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "ORDER BY" not in sql and "LIMIT" in sql and "COUNT" not in sql
    monkeypatch.setattr(forms, "SELECT_LIMIT", total)
    assert not forms.more_than_a_select(Organization.objects.order_by("depth", "name"))


def test_a_field_over_the_limit_becomes_a_text_box(world, monkeypatch):
    monkeypatch.setattr(forms, "SELECT_LIMIT", 1)
    field = forms.OrgChoiceField(queryset=Organization.objects.order_by("depth", "name"))
    field.use_text_input_if_large()
    assert field.widget.input_type == "text"
