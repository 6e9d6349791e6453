import os

import pytest
from _pytest.nodeid import NodeId
from django.db.models.signals import post_migrate

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


def _reseed_after_a_flush(sender, **kwargs):
    """A transactional test (browser tests, real concurrency) empties every table when it ends,
    and Django's flush then signals post_migrate: put back the rows the migrations seed — the
    built-in roles, the default four-batch rules and the stations' entry rules — so a test that runs after it on the same
    worker finds the database as migrated."""
    if sender.label != "selection":  # once per flush, with every app's tables there
        return
    from kexie.accounts.roles import ensure_builtin_roles
    from kexie.selection.rules import ensure_default_rules
    from kexie.stations.rules import ensure_default_rules as ensure_station_rules

    ensure_builtin_roles()
    ensure_default_rules()
    ensure_station_rules()


post_migrate.connect(_reseed_after_a_flush, dispatch_uid="tests-reseed-after-flush")


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


BROWSER_GROUPS = 2


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests share one Chromium per worker: under pytest-xdist (--dist loadgroup) a
    module's tests stay in one of ``BROWSER_GROUPS`` groups (modules dealt out in turn), so each
    worker starts one browser and the browser tests still run side by side on the two cores.

    pytest-xdist puts a test in its group by appending ``@group`` to the test's id, which it
    writes to an attribute pytest 9.2 no longer reads the id from: the group is appended here
    where pytest reads it, or every group's tests would be spread over the workers."""
    modules: dict[str, int] = {}
    for item in items:
        if item.get_closest_marker("browser"):
            group = modules.setdefault(item.module.__name__, len(modules) % BROWSER_GROUPS)
            item.add_marker(pytest.mark.xdist_group(f"browser{group}"))
    result = yield
    if getattr(config.option, "loadgroup", False):  # set in the workers of --dist loadgroup
        for item in items:
            groups = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                             for mark in item.iter_markers("xdist_group")})
            if groups and "@" not in item.nodeid and hasattr(item, "_id"):
                item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")
    return result
