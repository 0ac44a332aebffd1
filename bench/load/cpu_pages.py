"""CPU time per request of the load benchmark's endpoints, in one process, on a copy of a prepared dataset.

On a machine with few cores the load benchmark's p95 ratios follow each page's CPU cost; this script gives that cost
directly, without the noise of a concurrent run, and can profile one endpoint:

    .venv/bin/python bench/load/cpu_pages.py [--db var/bench-load/cache/academie-….sqlite3] [--requests 30]
                                             [--profile passeport] [--top 30]

It copies the SQLite file to a temporary folder (the cache is never written) or, with ``--pg-url``, works on that
PostgreSQL database (the load benchmark's ``ndrc_load``, rebuilt by each run: autosave and grid_save write to it), where
``--explain`` adds, per endpoint, the server's planning and execution time of its queries (EXPLAIN ANALYZE of each
SELECT, the slowest to plan listed). Production settings (DEBUG off, cached templates), Django's test client with
``force_login`` as the first student and teacher of the load plan. Reads only, except ``autosave`` and ``grid_save``.
``--recompute`` empties the shared cache before each timed request (what ``lib.generations`` keeps is computed again, as
right after a commission's write). Prints median / p90 CPU ms (``time.process_time``), the number of SQL queries and the
median wall time (the database's work included: on PostgreSQL, a server process of its own) per endpoint.
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

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "bench-load" / "cache"


def setup(db: Path | None, pg_url: str = "") -> None:
    tmp = Path(tempfile.mkdtemp(prefix="ndrc-cpu-"))
    copy = tmp / "db.sqlite3"
    if not pg_url:
        shutil.copyfile(db, copy)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "ndrc.settings",
            "SQLITE_PATH": str(copy),
            "DEBUG": "false",
            "DEMO_MODE": "false",
            "SECRET_KEY": "cpu-pages-" + "x" * 50,
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "MEDIA_ROOT": str(tmp / "media"),
            "LOG_LEVEL": "ERROR",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    if pg_url:
        os.environ["DATABASE_URL"] = pg_url
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench" / "load"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest the production settings read


def endpoints():
    """(name, callable doing one request with the right client) for every endpoint of the load mix."""
    import json
    import re

    import plan as load_plan
    from django.contrib.auth import get_user_model
    from django.test import Client

    built = load_plan.build_plan("unused", 6)
    student, teacher = built["students"][0], built["teachers"][0]
    users = get_user_model().objects
    s_client, t_client = Client(), Client()
    s_client.force_login(users.get(username=student["username"]))
    t_client.force_login(users.get(username=teacher["username"]))
    fiche_url = f"/fiches/{student['fiche_id']}/"
    commission = teacher["commission_id"]
    grid_student = (teacher["grid_students"] or [teacher["first_student"]])[0]
    grid_url = f"/commissions/{commission}/candidats/{grid_student}/grille/"

    from htmlforms import encode, field, parse_form

    state = {}

    def editor_form():
        html = s_client.get(fiche_url).content.decode()
        state["form"] = parse_form(html, lambda attrs: attrs.get("id") == "fiche-editor")

    def autosave():
        form = state["form"]
        rubric = next(f for f in form.fields if f[0].startswith("recto__"))
        rubric[1] = (rubric[1].rstrip() + " mot")[-800:]
        response = s_client.post(
            fiche_url + "enregistrement-auto/",
            data=encode(form),
            content_type="application/x-www-form-urlencoded",
            headers={"Accept": "application/json"},
        )
        data = json.loads(response.content)
        assert data.get("status") == "saved", data
        field(form, "base_version")[1] = str(data["version"])
        return response

    def grid_save():
        html = t_client.get(grid_url).content.decode()
        form = parse_form(html, lambda attrs: "grid-form" in (attrs.get("class") or ""))
        criterion = sorted(form.radios)[0]
        choices = [v for v in form.radios[criterion] if v]
        current = field(form, criterion)
        level = choices[0] if current is None or current[1] != choices[0] else choices[1]
        if current is None:
            form.fields.append([criterion, level])
        else:
            current[1] = level
        return t_client.post(grid_url, data=encode(form), content_type="application/x-www-form-urlencoded")

    editor_form()
    assert re.search(r"\d", str(field(state["form"], "base_version"))), "formulaire de fiche introuvable"
    return [
        ("baseline", lambda: s_client.get("/moi/")),
        ("baseline_teacher", lambda: t_client.get("/moi/")),
        ("fiche_editor", lambda: s_client.get(fiche_url)),
        ("autosave", autosave),
        ("passeport", lambda: s_client.get(f"/etudiants/{student['student_id']}/passeport/")),
        ("cohort", lambda: t_client.get(f"/classes/{teacher['cohort_id']}/suivi/")),
        ("profiles", lambda: t_client.get(f"/commissions/{commission}/profils/")),
        ("grid", lambda: t_client.get(grid_url)),
        ("grid_save (GET+POST)", grid_save),
        ("packs", lambda: t_client.get(f"/commissions/{commission}/dossiers-evaluation/")),
        ("todo (page)", lambda: t_client.get("/a-faire/")),
    ]


def print_explain(name: str, queries: list) -> None:
    """The server's planning and execution time of each SELECT of one request (EXPLAIN ANALYZE, run twice)."""
    import re

    from django.db import connection

    timed = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            for _ in range(2):  # the second run, with warm caches
                cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + sql, params)
                text = "\n".join(row[0] for row in cursor.fetchall())
            planning = float(re.search(r"Planning Time: ([\d.]+)", text).group(1))
            execution = float(re.search(r"Execution Time: ([\d.]+)", text).group(1))
            timed.append((planning, execution, sql))
    print(
        f"{name:22} PostgreSQL : planification {sum(t[0] for t in timed):5.1f} ms, "
        f"exécution {sum(t[1] for t in timed):5.1f} ms ({len(timed)} SELECT)"
    )
    for planning, execution, sql in sorted(timed, reverse=True)[:3]:
        print(f"    {planning:5.2f} + {execution:5.2f} ms  {sql[:150]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", default="")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--only", default="")
    parser.add_argument(
        "--recompute",
        action="store_true",
        help="empty the shared cache before each request: what lib.generations keeps is computed again",
    )
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request per endpoint")
    parser.add_argument("--pg-url", default="", help="a PostgreSQL database with the dataset (written to)")
    parser.add_argument("--explain", action="store_true", help="PostgreSQL: planning and execution time per endpoint")
    args = parser.parse_args()
    db = None if args.pg_url else args.db or max(CACHE.glob("academie-s42-*.sqlite3"), key=lambda p: p.stat().st_mtime)
    setup(db, args.pg_url)
    from django.core.cache import caches
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    print(f"base : {db.name if db else args.pg_url.rsplit('/', 1)[-1]}")
    for name, call in endpoints():
        if args.only and name not in args.only.split(","):
            continue
        for _ in range(3):
            response = call()
            assert response.status_code in (200, 302), (name, response.status_code)
        samples = []
        executed.clear()
        with connection.execute_wrapper(count):
            call()
        queries = list(executed)
        if args.explain and connection.vendor == "postgresql":
            explained = []

            def explain(execute, sql, params, many, context, explained=explained):
                if sql.lstrip().upper().startswith("SELECT"):
                    explained.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(explain):
                call()
            print_explain(name, explained)
        if args.sql:
            print(f"--- {name}", *(f"  {sql[:200]}" for sql in queries), sep="\n")
        walls = []
        for _ in range(args.requests):
            if args.recompute:
                caches["shared"].clear()  # outside the timing: a commission has just written
            start, wall = time.process_time(), time.perf_counter()
            call()
            samples.append((time.process_time() - start) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
        samples.sort()
        p90 = samples[int(0.9 * (len(samples) - 1))]
        print(
            f"{name:22} médiane {statistics.median(samples):6.1f} ms  p90 {p90:6.1f} ms  {len(queries):3} requêtes"
            f"  (durée réelle, base comprise : médiane {statistics.median(walls):6.1f} ms)"
        )
        if args.profile and name == args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                call()
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            project = r"main/(?!\.venv)|template/(loader_tags|defaulttags)|forms/(boundfield|widgets|renderers)"
            stats.print_stats(project, args.top)
            stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
