"""The quality bar on the real seed documents, scored with the shared scorer against gold.

The seeds live outside the repository (../shared): these tests skip without them, but fail
in CI, where they must be present."""

import glob
import importlib.util
import json
import os

import pytest

from kexie.docparse import parse_file
from tests.conftest import require_shared

BAR = {
    "item_precision": 0.95, "item_recall": 0.95, "kind_accuracy": 0.90,
    "lead_accuracy": 0.95, "target_precision": 0.90, "target_recall": 0.90,
}


def _scorer():
    path = require_shared("tools/score_plan.py")
    spec = importlib.util.spec_from_file_location("score_plan", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _seed_names() -> list[str]:
    from tests.conftest import SHARED_DIR
    names = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(SHARED_DIR, "seeds", "*.txt")))
    return names or ["(no seeds)"]


@pytest.mark.parametrize("name", _seed_names())
def test_each_seed_meets_the_quality_bar(name):
    seeds = require_shared("seeds")
    gold_dir = require_shared("gold")
    if name == "(no seeds)":
        pytest.fail(f"no seeds in {seeds}")
    score = _scorer().score(
        json.load(open(os.path.join(gold_dir, name + ".json"), encoding="utf-8")),
        parse_file(os.path.join(seeds, name + ".txt")),
    )
    low = {k: score[k] for k, bar in BAR.items() if score[k] < bar}
    assert not low, f"{name}: below the bar: {low}"


def test_seed_spans_point_at_each_item_in_the_original_text():
    seeds = require_shared("seeds")
    for path in sorted(glob.glob(os.path.join(seeds, "*.txt"))):
        text = open(path, encoding="utf-8").read()
        for item in parse_file(path)["items"]:
            start, end = item["span"]
            assert 0 <= start < end <= len(text)
            # The title's first characters are in the highlighted source (spaces aside).
            source = "".join(text[start:end].split())
            assert "".join(item["title"].split())[:6] in source, (path, item["key"])
