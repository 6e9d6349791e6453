"""Refused actions leave a trace: a write refused for want of permission (403) or scope (404) and
an upload refused by its checks are failed audit rows, at most twenty a minute per user."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.audit import refusals
from kexie.audit.models import AuditLog


def _refused():
    return AuditLog.objects.filter(action="refused", success=False)


def test_a_write_without_permission_or_outside_the_scope_is_recorded(world, signed_in):
    client = signed_in(world.county_clerk)
    assert client.post(reverse("organizations:create"), {"name": "x"}).status_code == 403
    other = signed_in(world.provincial_clerk)
    assert other.post(reverse("organizations:edit", args=[world.prov_b.pk]), {"name": "x"}).status_code == 404
    rows = list(_refused().order_by("pk"))
    assert [(row.username, row.detail.split(" ")[-1]) for row in rows] == [
        (world.county_clerk.username, "403"), (world.provincial_clerk.username, "404")]
    assert rows[0].object_repr == reverse("organizations:create")
    # Reading a page one may not see is no refused write.
    client.get(reverse("organizations:edit", args=[world.prov_b.pk]))
    assert _refused().count() == 2


def test_an_upload_refused_by_its_checks_is_recorded(world, signed_in):
    client = signed_in(world.provincial_clerk)
    fake = SimpleUploadedFile("要点.docx", b"not a zip at all", content_type="application/octet-stream")
    response = client.post(reverse("plans:import"), {"file": fake, "organization": world.prov_a.pk})
    assert response.status_code in (200, 400)
    row = _refused().get()
    assert "upload 要点.docx" in row.detail and row.username == world.provincial_clerk.username


def test_a_flood_of_refusals_writes_at_most_the_limit_a_minute(world, signed_in, monkeypatch):
    monkeypatch.setattr(refusals, "LIMIT_PER_MINUTE", 3)
    monkeypatch.setattr(refusals, "_minute", lambda: 29_000_000)  # all in one minute
    client = signed_in(world.county_clerk)
    for _n in range(8):
        client.post(reverse("organizations:create"), {"name": "x"})
    assert _refused().count() == 3
    monkeypatch.setattr(refusals, "_minute", lambda: 29_000_001)  # the next minute writes again
    client.post(reverse("organizations:create"), {"name": "x"})
    assert _refused().count() == 4
