# ruff: noqa: S603, S607 - launching local processes (manage.py, gunicorn, locust, pg_dump) is this script's job
"""Load benchmark: the app under gunicorn with its task worker, loaded by locust, on SQLite or PostgreSQL.

    .venv/bin/python bench/load/run.py --backend postgresql --preset academie --users 50 --run-time 90s
    .venv/bin/python bench/load/run.py --backend sqlite --writers 20            # only writes, 20 users
    .venv/bin/python bench/load/run.py --backend postgresql --instances 2       # two gunicorn, one database
    .venv/bin/python bench/load/run.py --report var/bench-load/runs/<run>     # rewrite a run's report.md

Steps: prepare a fresh database (a new SQLite file, or a new PostgreSQL database ``ndrc_load``), migrate, generate
the dataset (``manage.py generate_dataset``; with ``--reuse`` a cached copy is restored instead: the SQLite file, or
a ``pg_dump -Fc`` of the PostgreSQL database, under var/bench-load/cache/, keyed by preset, seed and a hash of the
migrations and of dataset/), collectstatic, write the plan (bench/load/plan.py), start the task worker and gunicorn
(production settings: DEBUG off, DEMO_MODE off, a random SECRET_KEY, plain HTTP allowed on 127.0.0.1 only through
the settings' own toggles), run locust headless (bench/load/locustfile.py), read each gunicorn worker's peak memory
(VmHWM), stop everything, scan the logs for « database is locked » and server errors, check that no acknowledged
write was lost (bench/load/verify.py) and write report.md + results.json in the run's folder
(var/bench-load/runs/<date>-<backend>-<mode>/). Nothing here touches var/db.sqlite3 (the demo's database).
"""

import argparse
import csv
import datetime
import hashlib
import json
import os
import platform
import secrets
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORK = ROOT / "var" / "bench-load"
CACHE = WORK / "cache"
DEFAULT_PG_URL = "postgresql://ndrc:ndrc-ci-local-only@127.0.0.1:5432/ndrc_load"
ENDPOINT_ORDER = [
    "autosave",
    "grid_save",
    "grid",
    "fiche_editor",
    "passeport",
    "cohort",
    "profiles",
    "packs",
    "pack_request",
    "baseline",
    "baseline_teacher",
    "login_page",
    "login",
]
NOT_HOT = {"baseline", "baseline_teacher", "login_page", "login"}
TEACHER_PAGES = {"grid_save", "grid", "cohort", "profiles", "packs", "pack_request"}
MAX_RATIO = 3.0
AUTOSAVE_P95_MS = 150


def log(message: str) -> None:
    print(f"[{datetime.datetime.now().astimezone():%H:%M:%S}] {message}", flush=True)


# --- Environment ---------------------------------------------------------------------------------------------------


def server_env(args, run_dir: Path, db_url: str | None, sqlite_path: Path | None) -> dict:
    """Production-like settings, over plain HTTP on the loopback (the settings' own toggles, nothing patched)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ndrc.settings",
            "DEBUG": "false",
            "DEMO_MODE": "true" if args.preset == "demo" else "false",
            "SECRET_KEY": args.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(WORK / "static"),
            "MEDIA_ROOT": str(run_dir / "media"),
            "OUTBOX_DELIVERY_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(run_dir / "mail"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if db_url:
        env["DATABASE_URL"] = db_url
    if sqlite_path:
        env["SQLITE_PATH"] = str(sqlite_path)
    return env


def manage(env: dict, *command: str, quiet: bool = False) -> None:
    cmd = [str(BIN / "python"), "manage.py", *command]
    log("$ " + " ".join(shlex.quote(c) for c in cmd[1:]))
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL if quiet else None)


def run_script(env: dict, script: str, *arguments: str) -> None:
    subprocess.run([str(BIN / "python"), script, *arguments], cwd=ROOT, env=env, check=True)


# --- Database ------------------------------------------------------------------------------------------------------


def dataset_key(args) -> str:
    """Preset, seed and a hash of the generator's code (dataset/); migrations run again after a restore."""
    digest = hashlib.sha1(usedforsecurity=False)
    files = sorted((ROOT / "dataset").rglob("*.py")) if args.preset != "demo" else [ROOT / "accounts" / "demo.py"]
    for path in files:
        if "tests" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return f"{args.preset}-s{args.seed}-{digest.hexdigest()[:10]}"


def cached_dataset(args, suffix: str) -> Path | None:
    """With --reuse: the cache of this generator version, else the newest one of the same preset and seed."""
    exact = CACHE / f"{dataset_key(args)}{suffix}"
    if not args.reuse:
        return None
    if exact.exists():
        return exact
    others = sorted(CACHE.glob(f"{args.preset}-s{args.seed}-*{suffix}"), key=lambda p: p.stat().st_mtime)
    others = [p for p in others if ".building" not in p.name]
    if others:
        log(f"ATTENTION : pas de cache pour la version actuelle du générateur ; reprise de {others[-1].name}")
        return others[-1]
    return None


def generate(args, env: dict) -> None:
    manage(env, "migrate", "--noinput", quiet=True)
    started = time.monotonic()
    if args.preset == "demo":
        manage({**env, "DEMO_MODE": "true"}, "load_demo")
    else:
        manage(env, "generate_dataset", "--preset", args.preset, "--seed", str(args.seed), "--password", args.password)
    log(f"jeu de données « {args.preset} » généré en {time.monotonic() - started:.0f} s")


def prepare_sqlite(args, run_dir: Path) -> Path:
    target = run_dir / "db.sqlite3"
    cached = cached_dataset(args, ".sqlite3")
    if cached is None:
        cached = CACHE / f"{dataset_key(args)}.sqlite3"
        building = CACHE / f"{cached.stem}.building.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        generate(args, server_env(args, run_dir, None, building))
        with sqlite3.connect(building) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("ANALYZE")
        building.rename(cached)
        for suffix in ("-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
    else:
        log(f"base SQLite reprise du cache : {cached.name}")
    shutil.copyfile(cached, target)
    args.dataset_file = cached.name
    manage(server_env(args, run_dir, None, target), "migrate", "--noinput", quiet=True)
    return target


def _pg_admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def _pg_execute(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def prepare_postgresql(args, run_dir: Path) -> str:
    url = args.pg_url
    name = urlsplit(url).path.lstrip("/")
    _pg_execute(_pg_admin_url(url), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    env = server_env(args, run_dir, url, None)
    cached = cached_dataset(args, ".pgdump")
    if cached is not None:
        log(f"base PostgreSQL restaurée du cache : {cached.name}")
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", url, str(cached)], check=True)
        manage(env, "migrate", "--noinput", quiet=True)
    else:
        cached = CACHE / f"{dataset_key(args)}.pgdump"
        generate(args, env)
        subprocess.run(["pg_dump", "-Fc", "-f", f"{cached}.tmp", url], check=True)
        Path(f"{cached}.tmp").rename(cached)
    args.dataset_file = cached.name
    _pg_execute(url, "ANALYZE")
    return url


# --- Processes -----------------------------------------------------------------------------------------------------


def start(cmd: list[str], env: dict, logfile: Path, *, nice: int = 0) -> subprocess.Popen:
    handle = open(logfile, "ab")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    if nice:
        # With the kernel's autogroup scheduling (sched_autogroup_enabled = 1) a process in its own session is weighed
        # against the others by its autogroup's niceness: `nice` alone would change nothing for the web workers.
        try:
            Path(f"/proc/{process.pid}/autogroup").write_text(str(nice))
        except OSError:
            pass
    return process


def port_free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def wait_ready(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - http://127.0.0.1 only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} ne répond pas après {timeout:.0f} s")


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def memory_kib(pid: int) -> dict:
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


class CpuSampler(threading.Thread):
    """Who used the two cores during the load: gunicorn, the task worker, locust, PostgreSQL, everything else.

    Samples /proc once a second; the machine is shared, so « others » says how noisy the run was.
    """

    def __init__(self, groups: dict, path: Path):
        super().__init__(daemon=True)
        self.groups = groups  # name -> callable returning pids
        self.path = path
        self.stop_event = threading.Event()
        self.totals = {name: 0.0 for name in [*groups, "others", "idle"]}
        self.seconds = 0.0

    @staticmethod
    def _proc_ticks(pid: int) -> int:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            return 0

    @staticmethod
    def _system() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(values), values[3] + values[4]

    def _snapshot(self) -> tuple[dict, int, int]:
        ticks = {name: {pid: self._proc_ticks(pid) for pid in pids()} for name, pids in self.groups.items()}
        total, idle = self._system()
        return ticks, total, idle

    def run(self) -> None:
        before, total0, idle0 = self._snapshot()
        with open(self.path, "w", encoding="utf-8") as out:
            out.write("time," + ",".join(self.totals) + "\n")
            while not self.stop_event.wait(1.0):
                after, total1, idle1 = self._snapshot()
                elapsed = max(total1 - total0, 1)
                cores = os.cpu_count() or 1
                row = {}
                for name in self.groups:
                    used = sum(t - before[name].get(pid, t) for pid, t in after[name].items())
                    row[name] = used / elapsed * cores
                row["idle"] = (idle1 - idle0) / elapsed * cores
                row["others"] = max(0.0, cores - row["idle"] - sum(row[name] for name in self.groups))
                for name, value in row.items():
                    self.totals[name] += value
                self.seconds += 1
                out.write(f"{time.time():.0f}," + ",".join(f"{row[n]:.2f}" for n in self.totals) + "\n")
                before, total0, idle0 = after, total1, idle1

    def summary(self) -> dict:
        """Average number of cores busy per group over the sampled seconds."""
        return {name: round(value / self.seconds, 2) for name, value in self.totals.items()} if self.seconds else {}


def pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


# --- Report --------------------------------------------------------------------------------------------------------


def read_stats(prefix: Path) -> dict[str, dict]:
    stats = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue

            def number(key, row=row):
                value = row.get(key, "")
                return float(value) if value not in ("", "N/A") else None

            stats[row["Name"]] = {
                "method": row["Type"],
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50": number("50%"),
                "p95": number("95%"),
                "p99": number("99%"),
                "mean": number("Average Response Time"),
                "rps": number("Requests/s"),
            }
    return stats


def read_failures(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        return [
            {"method": r["Method"], "name": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])}
            for r in csv.DictReader(handle)
        ]


def percentile(values: list[float], q: float) -> float | None:
    values = sorted(values)
    if not values:
        return None
    return values[min(len(values) - 1, max(0, int(round(q * len(values) + 0.5)) - 1))]


def read_timings(path: Path, start: float, end: float | None) -> dict[str, dict]:
    """Per-endpoint figures from every request that *started* inside the measured window.

    Locust's own statistics, even reset once everyone is logged in, still count the requests that were in flight
    during the login burst; these figures do not, and their percentiles are exact (nearest rank), not bucketed.
    """
    timings: dict[str, list[float]] = {}
    failures: dict[str, int] = {}
    with open(path, encoding="utf-8") as handle:
        for started, name, ms, failed in csv.reader(handle):
            if float(started) < start or (end is not None and float(started) > end):
                continue
            timings.setdefault(name, []).append(float(ms))
            failures[name] = failures.get(name, 0) + int(failed)
    return {
        name: {
            "method": "",
            "requests": len(values),
            "errors": failures[name],
            "p50": percentile(values, 0.50),
            "p95": percentile(values, 0.95),
            "p99": percentile(values, 0.99),
            "mean": sum(values) / len(values),
            "rps": None,
        }
        for name, values in timings.items()
        if name not in ("login", "login_page")
    }


def read_state(path: Path, stats: dict) -> dict:
    """The login timings (kept apart from the measured window) and the window's length."""
    if not path.exists():
        return {}
    state = json.loads(path.read_text(encoding="utf-8"))
    for name, timings in state["logins"].items():
        ok = [t for t in timings if t is not None]
        stats[name] = {
            "method": "POST" if name == "login" else "GET",
            "requests": len(timings),
            "errors": len(timings) - len(ok),
            "p50": percentile(ok, 0.50),
            "p95": percentile(ok, 0.95),
            "p99": percentile(ok, 0.99),
            "mean": sum(ok) / len(ok) if ok else None,
            "rps": None,
        }
    window = state["ended_at"] - (state["reset_at"] or state["started_at"])
    return {"window_s": round(window), "reset": state["reset_at"] is not None}


def scan_logs(paths: list[Path]) -> dict:
    counts = {"database is locked": 0, "Traceback": 0, "Internal Server Error": 0, "WORKER TIMEOUT": 0}
    for path in paths:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for needle in counts:
            counts[needle] += text.count(needle)
    return counts


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem_kib = int(line.split()[1])
    import django

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "kernel": platform.release(),
    }


def _ms(value) -> str:
    return "—" if value is None else f"{value:.0f}"


def endpoint_rows(stats: dict) -> list[tuple[str, dict]]:
    names = [n for n in ENDPOINT_ORDER if n in stats] + sorted(n for n in stats if n not in ENDPOINT_ORDER)
    return [(name, stats[name]) for name in names]


def verdicts(results: dict) -> list[str]:
    stats = results["stats"]
    lines = []
    base = stats.get("baseline", {}).get("p95")
    if results["mode"] == "mix" and base:
        over = [
            f"{name} ({row['p95'] / base:.1f}×)"
            for name, row in stats.items()
            if name not in NOT_HOT
            and row["p95"] is not None
            and row["requests"] >= 20
            and row["p95"] > MAX_RATIO * base
        ]
        lines.append(
            f"p95 ≤ {MAX_RATIO:.0f}× la référence : "
            + ("tenu pour tous les points chauds" if not over else "DÉPASSÉ — " + ", ".join(over))
        )
    autosave = stats.get("autosave", {}).get("p95")
    if autosave is not None:
        ok = autosave <= AUTOSAVE_P95_MS
        lines.append(f"autosave p95 = {autosave:.0f} ms ({'≤' if ok else '>'} {AUTOSAVE_P95_MS} ms)")
    errors = sum(row["errors"] for row in stats.values())
    lines.append(
        f"erreurs : {errors} ; « database is locked » dans les journaux : {results['logs']['database is locked']}"
    )
    lost = results.get("verify", {}).get("lost")
    if lost is not None:
        lines.append(f"écritures acquittées perdues : {lost}")
    return lines


def markdown(results: dict) -> str:
    m = results["machine"]
    out = [
        f"### {results['title']}",
        "",
        f"- Date : {results['date']} ; durée {results['run_time']}, {results['users']} utilisateurs "
        f"(montée {results['spawn_rate']}/s), mode « {results['mode']} » ; fenêtre mesurée : "
        f"{results['window'].get('window_s', '?')} s, à partir du moment où tous les utilisateurs sont connectés : "
        "seules les requêtes parties dans cette fenêtre comptent, percentiles exacts (rang le plus proche) ; les "
        "connexions, mesurées à part, sont les lignes login",
        f"- Machine : {m['nproc']} cœurs (nproc), {m['cpu']}, {m['ram_gib']} Gio ; Python {m['python']}, "
        f"Django {m['django']}, {results['backend_version']} ; charge moyenne au début {results['load_before']}, "
        f"à la fin {results['load_after']}",
        f"- Commande : `{results['command']}`",
        f"- Serveur : {results['instances']} instance(s) gunicorn × {results['workers']} workers "
        f"(sync, {results['threads']} thread(s)) + 1 worker de tâches (`db_worker`, nice {results['worker_nice']}) ; "
        f"jeu « {results['preset']} » (graine {results['seed']}, {results.get('dataset_file', '?')})",
        "",
        "| Point | Requêtes | Erreurs | p50 (ms) | p95 (ms) | p99 (ms) | p95 ÷ p95 référence "
        "| p95 ÷ p95 /moi/ enseignant |",
        "|---|---|---|---|---|---|---|---|",
    ]
    base = results["stats"].get("baseline", {}).get("p95")
    teacher_base = results["stats"].get("baseline_teacher", {}).get("p95")
    for name, row in endpoint_rows(results["stats"]):
        measured = name not in ("login", "login_page")  # the login burst: outside the window, no ratio
        ratio = f"{row['p95'] / base:.2f}" if measured and base and row["p95"] is not None else "—"
        teacher_ratio = "—"
        if teacher_base and row["p95"] is not None and (name in TEACHER_PAGES or name == "baseline_teacher"):
            teacher_ratio = f"{row['p95'] / teacher_base:.2f}"
        label = {"baseline": "baseline (référence : /moi/ étudiant)", "baseline_teacher": "/moi/ enseignant"}.get(
            name, name
        )
        out.append(
            f"| {label} | {row['requests']} | {row['errors']} | {_ms(row['p50'])} | {_ms(row['p95'])} | "
            f"{_ms(row['p99'])} | {ratio} | {teacher_ratio} |"
        )
    out.append("")
    memory = results["memory"]
    for instance, workers in memory["gunicorn"].items():
        peaks = ", ".join(f"{w['VmHWM'] / 1024:.0f}" for w in workers if "VmHWM" in w)
        out.append(f"- Mémoire de pointe (VmHWM) des workers gunicorn, instance {instance} : {peaks} Mio")
    if memory.get("task_worker"):
        out.append(f"- Mémoire de pointe du worker de tâches : {memory['task_worker'].get('VmHWM', 0) / 1024:.0f} Mio")
    cpu = results.get("cpu")
    if cpu:
        out.append(
            "- Cœurs occupés en moyenne pendant la course (sur "
            f"{m['nproc']}) : gunicorn {cpu['gunicorn']}, worker de tâches {cpu['task_worker']}, locust "
            f"{cpu['locust']}, PostgreSQL {cpu['postgresql']}, autres processus de la machine {cpu['others']}, "
            f"inoccupés {cpu['idle']}"
        )
    if results.get("seq_scans"):
        out.append(
            "- Lectures séquentielles pendant la charge (PostgreSQL, table : parcours × lignes lues / lignes) : "
            + ", ".join(f"{r['table']} {r['seq_scans']}×{r['rows_read']}/{r['rows']}" for r in results["seq_scans"])
        )
    logs = results["logs"]
    out.append(
        f"- Journaux : « database is locked » × {logs['database is locked']}, Traceback × {logs['Traceback']}, "
        f"WORKER TIMEOUT × {logs['WORKER TIMEOUT']}"
    )
    verify = results.get("verify")
    if verify:
        out.append(
            f"- Écritures acquittées : {verify['autosaves_acknowledged']} autosaves ({verify['fiches']} fiches), "
            f"{verify['grid_saves_acknowledged']} grilles ; perdues : {verify['lost']}"
        )
    tasks = results.get("tasks")
    if tasks:
        out.append("- Tâches en fin de course : " + ", ".join(f"{k} {v}" for k, v in sorted(tasks.items())))
    for failure in results["failures"][:10]:
        out.append(f"- Échec {failure['method']} {failure['name']} × {failure['count']} : {failure['error'][:160]}")
    out += ["", *[f"- **{line}**" for line in verdicts(results)], ""]
    return "\n".join(out)


def task_counts(env: dict) -> dict:
    code = (
        "import json; from django.db.models import Count; from django_tasks_db.models import DBTaskResult; "
        "rows = DBTaskResult.objects.values('status').annotate(n=Count('pk')); "
        "print(json.dumps({r['status']: r['n'] for r in rows}))"
    )
    out = subprocess.run(
        [str(BIN / "python"), "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {}


TABLE_STATS = "SELECT relname, seq_scan, seq_tup_read, COALESCE(idx_scan, 0), n_live_tup FROM pg_stat_user_tables"


def pg_table_stats(db_url: str | None) -> dict:
    if not db_url:
        return {}
    import psycopg

    with psycopg.connect(db_url) as connection:
        return {row[0]: row[1:] for row in connection.execute(TABLE_STATS).fetchall()}


def seq_scans(before: dict, after: dict, limit: int = 8) -> list[dict]:
    """Tables read sequentially during the load, most rows read first: where an index may be missing."""
    rows = []
    for table, (seq, tup, idx, live) in after.items():
        seq0, tup0, idx0, _ = before.get(table, (0, 0, 0, 0))
        if seq - seq0 > 0:
            rows.append(
                {
                    "table": table,
                    "seq_scans": seq - seq0,
                    "rows_read": tup - tup0,
                    "idx_scans": idx - idx0,
                    "rows": live,
                }
            )
    return sorted(rows, key=lambda r: -r["rows_read"])[:limit]


def backend_version(args, db_url: str | None) -> str:
    if args.backend == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} (WAL, BEGIN IMMEDIATE, busy_timeout 20 s)"
    import psycopg

    with psycopg.connect(db_url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
    return f"PostgreSQL {version}"


# --- Main ----------------------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--preset", default="academie", help="academie | small | tiny (generate_dataset) or demo")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--password", default="bench-ndrc-2027", help="the dataset's password (demo: demo-ndrc)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="90s")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per instance")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--instances", type=int, default=1, help="gunicorn instances on consecutive ports")
    parser.add_argument("--port", type=int, default=8731, help="first port (one per instance)")
    parser.add_argument("--writers", type=int, default=0, help="only writers (autosave + grid saves), this many")
    parser.add_argument("--worker-nice", type=int, default=19, help="niceness of the task worker (and its autogroup)")
    parser.add_argument("--pack-probability", type=float, default=0.05)
    parser.add_argument("--reuse", action="store_true", help="restore the cached dataset when there is one")
    parser.add_argument("--pg-url", default=os.environ.get("LOAD_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--label", default="")
    parser.add_argument("--prepare-only", action="store_true", help="build (or restore) the database, then stop")
    parser.add_argument("--keep-db", action="store_true", help="keep the run's SQLite copy after the run")
    args = parser.parse_args(argv)
    if args.preset == "demo" and args.password == "bench-ndrc-2027":  # noqa: S105 - the dataset's published one
        args.password = "demo-ndrc"  # noqa: S105 - the demo's published password
    args.secret_key = secrets.token_urlsafe(50)
    return args


def rerender(run_dir: Path) -> int:
    """Write report.md again from a run's results.json (after a change to the report's layout)."""
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    report = markdown(results)
    (run_dir / "report.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--report"]:
        return rerender(Path(argv[1]))
    args = parse_args(argv)
    # Stopped from outside (timeout, kill): leave through the `finally` that stops gunicorn and the worker.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    mode = "writers" if args.writers else "mix"
    users = args.writers or args.users
    stamp = datetime.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    suffix = f"{args.backend}-{mode}-{users}u-{args.instances}i" + (f"-{args.label}" if args.label else "")
    run_dir = WORK / "runs" / f"{stamp}-{suffix}"
    busy = [p for p in range(args.port, args.port + args.instances) if not port_free(p)]
    if busy:
        print(f"Port(s) déjà utilisé(s) : {busy} ; choisissez-en d'autres avec --port.", file=sys.stderr)
        return 2
    (run_dir / "media").mkdir(parents=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    command = ".venv/bin/python bench/load/run.py " + " ".join(shlex.quote(a) for a in argv)
    log(f"dossier de la course : {run_dir.relative_to(ROOT)}")

    if args.backend == "sqlite":
        sqlite_path, db_url = prepare_sqlite(args, run_dir), None
    else:
        sqlite_path, db_url = None, prepare_postgresql(args, run_dir)
    env = server_env(args, run_dir, db_url, sqlite_path)
    if args.prepare_only:
        log("base prête (--prepare-only) : pas de charge")
        return 0
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    run_script(env, "bench/load/plan.py", "--out", str(run_dir / "plan.json"), "--password", args.password)

    processes: list[subprocess.Popen] = []
    masters: dict[int, subprocess.Popen] = {}
    task_worker = None
    try:
        task_worker = start(
            ["nice", "-n", str(args.worker_nice), str(BIN / "python"), "manage.py", "db_worker", "--interval", "1"],
            env,
            run_dir / "worker.log",
            nice=args.worker_nice,
        )
        processes.append(task_worker)
        hosts = []
        for index in range(args.instances):
            port = args.port + index
            cmd = [
                str(BIN / "gunicorn"),
                "ndrc.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ]
            masters[port] = start(cmd, env, run_dir / f"gunicorn-{port}.log")
            processes.append(masters[port])
            hosts.append(f"http://127.0.0.1:{port}")
        for host in hosts:
            wait_ready(f"{host}/connexion/")
        log(f"serveurs prêts : {', '.join(hosts)}")

        load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        locust_env = {
            **env,
            "LOAD_PLAN": str(run_dir / "plan.json"),
            "LOAD_HOSTS": ",".join(hosts),
            "LOAD_ACKS": str(run_dir / "acks.jsonl"),
            "LOAD_STATE": str(run_dir / "state.json"),
            "LOAD_TIMINGS": str(run_dir / "timings.csv"),
            "LOAD_MODE": mode,
            "LOAD_PACK_PROBABILITY": str(args.pack_probability),
        }
        locust_cmd = [
            str(BIN / "locust"),
            "-f",
            "bench/load/locustfile.py",
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            args.run_time,
            "--host",
            hosts[0],
            "--csv",
            str(run_dir / "locust"),
            "--only-summary",
            "--stop-timeout",
            "10",
            "--exit-code-on-error",
            "0",
            "--loglevel",
            "WARNING",
            "--logfile",
            str(run_dir / "locust.log"),
        ]
        table_stats_before = pg_table_stats(db_url)
        log(f"locust : {users} utilisateurs, {args.run_time}")
        locust = subprocess.Popen(locust_cmd, cwd=ROOT, env=locust_env, stdout=subprocess.DEVNULL)
        sampler = CpuSampler(
            {
                "gunicorn": lambda: [pid for master in masters.values() for pid in [master.pid, *children(master.pid)]],
                "task_worker": lambda: [task_worker.pid],
                "locust": lambda: [locust.pid],
                "postgresql": lambda: pids_named("postgres"),
            },
            run_dir / "cpu.csv",
        )
        sampler.start()
        if locust.wait() != 0:
            raise RuntimeError("locust a échoué (voir locust.log)")
        sampler.stop_event.set()
        sampler.join()
        load_after = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        table_scans = seq_scans(table_stats_before, pg_table_stats(db_url))

        memory = {"gunicorn": {}, "task_worker": {}}
        for port, master in masters.items():
            memory["gunicorn"][port] = [{"pid": pid, **memory_kib(pid)} for pid in children(master.pid)]
        # The worker runs under `nice`, which execs: the pid is the worker's.
        memory["task_worker"] = memory_kib(task_worker.pid)
    finally:
        for process in reversed(processes):
            stop(process)

    logs = scan_logs([run_dir / f"gunicorn-{port}.log" for port in masters] + [run_dir / "worker.log"])
    run_script(
        env, "bench/load/verify.py", "--acks", str(run_dir / "acks.jsonl"), "--json", str(run_dir / "verify.json")
    )
    verify = json.loads((run_dir / "verify.json").read_text(encoding="utf-8"))
    task_summary = task_counts(env)
    if sqlite_path and not args.keep_db:
        for suffix in ("", "-wal", "-shm"):  # a 300 MB copy per run: the cache keeps the original
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    title = {
        ("sqlite", "mix"): "SQLite",
        ("postgresql", "mix"): "PostgreSQL",
        ("sqlite", "writers"): "SQLite, écrivains seulement",
        ("postgresql", "writers"): "PostgreSQL, écrivains seulement",
    }[(args.backend, mode)]
    if args.instances > 1:
        title += f", {args.instances} instances gunicorn sur une même base et un même dossier media"
    stats = read_stats(run_dir / "locust")
    state = json.loads((run_dir / "state.json").read_text(encoding="utf-8"))
    if state.get("reset_at"):
        stats = read_timings(run_dir / "timings.csv", state["reset_at"], state.get("ended_at"))
    window = read_state(run_dir / "state.json", stats)
    results = {
        "window": window,
        "title": f"{title} — {users} utilisateurs" + (f" ({args.label})" if args.label else ""),
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z"),
        "command": command,
        "backend": args.backend,
        "backend_version": backend_version(args, db_url),
        "preset": args.preset,
        "seed": args.seed,
        "dataset_file": args.dataset_file,
        "mode": mode,
        "users": users,
        "spawn_rate": args.spawn_rate,
        "run_time": args.run_time,
        "instances": args.instances,
        "workers": args.workers,
        "threads": args.threads,
        "worker_nice": args.worker_nice,
        "machine": machine(),
        "load_before": load_before,
        "load_after": load_after,
        "stats": stats,
        "failures": read_failures(run_dir / "locust"),
        "memory": memory,
        "logs": logs,
        "verify": verify,
        "tasks": task_summary,
        "cpu": sampler.summary(),
        "seq_scans": table_scans,
    }
    (run_dir / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    report = markdown(results)
    (run_dir / "report.md").write_text(report, encoding="utf-8")
    print(report)
    log(f"rapport : {(run_dir / 'report.md').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
