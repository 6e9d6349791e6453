"""Compile every .po file in the project to .mo without needing GNU gettext on the machine."""

from pathlib import Path

import polib
from django.core.management.base import BaseCommand

import kexie


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po -> .mo)."

    def handle(self, *args, **options):
        root = Path(kexie.__file__).resolve().parent
        count = 0
        for po_path in sorted(root.rglob("locale/*/LC_MESSAGES/*.po")):
            catalogue = polib.pofile(str(po_path))
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
