"""Alignment on real plans: the Jilin 2022 plan (000) and the Guizhou 2022 work points (001)
against the CAST 2018 key tasks (004). The expected pairs were chosen by reading the three
documents; docs/alignment.md gives the reasons."""

import glob
import json
import os
from pathlib import Path

import pytest

from kexie.docparse import parse_file
from kexie.textsim import DEFAULT_THRESHOLD, align, coverage
from tests.conftest import require_shared

def _docs_pairs():
    """The judged pairs of docs/alignment.md, kept as data in tests/data/alignment/seeds.json
    (which also holds the seeds' other tasks, judged later to calibrate the strong line)."""
    labels = json.loads((Path(__file__).resolve().parents[1] / "data" / "alignment" / "seeds.json").read_text(
        encoding="utf-8"))
    expected, nothing = {}, []
    for plan in labels["plans"]:
        for item in plan["items"]:
            if item["since"] != "docs":
                continue
            if item["upper"]:
                expected[(plan["seed"], item["key"])] = set(item["upper"])
            else:
                nothing.append((plan["seed"], item["key"]))
    return expected, nothing


# (lower document, lower key): the upper keys a careful reader accepts as its counterpart; and the
# lower tasks with no counterpart among the 2018 key tasks (party building, ideology work, a
# lecture series).
EXPECTED, NOTHING = _docs_pairs()


def _seed(prefix):
    seeds = require_shared("seeds")
    paths = glob.glob(os.path.join(seeds, f"{prefix}_*.txt"))
    assert paths, f"seed {prefix} missing"
    return parse_file(paths[0])["items"]


@pytest.fixture(scope="module")
def suggestions():
    upper = _seed("004")
    out = {}
    for doc in ("000", "001"):
        for s in align(_seed(doc), upper, k=3):
            out[(doc, s.lower_key)] = s
    return out


@pytest.mark.parametrize("lower, accepted", sorted(EXPECTED.items()), ids=lambda v: "-".join(v) if isinstance(v, tuple) else "")
def test_the_right_upper_task_is_among_the_top_3(suggestions, lower, accepted):
    s = suggestions[lower]
    top3 = [m.upper_key for m in s.matches]
    assert accepted & set(top3), f"{lower} {s.lower_title}: got {top3}, expected one of {sorted(accepted)}"


def test_most_pairs_are_right_at_the_top(suggestions):
    top1 = sum(suggestions[k].best.upper_key in v for k, v in EXPECTED.items())
    # 21 of 21 when this was written (docs/alignment.md); allow a little slack for tuning.
    assert top1 >= 18, f"top-1 {top1}/{len(EXPECTED)}"


def test_confident_pairs_score_above_the_threshold_on_average(suggestions):
    scores = [suggestions[k].best.score for k in EXPECTED]
    assert sum(scores) / len(scores) > DEFAULT_THRESHOLD


@pytest.mark.parametrize("lower", NOTHING, ids="-".join)
def test_tasks_without_a_counterpart_score_below_the_threshold(suggestions, lower):
    assert suggestions[lower].best.score < DEFAULT_THRESHOLD


def test_coverage_on_the_seeds_names_unanswered_upper_tasks():
    upper = _seed("004")
    sugg = align(_seed("000"), upper, k=3) + align(_seed("001"), upper, k=3)
    cov = coverage(sugg, upper)
    # Neither province plans anything on the international tasks (2.10.x) or the 2018
    # one-off events (首届世界公众科学素质促进大会).
    for key in ("2.10.1", "2.10.3", "2.9.6"):
        assert key in cov.uncovered_upper
    for key in ("2.7.4", "2.9.1", "2.9.5", "2.5.2", "2.7.7"):
        assert key not in cov.uncovered_upper
    assert ("3.1.4" in cov.unaligned_lower) and ("1.1" in cov.unaligned_lower)
