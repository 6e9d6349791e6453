"""The Content-Security-Policy allows scripts and styles from the app's own files only, so no
template may carry an inline script, an inline event handler or a style attribute."""

import re
from pathlib import Path

from django.urls import reverse

import kexie

TEMPLATES = sorted(Path(kexie.__file__).parent.glob("**/templates/**/*.html"))


def test_no_template_has_inline_scripts_handlers_or_styles():
    offenders = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=\s*[\"']", r"\sstyle\s*=\s*[\"']",
                        r"<style[\s>]"):
            offenders += [f"{path.name}: {match.group(0)}" for match in re.finditer(pattern, text)]
    assert len(TEMPLATES) > 50 and offenders == []


def test_every_page_is_sent_with_the_policy(client, world):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe" not in policy
