"""Jobs for the worker's tests, importable by a worker in another process (``tests.jobs``).

Like every job of the platform they are idempotent: running one again does nothing new.
"""

import os
import time
from pathlib import Path

from django.tasks import task


@task
def echo(value: str) -> str:
    """Returns its argument."""
    return value


@task
def wait_for_release(folder: str) -> str:
    """Leaves a file ``started-<pid>`` in ``folder`` for each run, then waits until the test
    creates ``folder/release`` — the job a test kills its worker in the middle of."""
    folder = Path(folder)
    (folder / f"started-{os.getpid()}").touch()
    while not (folder / "release").exists():
        time.sleep(0.05)
    return "released"
