import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bmtrack.core.clock import utcnow
from bmtrack.patients.synthetic.cohort import CohortSpec, analyze, generate


class Command(BaseCommand):
    help = ("Generate a realistic synthetic cohort with bulk COPY (PostgreSQL), reproducible from --seed, "
            "and derive its surveillance state. For benchmarks and scale tests, never for a live database.")

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--nurses", type=int, help="default: one per 500 patients")
        parser.add_argument("--teams", type=int, help="default: one per nurse")
        parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
        parser.add_argument("--chunk-size", type=int, default=1000)
        parser.add_argument("--now", help="ISO date-time the histories end at (default: now); fixes the output")
        parser.add_argument("--no-derive", action="store_true", help="skip GPA/response/due items/watch windows")
        parser.add_argument("--vacuum", action="store_true", help="VACUUM ANALYZE instead of ANALYZE at the end")

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("generate_cohort writes with COPY: set DATABASE_URL to a PostgreSQL database.")
        if opts["patients"] < 1 or opts["workers"] < 1 or opts["chunk_size"] < 1:
            raise CommandError("--patients, --workers and --chunk-size must be positive.")
        now = utcnow()
        if opts["now"]:
            now = dt.datetime.fromisoformat(opts["now"])
            if now.tzinfo is None:
                raise CommandError("--now needs a UTC offset, e.g. 2026-11-25T12:00:00+00:00")
        spec = CohortSpec(patients=opts["patients"], seed=opts["seed"], now=now, nurses=opts["nurses"],
                          teams=opts["teams"], chunk_size=opts["chunk_size"], workers=opts["workers"],
                          derive=not opts["no_derive"])
        self.stdout.write(f"Generating {spec.patients} patients (seed {spec.seed}, {spec.nurse_count} nurses, "
                          f"{spec.team_count} teams, {spec.workers} workers)")
        try:
            result = generate(spec, log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        analyze_s = analyze(vacuum=opts["vacuum"])
        for name, count in sorted(result["counts"].items()):
            self.stdout.write(f"  {name:18} {count:>10}")
        phases = result["phases"]
        self.stdout.write(
            f"Done in {result['generate_s']:.1f} s wall (+{analyze_s:.1f} s analyze); worker time: build "
            f"{phases['build_s']:.1f} s, copy {phases['copy_s']:.1f} s, derive {phases['derive_s']:.1f} s")
