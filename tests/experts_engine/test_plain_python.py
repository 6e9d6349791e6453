"""kexie.experts_engine is a plain Python package: it must work without Django."""

import os
import subprocess
import sys


def test_it_ranks_checks_assigns_and_draws_without_loading_django():
    code = (
        "import sys, datetime as dt\n"
        "from kexie.experts_engine import Expert, ExpertIndex, Target, assign, check, draw\n"
        "ex = [Expert(1, keywords=('储能',)), Expert(2, keywords=('人工智能',))]\n"
        "t = Target('t', '储能电站', person_ids=(2,))\n"
        "assert ExpertIndex(ex, today=dt.date(2026, 1, 1)).rank(t, k=1)[0].expert_id == 1\n"
        "assert check(ex, [t], today=dt.date(2026, 1, 1))[0].reason_code == 'self'\n"
        "assert assign(['t'], [1, 2], [[1, 0]], k=1, cap=1).reviewers == {'t': [1]}\n"
        "assert draw(ex, [{'count': 1}], seed=1).members\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
