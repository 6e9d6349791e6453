"""A round's form is checked when the round is created, and an item can stand for another record."""

import pytest
from django.core.exceptions import ValidationError

from kexie.panels import services
from kexie.panels.models import ReviewRound


@pytest.mark.parametrize("form, words", [
    ([], "至少需要一项"),
    ([{"code": "a", "name": "创新性", "max": 60}, {"code": "b", "name": "效益", "max": 30}], "之和必须为100（现为90）"),
    ([{"code": "a", "name": "创新性", "max": 60}, {"code": "a", "name": "效益", "max": 40}], "重复"),
    ([{"code": "a", "name": "创新性", "max": "满分"}, {"code": "b", "name": "效益", "max": 40}], "“创新性”的满分"),
])
def test_a_bad_form_is_refused_and_no_round_is_created(world, form, words):
    with pytest.raises(ValidationError) as refused:
        services.round_create(by=world.provincial_clerk, organization=world.prov_a,
                              data={"title": "评审", "form": form})
    assert words in str(refused.value)
    assert not ReviewRound.objects.exists()


def test_an_item_keeps_a_reference_to_the_record_it_stands_for(world):
    by = world.provincial_clerk
    round = services.round_create(by=by, organization=world.prov_a, data={
        "title": "揭榜挂帅评审", "kind": "open_call", "form": [{"code": "fit", "name": "方案可行性", "max": 100}]})
    [item] = services.items_add(by=by, round=round, items=[{"title": "揭榜方案", "source_object": world.city_a}])
    assert item.source_type.model_class() is type(world.city_a) and item.source_id == str(world.city_a.pk)


def test_a_clerk_without_the_library_code_cannot_create_a_round(world):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        services.round_create(by=world.county_clerk, organization=world.county_a,
                              data={"title": "评审", "form": [{"code": "a", "name": "甲", "max": 100}]})
