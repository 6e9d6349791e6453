"""The activity rollup benchmark's generator on a small network: the rollup counts exactly what
was planted, the rows add up to the total and the organisations without activities are folded."""

import datetime as dt

from kexie.activities import rollups
from kexie.bench.activities import YEAR, generate_activities


def test_the_bench_data_rolls_up_to_the_planted_figures(db):
    root, campaign, planted = generate_activities(600, provinces=1)
    table = rollups.rollup_table(root, since=dt.date(YEAR, 1, 1), until=dt.date(YEAR, 12, 31), campaign=campaign)
    assert {"total": table["summary"]["total"], "audience": table["summary"]["audience"]} == planted
    assert table["own"]["total"] + sum(f["total"] for _c, f in table["children"]) == planted["total"]
    assert len(table["children"]) == 1 and table["folded"] == 52  # the departments and societies
