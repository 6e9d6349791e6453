#!/usr/bin/env python
"""Django's manage.py, kept for developers; users run the ``kexie`` command instead."""

from kexie.cli import main

if __name__ == "__main__":
    main()
