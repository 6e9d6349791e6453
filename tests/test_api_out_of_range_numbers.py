"""Numbers no database integer can hold never reach the database: SQLite answers them with a
server error. An id in a path is no id (404); a filter or a query parameter says which field is
wrong (400)."""

import pytest

HUGE = "99999999999999999999"  # 20 digits: beyond 64 bits


@pytest.mark.parametrize("url", [f"/api/v1/societies/{HUGE}/", f"/api/v1/organizations/{HUGE}/",
                                 f"/api/v1/plans/{HUGE}/", f"/organizations/{HUGE}/"])
def test_an_id_too_large_for_the_database_is_not_found(world, signed_in, url):
    assert signed_in(world.national_clerk).get(url).status_code == 404


@pytest.mark.parametrize(("url", "field"), [
    (f"/api/v1/organizations/?parent={HUGE}", "parent"),
    ("/api/v1/plans/?organization=1e30", "organization"),
    (f"/api/v1/plans/?organization={HUGE}", "organization"),
    (f"/api/v1/progress-reports/?under={HUGE}", "under"),
    ("/api/v1/audit-logs/?user=-99999999999999999999", "user"),
    (f"/api/v1/ledger/?unit={HUGE}", "unit"),
    (f"/api/v1/ledger/?plan={HUGE}", "plan"),
    (f"/api/v1/dashboard/?overdue_offset={HUGE}", "overdue_offset"),
    (f"/api/v1/dashboard/?org={HUGE}", "org"),
    (f"/api/v1/task-snapshots/counts/?under={HUGE}", "under"),
])
def test_a_filter_out_of_range_is_refused_naming_the_field(world, signed_in, url, field):
    client = signed_in(world.audit_admin if "audit" in url else world.national_clerk)
    response = client.get(url)
    assert response.status_code == 400, response.content
    assert field in response.json()
