"""The schema and the answers agree: each answer the fuzzing of tests/test_api_fuzz_schema.py
found undocumented, or unlike its documented schema, asked for once more and checked against the
schema the API publishes (status code, content type and body)."""

from django.urls import reverse

from kexie.organizations.models import Organization
from tests.api_conformance import assert_documented, openapi
from tests.tracking.conftest import cascaded, national  # noqa: F401 - fixtures

JSON = {"content_type": "application/json"}


def _with_contact(org, phone="", email=""):
    org.contact_phone, org.contact_email = phone, email
    org.save(update_fields=["contact_phone", "contact_email"])
    return org


# --- organisations: the contact's phone and e-mail -------------------------------------------------

def test_an_organisation_without_a_contact_e_mail_is_answered_as_documented(world, signed_in):
    # An empty contact e-mail was documented as an e-mail address ("" is none).
    response = signed_in(world.national_clerk).get(reverse("api:organization-detail", args=[world.city_a.pk]))

    assert response.status_code == 200 and response.json()["contact_email"] == ""
    assert_documented(response)


def test_the_contact_of_an_organisation_is_masked_and_documented_as_a_masked_string(world, signed_in):
    _with_contact(world.city_a, "0371-65901234", "office@hnast.cn")

    response = signed_in(world.national_clerk).get(reverse("api:organization-detail", args=[world.city_a.pk]))

    body = response.json()
    assert (body["contact_phone"], body["contact_email"]) == ("037******1234", "o***@hnast.cn")
    assert "65901234" not in response.content.decode() and "office@" not in response.content.decode()
    assert_documented(response)
    for name in ("Organization", "OrganizationList"):
        documented = openapi()["components"]["schemas"][name]["properties"]["contact_email"]
        assert documented["type"] == "string" and "format" not in documented


def test_a_changed_status_is_answered_as_documented(world, signed_in):
    response = signed_in(world.national_clerk).post(reverse("api:organization-status", args=[world.city_a.pk]),
                                                    {"status": "dormant", "reason": "合并"}, **JSON)

    assert response.status_code == 200 and response.json()["status"] == "dormant"
    assert_documented(response)


def test_an_organisation_sent_back_as_read_keeps_its_contact(world, signed_in):
    _with_contact(world.city_a, "0371-65901234", "office@hnast.cn")
    client = signed_in(world.national_clerk)
    url = reverse("api:organization-detail", args=[world.city_a.pk])
    shown = client.get(url).json()

    response = client.patch(url, {"address": "甲市科技馆", "contact_phone": shown["contact_phone"],
                                  "contact_email": shown["contact_email"]}, **JSON)

    assert response.status_code == 200, response.content
    assert_documented(response)
    org = Organization.objects.get(pk=world.city_a.pk)
    assert (org.address, org.contact_phone, org.contact_email) == ("甲市科技馆", "0371-65901234", "office@hnast.cn")
    client.patch(url, {"contact_email": "new@hnast.cn"}, **JSON)
    assert Organization.objects.get(pk=world.city_a.pk).contact_email == "new@hnast.cn"


# --- progress tracking --------------------------------------------------------------------------

def test_the_filing_of_a_cycle_is_answered_as_documented(world, national, cascaded, signed_in):  # noqa: F811
    signed_in(world.provincial_clerk).post("/api/v1/progress-reports/", {
        "item": cascaded.jia.pk, "organization": world.prov_a.pk, "cycle": national.april.pk, "percent": "40"},
        **JSON)

    response = signed_in(world.national_clerk).get(f"/api/v1/reporting-cycles/{national.april.pk}/filing/")

    assert (response.json()["expected"], response.json()["filed"]) == (3, 1)
    assert_documented(response)


def test_the_snapshot_counts_are_answered_as_documented(world, national, cascaded, signed_in):  # noqa: F811
    client = signed_in(world.national_clerk)

    counts = client.get(f"/api/v1/task-snapshots/counts/?under={world.cast.pk}")
    missing = client.get("/api/v1/task-snapshots/counts/?under=999999")
    bad = client.get("/api/v1/task-snapshots/counts/?by=colour")

    assert counts.status_code == 200 and counts.json()["total"] == 4
    assert (missing.status_code, bad.status_code) == (404, 400)
    for response in (counts, missing, bad):
        assert_documented(response)


def test_the_dashboard_answers_a_bad_query_and_a_missing_organisation_as_documented(world, signed_in):
    client = signed_in(world.national_clerk)

    bad = client.get("/api/v1/dashboard/?rows=-1")
    missing = client.get("/api/v1/dashboard/?org=999999")

    assert (bad.status_code, missing.status_code) == (400, 404)
    assert_documented(bad)
    assert_documented(missing)


# --- people -------------------------------------------------------------------------------------

def test_unmasking_an_id_that_is_no_number_is_answered_as_documented(world, signed_in):
    # No route takes it: the answer was the web's 404 page, not the API's JSON.
    client = signed_in(world.national_clerk)

    for url in ("/api/v1/users/abc/unmask/", f"/api/v1/users/{'9' * 19}/unmask/"):
        response = client.post(url, {"field": "mobile"}, **JSON)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert response.json()["detail"]
        assert_documented(response)


# --- every list and every address -----------------------------------------------------------------

def test_an_address_under_the_api_that_no_endpoint_takes_answers_json(world, signed_in):
    client = signed_in(world.national_clerk)

    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404 and response.json() == {"detail": "未找到。"}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_page_past_the_end_of_a_list_is_answered_as_documented(world, signed_in):
    response = signed_in(world.national_clerk).get(reverse("api:organization-list") + "?page=99")

    assert response.status_code == 404
    assert_documented(response)


def test_a_null_character_in_the_search_is_a_documented_400(world, signed_in):
    response = signed_in(world.national_clerk).get(reverse("api:organization-list") + "?search=%00")

    assert response.status_code == 400
    assert response.json()["detail"] and response.json()["non_field_errors"]
    assert_documented(response)
