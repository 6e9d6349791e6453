"""Personal data never travels in clear where the viewer has not unmasked it: the user edit form
and the organisation's contact (detail page, edit form, audit rows) show masked values, and a
value sent back as shown is kept."""

from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.organizations.services import organization_update


def _edit_user(client, account, **changes):
    values = {"full_name": account.full_name, "organization": account.organization_id,
              "mobile": "139****8888", "email": "z***@kexie.cn", "id_number": "",
              "roles": [r.pk for r in account.roles.all()], **changes}
    return client.post(reverse("accounts:user_edit", args=[account.pk]), values)


def test_the_user_edit_form_carries_masked_values_and_keeps_them_when_unchanged(world, signed_in):
    account = world.county_clerk
    account.mobile, account.email = "13912348888", "zhang@kexie.cn"
    account.save()
    client = signed_in(world.system_admin)
    page = client.get(reverse("accounts:user_edit", args=[account.pk])).content.decode()
    assert "13912348888" not in page and "zhang@kexie.cn" not in page
    assert 'value="139****8888"' in page and 'value="z***@kexie.cn"' in page
    assert not AuditLog.objects.filter(action="unmask").exists()
    response = _edit_user(client, account, full_name="甲县干事（改）")
    assert response.status_code == 302, response.content.decode()
    account.refresh_from_db()
    assert (account.full_name, account.mobile, account.email) == ("甲县干事（改）", "13912348888", "zhang@kexie.cn")
    _edit_user(client, account, mobile="13700001111", email="")
    account.refresh_from_db()
    assert (account.mobile, account.email) == ("13700001111", "")


def test_an_organisations_contact_is_masked_on_its_page_its_form_and_in_the_audit_trail(world, signed_in):
    org = world.prov_a
    organization_update(by=world.national_clerk, organization=org,
                        data={"contact_phone": "0371-65901234", "contact_email": "office@hnast.cn"})
    client = signed_in(world.provincial_clerk)
    for url in (reverse("organizations:detail", args=[org.pk]), reverse("organizations:edit", args=[org.pk])):
        page = client.get(url).content.decode()
        assert "0371-65901234" not in page and "office@hnast.cn" not in page, url
        assert "037******1234" in page and "o***@hnast.cn" in page, url
    latest = AuditLog.objects.filter(object_id=str(org.pk), action="update").latest("pk")
    assert "0371-65901234" not in str(latest.new_values) and "office@hnast.cn" not in str(latest.new_values)
    assert "037******1234" in str(latest.new_values)


def test_the_organisation_form_keeps_a_contact_sent_back_as_shown(world):
    from kexie.organizations.forms import OrganizationForm

    org = world.prov_a
    organization_update(by=world.national_clerk, organization=org,
                        data={"contact_phone": "0371-65901234", "contact_email": "office@hnast.cn"})
    org.refresh_from_db()
    shown = OrganizationForm(user=world.national_clerk, organization=org)
    data = {name: value for name, value in shown.initial.items() if value is not None}
    assert data["contact_phone"] == "037******1234"
    bound = OrganizationForm(data, user=world.national_clerk, organization=org)
    assert bound.is_valid(), bound.errors
    assert (bound.cleaned_data["contact_phone"], bound.cleaned_data["contact_email"]) == (
        "0371-65901234", "office@hnast.cn")
    data["contact_phone"] = "0371-66660000"
    changed = OrganizationForm(data, user=world.national_clerk, organization=org)
    assert changed.is_valid() and changed.cleaned_data["contact_phone"] == "0371-66660000"
