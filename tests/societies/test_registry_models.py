import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from kexie.societies.models import AnnualReport, GoverningBody, SocietyProfile


def test_a_society_secretary_sees_only_their_society(world, societies):
    visible = SocietyProfile.objects.restrict(world.society_secretary, "society.view")
    assert list(visible) == [societies.testing]
    assert SocietyProfile.objects.restrict(world.national_clerk, "society.view").count() == 3


def test_one_report_per_society_and_year(world, societies):
    AnnualReport.objects.create(society=societies.physics, round=societies.round_2025, year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualReport.objects.create(society=societies.physics, round=societies.round_2025, year=2025)


def test_a_term_cannot_end_before_it_starts(world, societies):
    with pytest.raises(IntegrityError), transaction.atomic():
        GoverningBody.objects.create(society=societies.crops, kind="council", term_number=1,
                                     elected_on=dt.date(2024, 1, 1), term_ends_on=dt.date(2023, 1, 1))
