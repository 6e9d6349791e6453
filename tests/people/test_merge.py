"""A reviewed merge of two person records, and undoing it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.people import services
from kexie.people.models import ExpertEntry, Person, PersonMerge, PersonRelation
from tests.people.helpers import ID_A, person


@pytest.fixture
def two(world):
    by = world.provincial_clerk
    kept = person(world, "张伟", unit="甲省大学", phone="13812345678", title="副教授")
    services.person_update(by=by, person=kept, data={}, honours=[{"name": "省青年科技奖", "year": 2015}])
    absorbed = person(world, "章伟", unit="甲省科学院", id_number=ID_A, title="教授")
    services.person_update(by=by, person=absorbed, data={}, honours=[{"name": "省青年科技奖", "year": 2015},
                                                                   {"name": "省劳动模范", "year": 2020}])
    other = person(world, "李娜", unit="甲省大学")
    services.relation_add(by=by, person=absorbed, other=other, kind="team")
    entry = services.entry_add(by=by, organization=world.prov_a, person=absorbed, data={"keywords": "人工智能"})
    return kept, absorbed, other, entry


def test_fields_are_chosen_one_by_one_and_the_rest_is_unioned(world, two):
    kept, absorbed, other, entry = two

    merge = services.person_merge(by=world.provincial_clerk, kept=kept, absorbed=absorbed,
                                  choose={"title": "absorbed", "id_number": "absorbed"})

    kept.refresh_from_db()
    assert (kept.name, kept.title, kept.id_number, kept.phone) == ("张伟", "教授", ID_A, "13812345678")
    assert sorted(p.unit for p in kept.positions.all()) == ["甲省大学", "甲省科学院"]
    assert sorted(h.name for h in kept.honours.all()) == ["省劳动模范", "省青年科技奖"]
    assert ExpertEntry.objects.get(pk=entry.pk).person_id == kept.pk
    assert PersonRelation.objects.get(other=other).person_id == kept.pk
    absorbed.refresh_from_db()
    assert absorbed.merged_into_id == kept.pk
    assert not Person.objects.current().filter(pk=absorbed.pk).exists()
    row = AuditLog.objects.get(action="merge")
    assert row.old_values == {"title": "副教授", "id_number": ""} and row.new_values["absorbed"] == absorbed.pk
    assert ID_A not in str(row.new_values)
    assert merge.before["title"] == "副教授"


def test_undo_restores_both_records_and_their_references(world, two):
    kept, absorbed, other, entry = two
    merge = services.person_merge(by=world.provincial_clerk, kept=kept, absorbed=absorbed,
                                  choose={"title": "absorbed", "name": "absorbed"})

    services.merge_undo(by=world.provincial_clerk, merge=merge)

    kept.refresh_from_db()
    absorbed.refresh_from_db()
    assert (kept.name, kept.title, kept.id_number_encrypted) == ("张伟", "副教授", "")
    assert kept.name_pinyin == "zhangwei"
    assert [p.unit for p in kept.positions.all()] == ["甲省大学"]
    assert [h.name for h in kept.honours.all()] == ["省青年科技奖"]
    assert absorbed.merged_into_id is None and absorbed.id_number == ID_A
    assert ExpertEntry.objects.get(pk=entry.pk).person_id == absorbed.pk
    assert PersonRelation.objects.get(other=other).person_id == absorbed.pk
    assert AuditLog.objects.filter(action="unmerge", object_id=str(kept.pk)).exists()
    with pytest.raises(ValidationError):
        services.merge_undo(by=world.provincial_clerk, merge=PersonMerge.objects.get(pk=merge.pk))


def test_an_entry_in_a_library_the_kept_record_is_already_in_stays_behind(world, two):
    kept, absorbed, other, entry = two
    own = services.entry_add(by=world.provincial_clerk, organization=world.prov_a, person=kept)

    services.person_merge(by=world.provincial_clerk, kept=kept, absorbed=absorbed)

    assert ExpertEntry.objects.get(pk=entry.pk).person_id == absorbed.pk
    assert ExpertEntry.objects.filter(person=kept).get() == own


def test_a_merge_with_a_later_merge_on_top_is_undone_last(world, two):
    kept, absorbed, other, entry = two
    first = services.person_merge(by=world.provincial_clerk, kept=kept, absorbed=absorbed)
    services.person_merge(by=world.provincial_clerk, kept=kept, absorbed=other)

    with pytest.raises(ValidationError):
        services.merge_undo(by=world.provincial_clerk, merge=first)


def test_another_province_cannot_merge_the_records(world, two):
    from django.http import Http404

    kept, absorbed, *_ = two
    with pytest.raises(Http404):
        services.person_merge(by=world.other_provincial_clerk, kept=kept, absorbed=absorbed)


def test_the_merge_page_shows_both_records_masked_and_merges_on_post(world, two, signed_in):
    kept, absorbed, *_ = two
    client = signed_in(world.provincial_clerk)
    url = reverse("people:merge") + f"?a={kept.pk}&b={absorbed.pk}"

    page = client.get(url).content.decode()
    assert "138****5678" in page and ID_A not in page and "110105********002X" in page

    response = client.post(url, {"title": "absorbed"})
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.title == "教授"
    merge = PersonMerge.objects.get()
    response = client.post(reverse("people:merge_undo", args=[merge.pk]))
    kept.refresh_from_db()
    assert response.status_code == 302 and kept.title == "副教授"
