"""A city association and a society's secretariat invite their S&T workers (external.invite), as
the national and provincial offices do; an invitation sent for a person record links the new
account to that person on acceptance, and the home page then shows the person's records."""

import re

from django.urls import reverse

from kexie.accounts import public
from kexie.accounts.models import Invitation
from kexie.people import services as people
from kexie.people.models import Person
from tests.personas import make_user


def test_the_city_association_and_the_society_invite_their_workers(world, signed_in):
    city_clerk = make_user("city_clerk", world.city_a, ["city_clerk"])
    for clerk, address in ((city_clerk, "city.worker@example.cn"),
                           (world.society_secretary, "society.worker@example.cn")):
        assert clerk.has_code("external.invite")
        client = signed_in(clerk)
        assert client.get(reverse("accounts:invitations")).status_code == 200
        invited = public.invitation_create(by=clerk, address=address, full_name="基层科技工作者")
        assert Invitation.objects.get(pk=invited.invitation.pk).created_by == clerk
    assert not world.county_clerk.has_code("external.invite")


def test_an_invitation_for_a_person_links_the_new_account_and_its_home_shows_the_person(world, client):
    person = people.person_create(by=world.provincial_clerk, organization=world.prov_a,
                                  data={"name": "许春华", "email": "xu.ch@example.cn"},
                                  positions=[{"unit_name": "中牟县农技推广站"}])
    people.entry_add(by=world.provincial_clerk, organization=world.prov_a, person=person, data={"keywords": "小麦"})
    invited = people.person_invite_account(by=world.provincial_clerk, person=person)
    token = re.search(r"/([^/]+)/$", invited.link).group(1)
    account = public.invitation_accept(token=token, full_name="许春华", password="Kexie@2026pass")
    assert Person.objects.get(pk=person.pk).account == account
    client.force_login(account)
    page = client.get(reverse("accounts:me")).content.decode()
    assert 'id="home-people.libraries"' in page and "许春华" in page
