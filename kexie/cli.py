"""The ``kexie`` command: every administrative task without knowing about manage.py.

    kexie serve [ADDR:PORT]     development server (production: gunicorn, see README)
    kexie migrate               create or upgrade the database
    kexie demo                  load the demo data
    kexie worker                run the background-job worker
    kexie audit verify|purge    check the audit hash chain / apply the retention policy
    kexie backup FILE / kexie restore FILE
    kexie check --deploy        Django's deployment checks
    kexie <any manage.py command>
"""

import os
import sys

ALIASES = {
    "serve": "runserver",
    "worker": "db_worker",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:  # pragma: no cover - installation problem
        raise SystemExit(f"Django is not installed: {exc}") from exc
    from kexie.core.env import MissingSetting

    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        argv = ["help"] if argv and argv[0] == "help" else argv
        if not argv:
            return
    command = ALIASES.get(argv[0], argv[0])
    try:
        execute_from_command_line(["kexie", command, *argv[1:]])
    except MissingSetting as exc:
        raise SystemExit(f"kexie: {exc}") from None


if __name__ == "__main__":
    main()
