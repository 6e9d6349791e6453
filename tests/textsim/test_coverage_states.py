"""The coverage report's three states: covered (a decision or a strong first suggestion), partly
answered and to be confirmed (only weak suggestions), not covered."""

from kexie.textsim import DEFAULT_THRESHOLD, STRONG_THRESHOLD, Match, Suggestion, coverage, is_strong, strong_threshold


def item(key, kind="task"):
    return {"key": key, "kind": kind, "title": key}


UPPER = [item("1", "context"), item("2", "section"), item("2.1"), item("2.1.1"), item("2.1.2"), item("2.2"),
         item("2.2.1"), item("2.3"), item("3", "safeguard")]
STRONG = STRONG_THRESHOLD + 0.05
WEAK = (DEFAULT_THRESHOLD + STRONG_THRESHOLD) / 2
NOISE = DEFAULT_THRESHOLD - 0.05


def suggest(key, *matches, decided=False):
    return Suggestion(key, key, "task", tuple(Match(k, score) for k, score in matches), decided=decided)


def states(report):
    return {"covered": report.covered_upper, "partial": report.partial_upper, "uncovered": report.uncovered_upper}


def test_a_strong_first_suggestion_covers_the_task_and_its_parents():
    report = coverage([suggest("a", ("2.1.1", STRONG))], UPPER)
    assert states(report) == {"covered": ["2", "2.1", "2.1.1"], "partial": [],
                              "uncovered": ["2.1.2", "2.2", "2.2.1", "2.3"]}
    assert report.confirmed_upper == [] and report.unaligned_lower == []


def test_a_weak_first_suggestion_only_makes_the_task_partial():
    report = coverage([suggest("a", ("2.2.1", WEAK))], UPPER)
    assert states(report) == {"covered": [], "partial": ["2", "2.2", "2.2.1"],
                              "uncovered": ["2.1", "2.1.1", "2.1.2", "2.3"]}
    # The lower task is aligned (it has a suggestion above the threshold), just not confirmed.
    assert report.unaligned_lower == []


def test_later_suggestions_count_only_when_strong_and_then_only_as_partial():
    report = coverage([suggest("a", ("2.1.1", STRONG + 0.1), ("2.2.1", STRONG), ("2.3", WEAK))], UPPER)
    assert report.covered_upper == ["2", "2.1", "2.1.1"]
    assert report.partial_upper == ["2.2", "2.2.1"]
    assert "2.3" in report.uncovered_upper


def test_below_the_threshold_nothing_counts_and_the_lower_task_is_unaligned():
    report = coverage([suggest("a", ("2.1", NOISE))], UPPER)
    assert report.covered_upper == report.partial_upper == []
    assert report.unaligned_lower == ["a"]


def test_a_decision_counts_whatever_its_score_and_no_counterpart_counts_nothing():
    report = coverage([suggest("a", ("2.3", 0.01), decided=True), suggest("b", decided=True),
                       suggest("c", ("2.1.2", WEAK))], UPPER)
    assert report.covered_upper == ["2", "2.3"] and report.confirmed_upper == ["2", "2.3"]
    assert report.partial_upper == ["2.1", "2.1.2"]
    assert report.unaligned_lower == ["b"]


def test_covered_wins_over_partial_and_every_task_is_in_one_list():
    report = coverage([suggest("a", ("2.1.1", STRONG)), suggest("b", ("2.1.2", WEAK))], UPPER)
    assert report.partial_upper == ["2.1.2"]  # 2 and 2.1 are covered through 2.1.1
    every = report.covered_upper + report.partial_upper + report.uncovered_upper
    assert sorted(every) == sorted(it["key"] for it in UPPER if it["kind"] in ("task", "section"))


def test_the_strong_line_never_falls_below_the_threshold():
    assert strong_threshold(0.5) == 0.5 and strong_threshold(0.1) == STRONG_THRESHOLD
    report = coverage([suggest("a", ("2.1", 0.45))], UPPER, threshold=0.5)
    assert report.covered_upper == report.partial_upper == [] and report.strong == 0.5
    assert is_strong(suggest("a", ("2.1", STRONG))) and not is_strong(suggest("a", ("2.1", WEAK)))
    assert not is_strong(suggest("a", ("2.1", STRONG), decided=True))
