from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "kexie.bench"
    label = "bench"
    verbose_name = "Benchmarks"
