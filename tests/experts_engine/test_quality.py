"""Matching quality on the labelled sets stays above the issue's bars (docs/experts-engine.md)."""

from kexie.experts_engine.evaluate import generated_set, load_hand, precision_at


def test_precision_at_5_on_the_hand_written_set_meets_the_bars():
    r = precision_at(*load_hand())
    assert r["queries"] >= 50 and r["experts"] >= 60
    assert r["full"] >= 0.60
    assert r["full"] - r["keywords_only"] >= 0.15


def test_on_the_generated_set_a_stray_keyword_does_not_pull_the_ranking_away():
    r = precision_at(*generated_set(300))
    assert r["queries"] >= 300
    assert r["full"] >= 0.95 and r["full"] >= r["keywords_only"]
