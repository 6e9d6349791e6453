"""Schemathesis over every API operation: generated requests, valid and invalid, against the
application in-process, signed in with a token that holds every permission code.

The bar: no answer is a server error, and every answer is one the schema documents (status
code, content type, headers and body). The data is the demo's (loaded once for the module, in a
transaction rolled back at its end); each operation is one test in its own savepoint, so a write
one operation makes is gone before the next. Ids in paths and request bodies mostly name real
objects, so that detail routes, actions and writes reach the code behind the 404 and the 400. The
example count is bounded and the generation derandomized: the same requests every run.
"""

import datetime as dt
import os

import pytest
import schemathesis
from django.apps import apps
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_conformance import openapi

pytestmark = pytest.mark.xdist_group("api-fuzz")

# Generated examples per operation (valid and invalid requests together); KEXIE_FUZZ_EXAMPLES
# asks for more in a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("KEXIE_FUZZ_EXAMPLES", 12))
# The demo's story is dated from this day: the same data every run.
DEMO_DAY = dt.date(2026, 7, 10)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


OPENAPI = openapi()
schema = schemathesis.openapi.from_dict(OPENAPI)
schema.app = WSGIHandler()
# Every operation of the schema, as "METHOD /path" (one test each).
OPERATIONS = [f"{method.upper()} {path}" for path, item in OPENAPI["paths"].items() for method in item
              if method in ("get", "put", "post", "patch", "delete")]

# Filled by the fixture: ids of real objects for each detail route's path template, and for each
# field of a request body that names an object by id.
PATH_IDS: dict[str, list[int]] = {}
BODY_IDS: dict[str, list[int]] = {}
# Body fields holding an id, and the model named ("app_label.Model").
BODY_ID_FIELDS = {"item": "plans.PlanItem", "upper_item": "plans.PlanItem", "plan": "plans.Plan",
                  "upper_plan": "plans.Plan", "base_plan": "plans.Plan", "organization": "organizations.Organization",
                  "parent": "organizations.Organization", "cycle": "tracking.ReportingCycle",
                  "society": "societies.SocietyProfile"}


def _real(ids: list[int], value):
    """Three whole numbers in four become the id of a real object, chosen by the number (as
    deterministic as the generation); the rest stay as generated, mostly naming nothing."""
    if ids and isinstance(value, int) and not isinstance(value, bool) and value % 4 != 3:
        return ids[value % len(ids)]
    return value


@schema.hook
def map_path_parameters(context, path_parameters):
    if path_parameters and "id" in path_parameters:
        path_parameters = {**path_parameters, "id": _real(PATH_IDS.get(context.operation.path), path_parameters["id"])}
    return path_parameters


@schema.hook
def map_body(context, body):
    if isinstance(body, dict):
        body = {key: _real(BODY_IDS.get(key), value) for key, value in body.items()}
    return body


def _path_ids(path: str, user) -> list[int]:
    from kexie.notifications.models import Notification

    view = resolve(path.replace("{id}", "1")).func
    model = getattr(getattr(view, "cls", None), "model", None)
    if model is None:  # the one plain view with an id: a notification of the signed-in user
        assert "/notifications/" in path, path
        return list(Notification.objects.filter(recipient=user).values_list("pk", flat=True))
    return list(model.objects.order_by("pk").values_list("pk", flat=True)[:20])


@pytest.fixture(scope="module")
def _fuzz_world(django_db_setup, django_db_blocker):
    from kexie.accounts.models import DataScope, Role
    from kexie.accounts.permissions import PERMISSIONS
    from kexie.core.demo.loader import load_demo
    from kexie.notifications.models import Notification
    from kexie.organizations.models import Organization
    from tests.personas import make_user

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(today=DEMO_DAY)
        role = Role.objects.create(code="api_fuzz", name="接口模糊测试", data_scope=DataScope.ALL,
                                   permissions=sorted(PERMISSIONS))
        user = make_user("api_fuzz", Organization.objects.get(parent=None), [role.code])
        for number in range(3):
            Notification.objects.create(recipient=user, kind=Notification._meta.get_field("kind").choices[0][0],
                                        title=f"通知{number}", dedupe_key=f"api-fuzz-{number}")
        token = Token.objects.create(user=user)
        PATH_IDS.update({path: _path_ids(path, user) for path in OPENAPI["paths"] if "{id}" in path})
        BODY_IDS.update({field: list(apps.get_model(model).objects.order_by("pk").values_list("pk", flat=True)[:20])
                         for field, model in BODY_ID_FIELDS.items()})
        yield token.key
        transaction.set_rollback(True)
    PATH_IDS.clear()
    BODY_IDS.clear()


@pytest.fixture
def token(_fuzz_world, db):
    # Requests go through Django's handler, which would close the test's connection at each
    # request's start and end: keep it, as the test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield _fuzz_world
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_operation_answers_as_documented(label, token):
    operation = schema.find_operation_by_label(label)
    headers = {"Authorization": f"Token {token}"}

    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE)))
    def requests_answer_as_documented(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    requests_answer_as_documented()
