"""Answers arriving together (PostgreSQL): one code used by several phones at once gives one
response; a station with one place left takes exactly one of several codes answered at once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from kexie.surveys import services
from kexie.surveys.models import Response
from tests.surveys.helpers import codes, station, survey_round


def _race(codes_to_use):
    stored, refused = [], []
    barrier = threading.Barrier(len(codes_to_use))

    def worker(code):
        try:
            barrier.wait()
            try:
                stored.append(services.response_submit(code=code, answers={"unit": "uni", "pressure": 2}).pk)
            except ValidationError as error:
                refused.append(error.message_dict["code"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(code,)) for code in codes_to_use]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stored, refused


@pytest.mark.django_db(transaction=True)
def test_the_same_code_at_once_is_used_once_and_the_quota_holds():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections need PostgreSQL")
    from tests.personas import build_world

    world = build_world()
    one, two = station(world, name="并发站一"), station(world, name="并发站二")
    made = survey_round(world, stations=[(one, 10), (two, 1)])
    code = codes(world, made, one, n=1)[0]
    stored, refused = _race([code] * 6)
    assert len(stored) == 1 and len(refused) == 5
    assert set(refused) == {"该填答码已使用，每个填答码只能使用一次。"}
    stored, refused = _race(codes(world, made, two, n=6))
    assert len(stored) == 1 and len(refused) == 5
    assert Response.objects.filter(station=two).count() == 1
