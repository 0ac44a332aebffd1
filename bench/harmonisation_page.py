"""CPU time of the académie's harmonisation page (issue 16), in one process, on a generated académie.

    .venv/bin/python bench/harmonisation_page.py [--requests 30] [--establishments 40] [--students-per-cohort 30]
                                                  [--save var/harmonisation-bench.sqlite3 | --db that file]
                                                  [--etablissement] [--profile] [--top 30]

Builds a throwaway SQLite database (migrations included; never touches var/db.sqlite3) and generates the académie with
``generate_dataset --preset tiny --establishments 40 --cohorts-per-establishment 2 --students-per-cohort 30
--activities 2 --fiches 2 --fiche-writes bulk --harmonisation``: 2,400 candidates over 40 establishments, with their
deliberations, sends, a late change and the anomalies the generator plants. ``--save`` keeps that database, ``--db``
reuses a saved one (copied: the saved file is never written). Production settings (DEBUG off, cached templates),
Django's test client logged in as the dataset's inspector; 3 warm-ups, then ``--requests`` timed requests of the
page of the first exam whose marks were sent (``--etablissement``: with one establishment's candidates opened).
Prints the median and p95 CPU time (``time.process_time``: the machine is shared, wall time is noise), the median
wall time, the number of SQL queries (of the first kept request), the HTML size and the load average, twice: with the
page's content kept (``lib.generations``: no commission wrote since) and recomputed at every request (the process
cache emptied before each, outside the timing). ``--profile`` adds a cProfile of as many recomputed requests.
"""

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 60


def setup(db: Path | None) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="ndrc-harmo-"))
    copy = tmp / "db.sqlite3"
    if db is not None:
        shutil.copyfile(db, copy)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "ndrc.settings",
            "SQLITE_PATH": str(copy),
            "DEBUG": "false",
            "DEMO_MODE": "false",
            "SECRET_KEY": "harmonisation-bench-" + "x" * 50,
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "MEDIA_ROOT": str(tmp / "media"),
            "STATIC_ROOT": str(tmp / "static"),
            "LOG_LEVEL": "ERROR",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest the production settings read
    return copy


def generate(establishments: int, students_per_cohort: int) -> None:
    from django.core.management import call_command

    call_command(
        "generate_dataset",
        "--preset",
        "tiny",
        "--establishments",
        str(establishments),
        "--cohorts-per-establishment",
        "2",
        "--students-per-cohort",
        str(students_per_cohort),
        "--activities",
        "2",
        "--fiches",
        "2",
        "--fiche-writes",
        "bulk",
        "--harmonisation",
        stdout=open(os.devnull, "w"),  # noqa: SIM115 - the command's report is not wanted here
    )


def page_url(with_establishment: bool) -> str:
    from django.urls import reverse

    from accounts.models import Academie, Establishment
    from dataset.academie import DATASET_CODE
    from harmonisation.models import MarksDispatch
    from referentiel.models import Exam, ExamSession

    academie = Academie.objects.get(code=DATASET_CODE)
    session = ExamSession.objects.get(year=2027)
    exam = Exam.objects.filter(pk__in=MarksDispatch.objects.values("exam_id")).order_by("pk").first()
    if exam is None:
        raise SystemExit("aucune note transmise dans cette base : rien à mesurer")
    url = reverse("harmonisation:exam", args=[academie.pk, session.pk, exam.pk])
    if with_establishment:
        first = Establishment.objects.filter(academie=academie).order_by("name")[0]
        url += f"?etablissement={first.pk}"
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--establishments", type=int, default=40)
    parser.add_argument("--students-per-cohort", type=int, default=30)
    parser.add_argument("--db", type=Path, default=None, help="a database saved by --save (copied, never written)")
    parser.add_argument("--save", type=Path, default=None, help="keep the generated database at this path")
    parser.add_argument("--etablissement", action="store_true", help="one establishment's candidates opened")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    copy = setup(args.db)
    if args.db is None:
        begin = time.perf_counter()
        generate(args.establishments, args.students_per_cohort)
        print(f"académie générée en {time.perf_counter() - begin:.0f} s", file=sys.stderr)
        if args.save is not None:
            shutil.copyfile(copy, args.save)

    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from certification.models import CandidateResult
    from dataset.academie import INSPECTOR

    client = Client()
    client.force_login(get_user_model().objects.get(username=INSPECTOR))
    url = page_url(args.etablissement)
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # noqa: ANN001, ANN202 - Django's execute_wrapper protocol
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        size = len(client.get(url).content)
    print(f"page : {url}")
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"candidats : {CandidateResult.objects.count()}, charge moyenne (1, 5, 15 min) : {load}")
    for label, kept in (("contenu gardé (lib.generations)", True), ("contenu recalculé", False)):
        cpu, wall = [], []
        for _ in range(args.requests):
            if not kept:
                cache.clear()  # what a request pays after a commission wrote what the page reads
            start, begin = time.process_time(), time.perf_counter()
            client.get(url)
            cpu.append((time.process_time() - start) * 1000)
            wall.append((time.perf_counter() - begin) * 1000)
        cpu.sort()
        p95 = cpu[round(0.95 * (len(cpu) - 1))]
        print(
            f"{label} : CPU médiane {statistics.median(cpu):.1f} ms, p95 {p95:.1f} ms (cible ≤ {TARGET_MS} ms), "
            f"durée réelle médiane {statistics.median(wall):.1f} ms, {len(queries)} requêtes SQL, HTML "
            f"{size / 1024:.0f} Ko ({args.requests} requêtes)"
        )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            cache.clear()
            client.get(url)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
