"""The tree browser: visible roots, lazily loaded children, search by alias and pinyin."""

from django.urls import reverse


def test_it_shows_the_national_root_to_a_national_clerk(world, signed_in):
    response = signed_in(world.national_clerk).get(reverse("organizations:tree"))
    assert response.status_code == 200
    roots = [org.pk for org in response.context["roots"]]
    assert roots == [world.cast.pk]
    assert response.context["roots"][0].child_count == 8
    assert "全国科协" in response.text  # kind tag, in Chinese


def test_a_provincial_clerk_sees_their_province_as_the_root(world, signed_in):
    response = signed_in(world.provincial_clerk).get(reverse("organizations:tree"))
    assert [org.pk for org in response.context["roots"]] == [world.prov_a.pk]
    assert "中国科学技术协会" not in response.text
    assert "乙省科学技术协会" not in response.text


def test_children_are_an_html_fragment_with_counts(world, signed_in):
    response = signed_in(world.provincial_clerk).get(reverse("organizations:children", args=[world.prov_a.pk]))
    assert response.status_code == 200
    assert "<html" not in response.text
    nodes = {org.name: org.child_count for org in response.context["nodes"]}
    assert nodes == {"甲省科协办公室": 0, "甲市科学技术协会": 1}
    assert reverse("organizations:children", args=[world.city_a.pk]) in response.text


def test_children_of_an_organisation_outside_scope_are_not_found(world, signed_in):
    client = signed_in(world.provincial_clerk)
    assert client.get(reverse("organizations:children", args=[world.prov_b.pk])).status_code == 404
    assert client.get(reverse("organizations:children", args=[world.cast.pk])).status_code == 404


def test_search_finds_a_department_by_its_short_alias(world, signed_in):
    response = signed_in(world.national_clerk).get(reverse("organizations:tree"), {"q": "学会部"})
    results = response.context["results"]
    assert [org.name for org in results] == ["学会学术部"]
    assert results[0].path == ["中国科协"]
    assert "学会学术部" in response.text


def test_search_finds_by_pinyin_initials_and_full_pinyin(world, signed_in):
    client = signed_in(world.national_clerk)
    by_initials = client.get(reverse("organizations:tree"), {"q": "xhxsb"}).context["results"]
    assert [org.name for org in by_initials] == ["学会学术部"]
    by_pinyin = client.get(reverse("organizations:tree"), {"q": "kexuejishupuji"}).context["results"]
    assert [org.name for org in by_pinyin] == ["科学技术普及部"]


def test_search_shows_the_ancestor_path_within_scope_only(world, signed_in):
    response = signed_in(world.provincial_clerk).get(reverse("organizations:tree"), {"q": "县"})
    results = response.context["results"]
    assert [org.name for org in results] == ["甲县科学技术协会"]  # not 乙县: out of scope
    assert results[0].path == ["甲省科协", "甲市科协"]


def test_the_tree_needs_sign_in_and_the_view_permission(world, client, signed_in):
    response = client.get(reverse("organizations:tree"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert signed_in(world.no_role_user).get(reverse("organizations:tree")).status_code == 403
