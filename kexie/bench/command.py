"""kexie bench generate --scale {small,province,national} [--seed N]
kexie bench run [--only NAME] [--json FILE] [--quick]

Not a management command of an installed app: the benchmark is a tool beside the product, which
``kexie`` (``kexie.cli``) runs with the product's settings.

``generate`` fills an empty database (migrated first) with a deterministic data set;
``run`` measures every hot path against its baseline on that data. Point KEXIE_DATABASE_URL at
a database of its own: the generator refuses one that already holds organisations.
"""

import json
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Generate benchmark data (generate) or run the benchmark suite (run)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="fill an empty database with a deterministic data set")
        gen.add_argument("--scale", choices=["small", "province", "national"], default="small")
        gen.add_argument("--seed", type=int, default=1)
        run = sub.add_parser("run", help="run the benchmarks on the generated data")
        run.add_argument("--only", action="append", default=[], metavar="NAME",
                         help="run this benchmark only (repeatable); names as in the table")
        run.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
        run.add_argument("--quick", action="store_true",
                         help="a few repetitions each and small sizes: checks the harness, not the timings")
        run.add_argument("--list", action="store_true", help="list the benchmarks and exit")

    def handle(self, *args, **options):
        # Query logging (DEBUG) would grow without bound over millions of statements and slow every one.
        settings.DEBUG = False
        if options["action"] == "generate":
            return self._generate(options)
        return self._run(options)

    def _generate(self, options):
        from kexie.bench.generate import NotEmpty, generate

        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        try:
            result = generate(scale=options["scale"], seed=options["seed"], log=self.stdout.write)
        except NotEmpty as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"generated scale {result.scale} (seed {result.seed}) in "
                          f"{time.perf_counter() - started:.1f} s")
        self.stdout.write(json.dumps({"timings_s": result.timings, "counts": result.counts}, indent=2))

    def _run(self, options):
        from kexie.bench.suite import BENCHMARKS, run_suite

        if options["list"]:
            for bench in BENCHMARKS:
                self.stdout.write(f"{bench.name:24} {bench.title}")
            return
        unknown = set(options["only"]) - {b.name for b in BENCHMARKS}
        if unknown:
            raise CommandError(f"unknown benchmark(s): {', '.join(sorted(unknown))}; see `kexie bench run --list`")
        report = run_suite(only=options["only"], quick=options["quick"], log=self.stdout.write)
        if options["json"]:
            with open(options["json"], "w", encoding="utf-8") as out:
                json.dump(report, out, ensure_ascii=False, indent=2, default=str)
        self.stdout.write(report["table"])


def main(argv: list[str]) -> None:
    """``kexie bench ARGS``: set Django up with the product's settings and run the command."""
    import django

    django.setup()
    Command().run_from_argv(["kexie", "bench", *argv])
