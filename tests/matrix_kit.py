"""The vocabulary of the permission matrix (tests/test_permission_matrix.py): one ``Expect`` per way
of calling a URL. Kept apart so that each app's own matrix module (tests/<app>/matrix.py) can
write its entries with the same words."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.personas import World

Build = Callable[[World], Any]


@dataclass(frozen=True)
class Expect:
    """One way of calling a URL (a method) and what each kind of caller gets."""

    code: str | None            # the permission code; None: any signed-in user
    method: str = "get"
    user: str | Build = "provincial_clerk"  # persona holding the code (attribute of World, or a builder)
    kwargs: Build | None = None    # URL arguments for an object inside the persona's scope
    outside: Build | None = None   # URL arguments for an object outside it (404)
    data: Build | None = None      # request body
    ok: int = 200
    api: bool = False

    def persona(self, world):
        return self.user(world) if callable(self.user) else getattr(world, self.user)


def api(code, **options) -> Expect:
    return Expect(code, api=True, **options)


def page(code, **options) -> Expect:
    return Expect(code, **options)
