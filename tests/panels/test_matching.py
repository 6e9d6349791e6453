"""Finding experts for a text: the library's experts ranked by the one matching engine, each with
its reasons, under the filters; the expert's past panels count; scope and codes hold."""

from django.urls import reverse

from kexie.panels import services as panels
from kexie.people import services as people

DEMAND = "企业急需锂电池储能电站热失控预警技术"


def _library(world):
    by, org = world.provincial_clerk, world.prov_a

    def expert(name, keywords, discipline, status=None):
        person = people.person_create(by=by, organization=org, data={"name": name, "disciplines": [discipline]},
                                      positions=[{"unit_name": f"{name}研究所", "role": "研究员"}])
        entry = people.entry_add(by=by, organization=org, person=person, data={"keywords": keywords})
        if status:
            people.entry_set_status(by=by, entry=entry, status=status, reason="本人申请")
        return entry

    return {"battery": expert("储能甲", ["储能", "锂电池"], "470"),
            "ai": expert("智能乙", ["人工智能", "机器学习"], "520"),
            "paused": expert("储能丙", ["储能", "锂电池"], "470", status="suspended")}


def test_the_best_suited_experts_come_first_with_their_reasons(world, signed_in):
    x = _library(world)
    # 储能甲 sat on an earlier panel: that counts as past service.
    round = panels.round_create(by=world.provincial_clerk, organization=world.prov_a, data={
        "title": "往年评审", "form": [{"code": "m", "name": "水平", "max": 100}]}, library=x["battery"].library)
    seat = panels.seat_add(by=world.provincial_clerk, round=round, entry=x["battery"])
    panels.seat_respond(by=world.provincial_clerk, seat=seat, accept=True)
    client = signed_in(world.provincial_clerk)

    response = client.get(reverse("panels:match"), {"library": x["battery"].library_id, "text": DEMAND})

    assert response.status_code == 200
    matches = response.context["matches"]
    # The suspended expert is left out, and so is the one with nothing in common with the demand.
    assert [m.entry for m in matches] == [x["battery"]]
    assert matches[0].reasons.startswith("关键词：储能、锂电池")
    assert "近三年参与评审1次" in matches[0].reasons
    assert "储能甲" in response.content.decode() and "储能丙" not in response.content.decode()


def test_a_discipline_filter_keeps_only_that_field_and_a_bad_code_is_named(world, signed_in):
    x = _library(world)
    client = signed_in(world.provincial_clerk)

    both = "人工智能用于储能电站锂电池预警"
    response = client.get(reverse("panels:match"), {"library": x["ai"].library_id, "text": both})
    assert {m.entry for m in response.context["matches"]} == {x["ai"], x["battery"]}
    response = client.get(reverse("panels:match"), {"library": x["ai"].library_id, "text": both,
                                                    "discipline": "52"})
    assert [m.entry for m in response.context["matches"]] == [x["ai"]]

    response = client.get(reverse("panels:match"), {"library": x["ai"].library_id, "text": DEMAND,
                                                    "discipline": "五二"})
    assert response.status_code == 400
    assert "学科代码只含数字" in response.content.decode() and response.context["matches"] is None


def test_another_provinces_library_cannot_be_searched(world, signed_in):
    x = _library(world)
    response = signed_in(world.other_provincial_clerk).get(
        reverse("panels:match"), {"library": x["ai"].library_id, "text": DEMAND})

    assert response.status_code == 400 and response.context["matches"] is None
    assert signed_in(world.county_clerk).get(reverse("panels:match")).status_code == 403
