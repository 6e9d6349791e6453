"""The product's URLs plus the benchmark's baseline view; mounted only by ``kexie.bench.settings``."""

from django.urls import path

from kexie.urls import urlpatterns as product_urlpatterns

from . import views

urlpatterns = [
    path("bench/baseline/", views.baseline, name="bench-baseline"),
    *product_urlpatterns,
]
