"""kexie.textsim is a plain Python package: it must work without Django."""

import os
import subprocess
import sys


def test_it_imports_and_aligns_without_loading_django():
    code = (
        "import sys\n"
        "from kexie.textsim import align, Index\n"
        "items = [{'key': '1', 'kind': 'task', 'title': '科普信息化', 'text': ''}]\n"
        "assert align(items, items)[0].best.upper_key == '1'\n"
        "assert Index(['科普信息化']).search('科普') \n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
