"""One organisation picker for every form and filter: options labelled by full path in tree order,
searchable by name, short name, alias and pinyin; a search box asking the server where the scope
is too large for a list; the typed path accepted back."""

import re

import pytest
from django.urls import reverse

from kexie.organizations import forms as organization_forms
from kexie.organizations.selectors import path_labels
from kexie.organizations.services import organization_create


def test_a_path_names_the_ancestors_by_short_name_without_repeating_the_national_root(world):
    county_office = organization_create(by=None, parent=world.county_a, name="甲县科协办公室", kind="department")
    labels = path_labels([world.prov_a.pk, world.prov_a_office.pk, world.county_a.pk, county_office.pk,
                          world.office.pk, world.society.pk, world.cast.pk])
    assert labels[world.cast.pk] == "中国科学技术协会"
    assert labels[world.prov_a.pk] == "甲省科学技术协会"
    assert labels[world.prov_a_office.pk] == "甲省科协 / 甲省科协办公室"
    assert labels[world.county_a.pk] == "甲省科协 / 甲市科协 / 甲县科学技术协会"
    assert labels[county_office.pk] == "甲省科协 / 甲市科协 / 甲县科协 / 甲县科协办公室"
    # A national department keeps the root: "办公厅" alone would read like anyone's office.
    assert labels[world.office.pk] == "中国科协 / 办公厅"
    assert labels[world.society.pk] == "中国测试学会"


def _select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S).group(0)


def _options(select: str) -> dict[str, tuple[str, str]]:
    """value -> (label, data-search)."""
    return {value: (label, search) for value, search, label in
            re.findall(r'<option value="(\d+)"[^>]*?data-search="([^"]*)"[^>]*>(.*?)</option>', select)}


@pytest.mark.parametrize(("user", "url", "field"), [
    ("system_admin", "accounts:user_create", "organization"),
    ("national_clerk", "organizations:create", "parent"),
    ("national_clerk", "plans:import", "organization"),
    ("national_clerk", "accounts:user_list", "organization"),
])
def test_organisation_fields_are_searchable_lists_of_full_paths_in_tree_order(world, signed_in, user, url, field):
    html = signed_in(getattr(world, user)).get(reverse(url)).content.decode()
    select = _select(html, field)
    assert 'data-picker="搜索：名称、简称或拼音首字母"' in select
    options = _options(select)
    assert options[str(world.city_a.pk)][0] == "甲省科协 / 甲市科学技术协会"
    # Pinyin initials and aliases are searchable, and so is the path.
    label, search = options[str(world.cast.pk)]
    assert label == "中国科学技术协会" and "中国科协" in search and "zgkxjsxh" in search and "科协" in search
    label, search = options[str(world.county_a.pk)]
    assert "甲县科协" in search and "jxkx" in search and "甲省科协 / 甲市科协" in search
    # A parent, then what sits under it: its own departments first, then the associations below.
    order = list(options)
    for parent, child in [(world.cast, world.prov_a), (world.prov_a, world.city_a), (world.city_a, world.county_a),
                          (world.prov_b, world.city_b)]:
        assert order.index(str(parent.pk)) < order.index(str(child.pk))
    subtree_a = order[order.index(str(world.prov_a.pk)):order.index(str(world.county_a.pk)) + 1]
    assert str(world.prov_b.pk) not in subtree_a
    if str(world.office.pk) in options:
        assert order.index(str(world.office.pk)) < order.index(str(world.prov_a.pk))


def test_the_search_answers_within_the_users_scope_with_paths(world, signed_in):
    client = signed_in(world.provincial_clerk)
    url = reverse("organizations:search")
    found = client.get(url, {"q": "jxkx"}).json()["results"]  # 甲县科协, by pinyin initials
    assert [row["label"] for row in found] == ["甲省科协 / 甲市科协 / 甲县科学技术协会"]
    assert client.get(url, {"q": "乙县"}).json()["results"] == []  # another province: not in scope
    both_words = client.get(url, {"q": "甲省 办公"}).json()["results"]
    assert [row["id"] for row in both_words] == [world.prov_a_office.pk]
    assert client.get(url, {"q": ""}).json()["results"] == []
    assert signed_in(world.no_role_user).get(url, {"q": "甲"}).status_code == 403


def test_a_large_scope_types_or_pastes_the_full_path(world, signed_in, monkeypatch):
    monkeypatch.setattr(organization_forms, "SELECT_LIMIT", 1)
    client = signed_in(world.national_clerk)
    page = client.get(reverse("plans:import")).content.decode()
    box = re.search(r'<input type="text" name="organization"[^>]*>', page).group(0)
    assert f'data-picker-url="{reverse("organizations:search")}"' in box
    field = organization_forms.OrgChoiceField(queryset=world.cast.__class__.objects.all())
    field.use_text_input()
    assert field.clean("甲省科协 / 甲省科协办公室") == world.prov_a_office
    assert field.clean("甲省科协/甲市科协/甲县科学技术协会") == world.county_a
    with pytest.raises(Exception, match="乙省科协 / 甲省科协办公室"):
        field.clean("乙省科协 / 甲省科协办公室")
