"""Ranking experts for a target: relevance, codes, region, services, filters and reasons."""

import datetime as dt

from kexie.experts_engine import Expert, ExpertIndex, Filters, Reason, Target, Work, sentence

TODAY = dt.date(2026, 12, 1)

LIBRARY = [
    Expert("battery", "甲", ("储能", "锂电池"), (Work("锂电池储能系统热管理研究", 2024),),
           disciplines=("4801",), industries=("3841",), region="410100",
           past_services=(dt.date(2025, 3, 1), dt.date(2025, 9, 1), dt.date(2026, 1, 5), dt.date(2026, 6, 1))),
    Expert("hydrogen", "乙", ("氢能", "燃料电池"), disciplines=("4802",), industries=("4430",), region="410200"),
    Expert("ai", "丙", ("人工智能", "机器学习"), (Work("深度学习图像识别方法", 2022),), disciplines=("5201",),
           region="110000"),
    Expert("storage_no_works", "丁", ("储能", "电池管理系统"), disciplines=("4801",), region="320100"),
    Expert("retired", "戊", ("储能", "锂电池"), disciplines=("4801",), status="retired"),
]
DEMAND = Target("d1", "企业急需锂电池储能电站热失控预警技术", disciplines=("4801",), industries=("3841",),
                region="410100")


def index(**kwargs):
    return ExpertIndex(LIBRARY, today=TODAY, **kwargs)


def test_it_ranks_the_expert_whose_keywords_and_works_match_first():
    ranked = index().rank(DEMAND, k=3)
    assert [r.expert_id for r in ranked[:2]] == ["battery", "storage_no_works"]
    assert ranked[0].score > ranked[1].score > ranked[2].score


def test_it_gives_structured_reasons_and_one_chinese_sentence():
    top = index().rank(DEMAND, k=1)[0]
    kinds = {r.kind: r.value for r in top.reasons}
    assert kinds["keywords"] == ["储能", "锂电池"]
    assert kinds["discipline"] == "4801"
    assert kinds["services"] == 4
    assert top.sentence().startswith("关键词：储能、锂电池；成果：锂电池储能系统热管理研究；学科：4801")
    assert "近三年参与评审4次" in top.sentence()
    assert sentence([Reason("keywords", ["储能", "锂电池"]), Reason("discipline", "4801"),
                     Reason("services", 4)]) == "关键词：储能、锂电池；学科：4801；近三年参与评审4次"


def test_an_expert_without_works_is_ranked_on_keywords_and_codes():
    ranked = {r.expert_id: r for r in index().rank(DEMAND, k=4)}
    r = ranked["storage_no_works"]
    assert r.parts["works"] == 0 and r.parts["keywords"] > 0
    assert Reason("keywords", ["储能"]) in r.reasons


def test_discipline_agreement_is_exact_then_first_level_then_none():
    parts = {r.expert_id: r.parts["discipline"] for r in index().rank(DEMAND, k=4)}
    assert parts["battery"] == 1.0 and parts["hydrogen"] == 0.5 and parts["ai"] == 0.0
    near = next(r for r in index().rank(DEMAND, k=4) if r.expert_id == "hydrogen")
    assert Reason("discipline_near", "4802") in near.reasons
    assert Reason("region_near", "410200") in near.reasons


def test_filters_by_discipline_prefix_region_ids_and_predicate():
    idx = index()
    assert {r.expert_id for r in idx.rank(DEMAND, k=10, filters=Filters(discipline="48"))} == \
        {"battery", "hydrogen", "storage_no_works"}
    assert [r.expert_id for r in idx.rank(DEMAND, k=10, filters=Filters(region="41"))] == ["battery", "hydrogen"]
    assert [r.expert_id for r in idx.rank(DEMAND, k=10, filters=Filters(ids=frozenset({"ai"})))] == ["ai"]
    assert [r.expert_id for r in idx.rank(DEMAND, k=10, filters=Filters(predicate=lambda e: e.name == "丁"))] \
        == ["storage_no_works"]


def test_inactive_experts_are_left_out_unless_asked_for():
    assert "retired" not in {r.expert_id for r in index().rank(DEMAND, k=10)}
    assert "retired" in {r.expert_id for r in index().rank(DEMAND, k=10, filters=Filters(statuses=("retired",)))}


def test_a_heavy_recent_load_costs_a_little_and_is_said():
    busy = Expert("busy", keywords=("储能", "锂电池"), disciplines=("4801",),
                  past_services=tuple(dt.date(2026, m, 1) for m in range(1, 11)))
    calm = Expert("calm", keywords=("储能", "锂电池"), disciplines=("4801",))
    ranked = ExpertIndex([busy, calm], today=TODAY).rank(DEMAND, k=2)
    assert [r.expert_id for r in ranked] == ["calm", "busy"]
    assert Reason("load", 10) in ranked[1].reasons


def test_the_keyword_only_baseline_counts_verbatim_keywords():
    ranked = index().rank_keywords(DEMAND, k=2)
    assert ranked[0].expert_id == "battery" and ranked[0].score == 2
    assert ranked[0].reasons == (Reason("keywords", ["储能", "锂电池"]),)


def test_relevance_matrix_has_a_row_per_target_and_a_column_per_expert():
    idx = index()
    m = idx.relevance([DEMAND, Target("d2", "机器学习算法")], ["ai", "battery"])
    assert m.shape == (2, 2)
    assert m[0, 1] > m[0, 0] and m[1, 0] > m[1, 1]


def test_a_profile_that_matches_is_given_as_a_reason_when_no_work_title_does():
    e = Expert("p", keywords=("材料",), profile="长期从事储能电站安全研究")
    top = ExpertIndex([e], today=TODAY).rank(DEMAND, k=1)[0]
    assert Reason("profile", ["储能", "电站"]) in top.reasons
    assert "简介相关：储能、电站" in top.sentence()


def test_the_first_level_of_a_code_follows_the_scheme_in_use():
    # GB/T 13745: 520 计算机科学技术 holds 52020 人工智能; 410 and 413 are different first levels
    # although they share two digits.
    experts = [Expert("ai", "甲", ("算法",), disciplines=("52020",)),
               Expert("base", "乙", ("算法",), disciplines=("410",))]
    gbt = ExpertIndex(experts, today=TODAY, discipline_level=3)
    target = Target("t", "算法", disciplines=("52060",))
    parts = gbt.parts(target)
    assert list(parts["discipline"]) == [0.5, 0.0]
    assert [r.value for r in gbt.rank(target, k=1)[0].reasons if r.kind == "discipline_near"] == ["52020"]
    near_413 = gbt.parts(Target("u", "算法", disciplines=("413",)))["discipline"]
    assert list(near_413) == [0.0, 0.0]
    # With two-digit first levels (the default), 410 and 413 would count as near.
    assert list(ExpertIndex(experts, today=TODAY).parts(Target("u", "算法", disciplines=("413",)))["discipline"]) \
        == [0.0, 0.5]
