# ruff: noqa: S603, S607 - launching local processes (manage.py, gunicorn, locust, pg_dump) is this module's job
"""Starting, watching and stopping the load benchmark's processes (gunicorn, the task worker, locust)."""

import os
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from load_common import ROOT

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
