"""The API's answers against its OpenAPI schema, with Schemathesis's checks: the status code is
documented for the operation, the content type too, and the body matches the documented schema.

``assert_documented(response)`` takes an answer of Django's test client and finds the operation
by the request's method and path, so a test states the request it makes and nothing else.
"""

import functools
import json
import re

import requests
import schemathesis
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


@functools.cache
def openapi() -> dict:
    """The schema as /api/schema/ serves it, built without a request."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


@functools.cache
def schema():
    return schemathesis.openapi.from_dict(openapi())


def case_of(method: str, path: str):
    """A Schemathesis case of the documented operation a request to ``path`` with ``method`` is."""
    for template in openapi()["paths"]:
        pattern = "^" + re.sub(r"\\{([^}]+)\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
        match = re.match(pattern, path)
        if match and method.lower() in openapi()["paths"][template]:
            return schema()[template][method.upper()].Case(path_parameters=match.groupdict())
    raise AssertionError(f"{method} {path} is no documented operation")


def assert_documented(response) -> None:
    """Fail unless Django's test-client ``response`` is an answer its operation documents."""
    request = response.wsgi_request
    case = case_of(request.method, request.path)
    prepared = requests.Request(request.method, request.build_absolute_uri()).prepare()
    headers = {name.lower(): [value] for name, value in response.headers.items()}
    answer = schemathesis.Response(status_code=response.status_code, headers=headers, content=response.content,
                                   request=prepared, elapsed=0.0, verify=False)
    case.validate_response(answer, checks=CHECKS)
