"""kexie.certificates is a plain Python package: it must work without Django."""

import os
import subprocess
import sys


def test_it_renders_without_loading_django():
    code = (
        "import sys, datetime as dt\n"
        "from kexie.certificates import Certificate, render_pdf\n"
        "pdf = render_pdf([Certificate('证明', '王', ['正文'], '某科协', dt.date(2026, 1, 1), 'S-1')])\n"
        "assert pdf.startswith(b'%PDF')\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
