import os

import pytest
from _pytest.nodeid import NodeId

from tests.personas import build_world, sign_in

# Tests that read ../shared/ skip when it is absent, but never in CI.
SHARED_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared")


def require_shared(path: str = "") -> str:
    full = os.path.normpath(os.path.join(SHARED_DIR, path))
    if not os.path.exists(full):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{full} is missing in CI")
        pytest.skip(f"{full} not available")
    return full


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: answers kept by one test's data never reach another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(settings, tmp_path):
    """Each test has its own audit checkpoint file: a checkpoint of rows another test rolled
    back would make the chain look truncated."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def signed_in(client):
    """signed_in(user) -> the test client, logged in as that user with the second factor given."""

    def _sign_in(user):
        sign_in(client, user)
        return client

    return _sign_in


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests share one Chromium per worker: under pytest-xdist (--dist loadgroup) they
    all go to the same worker instead of each worker starting its own browser.

    pytest-xdist puts a test in its group by appending ``@group`` to the test's id, which it
    writes to an attribute pytest 9.2 no longer reads the id from: the group is appended here
    where pytest reads it, or every group's tests would be spread over the workers."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
    result = yield
    if getattr(config.option, "loadgroup", False):  # set in the workers of --dist loadgroup
        for item in items:
            groups = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                             for mark in item.iter_markers("xdist_group")})
            if groups and "@" not in item.nodeid and hasattr(item, "_id"):
                item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")
    return result
