"""Benchmark 4c in its quick size: the planted duplicates are found and nothing is left behind."""

from kexie.audit.models import AuditLog
from kexie.bench.people import bench_people_import
from kexie.people.models import Person


def test_the_import_benchmark_finds_every_planted_exact_duplicate_and_rolls_back(db):
    result = bench_people_import(quick=True)

    assert result["rows"] == 500 and result["errors"] == 0
    assert result["found"]["exact"] == result["planted"]["exact"] == 15
    assert result["found"]["possible"] >= result["planted"]["possible"] + result["planted"]["possible_within_file"]
    assert result["created"] == result["rows"] - result["found"]["exact"]
    assert not Person.objects.exists() and not AuditLog.objects.filter(action="import").exists()
