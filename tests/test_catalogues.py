"""The Chinese catalogues of the apps are merged into one at run time: the same English text
translated two ways in two apps shows only one of them everywhere, so a page reads words it never
chose. Each text must have one translation (or a context that tells the uses apart)."""

from collections import defaultdict
from pathlib import Path

import polib

import kexie

CATALOGUES = sorted(Path(kexie.__file__).parent.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_the_catalogues_exist():
    assert len(CATALOGUES) >= 6


def test_no_text_is_translated_two_ways():
    translations = defaultdict(dict)
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgstr:
                continue
            translations[(entry.msgctxt, entry.msgid)][path.parts[-5]] = entry.msgstr
    clashes = {key: apps for key, apps in translations.items() if len(set(apps.values())) > 1}
    assert clashes == {}


def test_no_catalogue_has_a_text_twice():
    for path in CATALOGUES:
        keys = [(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete]
        assert len(keys) == len(set(keys)), path.parts[-5]
