"""kexie — the administrative command of the S&T association work platform.

Usage: kexie COMMAND [OPTIONS]

    kexie parse FILE [--json]     read a plan document (.txt .docx .pdf .html .md) into its items
    kexie migrate                 create or upgrade the database
    kexie demo                    load the demo data
    kexie serve [ADDR:PORT]       development server (production: gunicorn, see docs/production.md)
    kexie worker                  run background jobs and the daily schedule (refresh, purge, reminders)
    kexie audit verify            check the audit trail's hash chain (exit 1 if broken)
    kexie audit purge [--dry-run] apply the audit retention policy
    kexie bench generate|run      benchmark data and the benchmark suite (docs/performance.md)
    kexie backup FILE             write a consistent backup archive
    kexie restore FILE            restore an archive into a freshly migrated database
    kexie collectstatic           gather static files for production
    kexie check --deploy          Django's deployment checks
    kexie help COMMAND            options of one command
    kexie help --commands         every command (anything manage.py knows works here too)
"""

import os
import sys

ALIASES = {
    "serve": "runserver",
}


def _django_argv(argv: list[str]) -> list[str] | None:
    """The manage.py arguments for ``argv``, or None when our own usage text is the answer."""
    if not argv or argv[0] in ("-h", "--help") or argv == ["help"]:
        return None
    if argv[0] == "help":
        return ["help", ALIASES.get(argv[1], argv[1]), *argv[2:]]
    return [ALIASES.get(argv[0], argv[0]), *argv[1:]]


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "parse":
        # The parser is a plain package: no settings, no database, fast start.
        from kexie.docparse.cli import main as parse_main

        raise SystemExit(parse_main(argv[1:]))
    if argv and argv[0] == "bench":
        # The benchmark is not one of the product's installed apps: it is run beside them.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
        from kexie.bench.command import main as bench_main

        bench_main(argv[1:])
        return
    django_argv = _django_argv(argv)
    if django_argv is None:
        print(__doc__.strip())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:  # pragma: no cover - installation problem
        raise SystemExit(f"Django is not installed: {exc}") from exc
    from kexie.core.env import MissingSetting

    try:
        execute_from_command_line(["kexie", *django_argv])
    except MissingSetting as exc:
        # A configuration mistake, not a bug: one line naming the variable, no traceback.
        raise SystemExit(f"kexie: {exc}") from None


if __name__ == "__main__":
    main()
