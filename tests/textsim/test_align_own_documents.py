"""Alignment of a small lower plan, written for this test, to a small upper plan."""

from kexie.textsim import DEFAULT_THRESHOLD, align, coverage


def item(key, kind, title, text=""):
    return {"key": key, "kind": kind, "title": title, "text": text}


UPPER = [
    item("1", "context", "总体要求", "以习近平新时代中国特色社会主义思想为指导，推进科协系统深化改革。"),
    item("2", "section", "重点任务"),
    item("2.1", "task", "打造世界一流科技期刊", "实施科技期刊卓越行动计划，分领域发布高水平科技期刊分级目录。"),
    item("2.2", "task", "完善现代科普体系", "深入实施全民科学素质行动，加强科普信息化建设。"),
    item("2.2.1", "task", "建设科普中国平台，推动科普资源共建共享"),
    item("2.2.2", "task", "建设科技馆体系，推动科研设施向公众开放"),
    item("2.3", "task", "建设高端科技创新智库", "围绕国家重大战略开展决策咨询，报送科技工作者建议。"),
    item("2.4", "task", "拓展民间国际科技交流", "推荐优秀人才到国际科技组织任职，举办国际学术会议。"),
    item("3", "safeguard", "加强组织领导", "各级科协要建立改革工作责任制。"),
]

LOWER = [
    item("1", "section", "推进科普工作"),
    item("1.1", "task", "加强科普信息化", "依托科普中国平台，推动优质科普资源进社区、进农村。"),
    item("1.2", "task", "推进科技馆建设", "新建市级科技馆，推动高校实验室向公众开放。"),
    item("2", "task", "培育本省科技期刊", "支持学会创办英文科技期刊，提升期刊质量和影响力。"),
    item("3", "task", "服务党委政府决策咨询", "组织专家开展调研，形成高质量建议报告，发挥智库作用。"),
    item("4", "task", "改造机关办公楼供暖管道", "完成锅炉房更换和管网改造。"),
    item("5", "safeguard", "落实责任", "建立改革工作责任制，明确责任分工。"),
]


def by_key(suggestions):
    return {s.lower_key: s for s in suggestions}


def test_each_lower_task_gets_the_upper_task_a_reader_would_pick():
    got = by_key(align(LOWER, UPPER, k=3))
    assert got["1.1"].best.upper_key == "2.2.1"
    assert got["1.2"].best.upper_key == "2.2.2"
    assert got["2"].best.upper_key == "2.1"
    assert got["3"].best.upper_key == "2.3"
    # The section about 科普 points to the 科普 chapter of the upper plan.
    assert got["1"].best.upper_key.startswith("2.2")


def test_scores_are_between_0_and_1_and_sorted():
    for s in align(LOWER, UPPER, k=5):
        scores = [m.score for m in s.matches]
        assert scores == sorted(scores, reverse=True)
        assert all(0 < x <= 1 for x in scores)
        assert len(scores) <= 5


def test_kinds_are_matched_only_with_their_like():
    got = by_key(align(LOWER, UPPER, k=9))
    upper_kind = {it["key"]: it["kind"] for it in UPPER}
    assert {upper_kind[m.upper_key] for m in got["5"].matches} == {"safeguard"}
    assert got["5"].best.upper_key == "3"
    for key in ("1.1", "2", "3"):
        assert {upper_kind[m.upper_key] for m in got[key].matches} <= {"task", "section"}


def test_an_unrelated_lower_task_scores_below_the_threshold():
    got = by_key(align(LOWER, UPPER, k=3))
    assert got["4"].best is None or got["4"].best.score < DEFAULT_THRESHOLD


def test_coverage_lists_unanswered_upper_tasks_and_unaligned_lower_tasks():
    sugg = align(LOWER, UPPER, k=3)
    cov = coverage(sugg, UPPER)
    # Nobody in the lower plan answers the international exchange task.
    assert "2.4" in cov.uncovered_upper
    # A match on a sub-task covers its parents; answered tasks are not listed.
    for answered in ("2.1", "2.2", "2.2.1", "2.2.2", "2.3", "2"):
        assert answered not in cov.uncovered_upper
    assert "4" in cov.unaligned_lower
    assert "1.1" not in cov.unaligned_lower and "2" not in cov.unaligned_lower
    # Only tasks are reported, not principles or safeguards.
    assert "1" not in cov.uncovered_upper and "3" not in cov.uncovered_upper
    assert "5" not in cov.unaligned_lower


def test_a_threshold_of_zero_covers_everything_matched_and_one_covers_nothing():
    sugg = align(LOWER, UPPER, k=3)
    none = coverage(sugg, UPPER, threshold=1.01)
    assert set(none.unaligned_lower) == {"1", "1.1", "1.2", "2", "3", "4"}
    assert "2.1" in none.uncovered_upper


def test_empty_inputs():
    assert align([], UPPER) == []
    empty = align(LOWER, [])
    assert [s.lower_key for s in empty] == [it["key"] for it in LOWER]
    assert all(s.matches == () for s in empty)
    cov = coverage([], UPPER)
    assert "2.1" in cov.uncovered_upper and cov.unaligned_lower == []


def test_alignment_is_deterministic():
    assert align(LOWER, UPPER, k=3) == align(LOWER, UPPER, k=3)
