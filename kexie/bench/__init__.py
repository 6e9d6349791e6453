"""The benchmark suite: ``kexie bench generate`` (national-scale data) and ``kexie bench run``."""
