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
import datetime
import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
from pathlib import Path

from load_common import BIN, CACHE, DEFAULT_PG_URL, ROOT, WORK, log
from load_database import (
    backend_version,
    manage,
    pg_table_stats,
    prepare_postgresql,
    prepare_sqlite,
    run_script,
    seq_scans,
    server_env,
    task_counts,
)
from load_processes import CpuSampler, children, memory_kib, pids_named, port_free, start, stop, wait_ready
from load_report import machine, markdown, read_failures, read_state, read_stats, read_timings, scan_logs

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
