"""The OpenAPI schema: valid, free of warnings, and describing every API endpoint."""

import json
import re

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from tests.test_permission_matrix import served_urls


def test_the_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn turns any generator warning (an undocumented field, an unknown
    # authenticator) into an error.
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert target.read_text().startswith("openapi: 3.")


def _schema(client):
    response = client.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_every_api_endpoint_is_documented(db, client):
    schema = _schema(client)
    documented = {re.sub(r"\{[^}]+\}", "1", path): ops for path, ops in schema["paths"].items()}
    names = [name for name in served_urls() if name.startswith("api:") and name not in ("api:schema", "api:docs")]
    assert names
    for name in names:
        route = served_urls()[name]
        kwargs = {"pk": 1} if "pk" in route else None
        path = reverse(name, kwargs=kwargs)
        assert path in documented, f"{name} ({path}) is missing from the schema"
        for method, operation in documented[path].items():
            if method == "parameters":
                continue
            assert operation.get("summary") or operation.get("description"), f"{method} {path} has no description"
            responses = operation.get("responses", {})
            assert any(code.startswith("2") for code in responses), f"{method} {path} documents no success"
            if name != "api:token":
                assert {"401", "403"} <= set(responses), f"{method} {path} does not document 401/403"
            if kwargs:
                assert "404" in responses, f"{method} {path} does not document 404"
            if method in ("post", "patch", "put"):
                assert "400" in responses, f"{method} {path} does not document 400"


def test_the_schema_describes_both_authentication_schemes(db, client):
    schemes = _schema(client)["components"]["securitySchemes"]
    assert {"tokenAuth", "cookieAuth"} <= set(schemes)


def test_the_swagger_ui_is_served_locally(db, client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "the API docs load something from the internet"


@override_settings(API_DOCS_PUBLIC=False)
def test_in_production_the_schema_and_docs_need_a_signed_in_user(world, client, signed_in):
    assert client.get(reverse("api:schema")).status_code == 401
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("accounts:login"))
    client = signed_in(world.county_clerk)
    assert client.get(reverse("api:schema")).status_code == 200
    assert client.get(reverse("api:docs")).status_code == 200
