"""Virtual users of the load benchmark: students typing in their fiche, teachers filling grids, the académie's
inspector reading the harmonisation page (a fixed, light count), and the baseline.

Driven by bench/load/run.py, which prepares the database, writes the plan (bench/load/plan.py) and sets:
- LOAD_PLAN: the plan's JSON file (accounts, fiches, commissions, candidates);
- LOAD_HOSTS: comma-separated base URLs; virtual user n talks to host n % len(hosts) (two instances, one database);
- LOAD_ACKS: where to append every acknowledged write (JSON lines), for the no-lost-write check afterwards;
- LOAD_MODE: « mix » (the realistic mix) or « writers » (only writes: autosaves and grid saves);
- LOAD_PACK_PROBABILITY: chance that a teacher's visit of the packs page also requests their build (once per user);
- LOAD_STATE: where to write, at the end, the login timings and when the measured window started;
- LOAD_TIMINGS: where to write every request (start time, name, ms, failed) as CSV, for a timeline;
- LOAD_INSPECTORS: how many inspectors (default 1; 0, or no inspector in the plan, leaves them out).

The statistics are reset once every virtual user has logged in and opened its first page: logging 50 people in at
once (PBKDF2, on purpose slow) is a burst that would otherwise colour every endpoint's percentiles. The login
timings are kept apart (LOAD_STATE) and reported on their own lines.

Every request is named by endpoint (autosave, grid_save, cohort, profiles, passeport, baseline…) so the report gives
one line per endpoint; « baseline » is GET /moi/ (the session row and the user row), requested by every user at the
rate of a typical page so that its percentiles come from the same run and every figure can be read as a ratio.
Each virtual user has its own account: no two users type in the same fiche or fill the same grid, so a conflict
(HTTP 409) is an error of the system under test, never of the benchmark.
"""

import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from urllib.parse import urlencode

from htmlforms import encode, field, parse_form
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
HOSTS = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]
MODE = os.environ.get("LOAD_MODE", "mix")
ACKS_PATH = os.environ.get("LOAD_ACKS", "")
STATE_PATH = os.environ.get("LOAD_STATE", "")
PACK_PROBABILITY = float(os.environ.get("LOAD_PACK_PROBABILITY", "0.05"))
STUDENT_WEIGHT = int(os.environ.get("LOAD_STUDENT_WEIGHT", "4"))
TEACHER_WEIGHT = int(os.environ.get("LOAD_TEACHER_WEIGHT", "1"))
# The académie's inspection: a light load, a fixed number of users whatever --users (0 to leave them out).
INSPECTORS = int(os.environ.get("LOAD_INSPECTORS", "1"))

_student_index = itertools.count()
_teacher_index = itertools.count()
_inspector_index = itertools.count()
_user_index = itertools.count()
_acks_lock = threading.Lock()
_acks_file = open(ACKS_PATH, "a", encoding="utf-8") if ACKS_PATH else None  # noqa: SIM115


def record_ack(**fields) -> None:
    if _acks_file is None:
        return
    with _acks_lock:
        _acks_file.write(json.dumps(fields) + "\n")
        _acks_file.flush()


_state = {"started_at": time.time(), "reset_at": None, "users_started": 0, "logins": {"login_page": [], "login": []}}
_environment = None


@events.init.add_listener
def _remember_environment(environment, **kwargs):
    global _environment
    _environment = environment


_timings_file = open(os.environ["LOAD_TIMINGS"], "w", encoding="utf-8") if os.environ.get("LOAD_TIMINGS") else None  # noqa: SIM115


@events.request.add_listener
def _keep_login_timings(name, response_time, exception, start_time=None, **kwargs):
    if name in _state["logins"]:
        _state["logins"][name].append(None if exception else response_time)
    if _timings_file is not None:
        # Every request, for a timeline of the run (when did the slow ones happen?): start, name, ms, failed.
        _timings_file.write(f"{start_time or time.time():.3f},{name},{response_time:.1f},{1 if exception else 0}\n")


def user_started() -> None:
    """Called at the end of each user's on_start: once all are in, the measured window begins."""
    _state["users_started"] += 1
    runner = _environment.runner if _environment else None
    target = getattr(runner, "target_user_count", None) or 0
    if _state["reset_at"] is None and target and _state["users_started"] >= target:
        runner.stats.reset_all()
        _state["reset_at"] = time.time()


@events.quitting.add_listener
def _close_files(environment, **kwargs):
    if _acks_file is not None:
        _acks_file.close()
    if _timings_file is not None:
        _timings_file.close()
    if STATE_PATH:
        _state["ended_at"] = time.time()
        with open(STATE_PATH, "w", encoding="utf-8") as handle:
            json.dump(_state, handle)


FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MESSAGE = re.compile(
    r'<p class="message message-[a-z]+">(.*?)</p>|<ul class="errorlist[^"]*">(.*?)</ul>|role="alert">(.*?)</div>', re.S
)


def page_messages(html: str) -> str:
    """The flash messages and form errors of a page, to explain a refused form in the failure report."""
    found = [re.sub(r"<[^>]+>", " ", a or b or c).strip() for a, b, c in MESSAGE.findall(html or "")]
    return " | ".join(found)[:200]


class PortalUser(FastHttpUser):
    """Logs in through the login form (CSRF included) on its own account, on its host."""

    abstract = True
    # A person reads or types between two requests: 2 to 6 s (the writers below: 0.5 to 1.5 s, a stress test).
    wait_time = between(2, 6)
    account: dict
    kind = ""

    def __init__(self, environment):
        index = next(_user_index)
        if HOSTS:
            self.host = HOSTS[index % len(HOSTS)]
        super().__init__(environment)
        self.index = index
        self.csrf = ""

    def pick_account(self, accounts: list[dict], counter) -> dict:
        n = next(counter)
        if n >= len(accounts):
            # More virtual users than accounts: they would share fiches and grids and conflict by design.
            user_started()
            raise StopUser()
        return accounts[n]

    def login(self) -> None:
        page = self.client.get("/connexion/", name="login_page")
        token = CSRF_INPUT.search(page.text or "")
        self.csrf = token.group(1) if token else ""
        body = urlencode(
            {"username": self.account["username"], "password": PLAN["password"], "csrfmiddlewaretoken": self.csrf}
        )
        with self.client.post(
            "/connexion/", data=body, headers=FORM_HEADERS, name="login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"connexion refusée ({response.status_code}) pour {self.account['username']}")
                raise StopUser()

    def remember_csrf(self, html: str) -> None:
        token = CSRF_INPUT.search(html or "")
        if token:
            self.csrf = token.group(1)

    def get_page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return ""
            html = response.text or ""
            self.remember_csrf(html)
            return html

    @task(1)
    def baseline(self):
        # A teacher's page also computes the navigation's « À faire (N) » counter (jury to-do list): their /moi/ is
        # reported apart, « baseline_teacher »; « baseline » is the students' one, the page that reads one row.
        self.get_page("/moi/", "baseline" if self.kind == "student" else f"baseline_{self.kind}")


class StudentUser(PortalUser):
    """A student typing in one of their fiches: the editor saves every few seconds (autosave), with the version."""

    weight = STUDENT_WEIGHT
    kind = "student"

    def on_start(self):
        self.account = self.pick_account(PLAN["students"], _student_index)
        self.fiche_url = f"/fiches/{self.account['fiche_id']}/"
        self.autosave_url = f"{self.fiche_url}enregistrement-auto/"
        self.rubric = None
        try:
            self.login()
            self.open_editor()
        finally:
            user_started()

    def open_editor(self) -> None:
        html = self.get_page(self.fiche_url, "fiche_editor")
        form = parse_form(html, lambda attrs: attrs.get("id") == "fiche-editor")
        if field(form, "base_version") is None:
            self.form = None
            return
        self.form = form
        if self.rubric is None:
            rubrics = [name for name, _ in form.fields if name.startswith("recto__")]
            # Each student always types in the same rubric: the tokens accumulate there.
            self.rubric = rubrics[self.index % len(rubrics)] if rubrics else None

    @task(6)
    def autosave(self):
        if self.form is None or self.rubric is None:
            self.open_editor()
            return
        token = f"k{uuid.uuid4().hex[:12]}"
        text = field(self.form, self.rubric)
        previous = text[1]
        text[1] = (previous.rstrip() + f" mot {token}").strip()
        base = field(self.form, "base_version")[1]
        headers = {**FORM_HEADERS, "Accept": "application/json", "X-CSRFToken": self.csrf}
        with self.client.post(
            self.autosave_url, data=encode(self.form), headers=headers, name="autosave", catch_response=True
        ) as response:
            data = {}
            try:
                data = response.json()
            except Exception:  # noqa: BLE001 - any non-JSON answer is a failure below
                data = {}
            if response.status_code == 200 and data.get("status") == "saved":
                field(self.form, "base_version")[1] = str(data["version"])
                record_ack(
                    kind="autosave",
                    fiche=self.account["fiche_id"],
                    rubric=self.rubric.removeprefix("recto__"),
                    version=data["version"],
                    base=int(base),
                    token=token,
                    user=self.account["username"],
                )
                return
            text[1] = previous
            response.failure(f"autosave HTTP {response.status_code} {data.get('status', '')}")
        # After a conflict or an error, a person reloads the page: start again from what is saved.
        self.open_editor()

    @task(1)
    def passeport(self):
        self.get_page(f"/etudiants/{self.account['student_id']}/passeport/", "passeport")

    @task(1)
    def fiche_editor(self):
        self.open_editor()


class TeacherUser(PortalUser):
    """A teacher of one commission: class follow-up, profiles, their own grids of candidates, rarely the packs."""

    weight = TEACHER_WEIGHT
    kind = "teacher"

    def on_start(self):
        self.account = self.pick_account(PLAN["teachers"], _teacher_index)
        self.commission = self.account["commission_id"]
        self.candidates = itertools.cycle(self.account["grid_students"] or [self.account["first_student"]])
        self.can_save = bool(self.account["grid_students"])
        self.packs_requested = False
        try:
            self.login()
            self.get_page("/moi/", "baseline_teacher")
        finally:
            user_started()

    @task(1)
    def cohort(self):
        self.get_page(f"/classes/{self.account['cohort_id']}/suivi/", "cohort")

    @task(1)
    def profiles(self):
        self.get_page(f"/commissions/{self.commission}/profils/", "profiles")

    @task(3)
    def grid(self):
        student = next(self.candidates)
        url = f"/commissions/{self.commission}/candidats/{student}/grille/"
        html = self.get_page(url, "grid")
        if not self.can_save or not html:
            return
        form = parse_form(html, lambda attrs: "grid-form" in (attrs.get("class") or ""))
        if field(form, "base_version") is None:
            return
        criterion = random.choice(sorted(form.radios))
        choices = [value for value in form.radios[criterion] if value]
        current = field(form, criterion)
        new_level = random.choice([value for value in choices if not current or value != current[1]])
        if current is None:
            form.fields.append([criterion, new_level])
        else:
            current[1] = new_level
        base = int(field(form, "base_version")[1])
        with self.client.post(
            url, data=encode(form), headers=FORM_HEADERS, name="grid_save", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"grille HTTP {response.status_code} : {page_messages(response.text)}")
                return
        record_ack(
            kind="grid",
            commission=self.commission,
            student=student,
            user=self.account["username"],
            criterion=int(criterion.removeprefix("critere_")),
            level=new_level,
            base=base,
        )
        # The browser follows the redirect to the saved grid, with its success message.
        self.get_page(url, "grid")

    @task(1)
    def packs(self):
        url = f"/commissions/{self.commission}/dossiers-evaluation/"
        self.get_page(url, "packs")
        if self.packs_requested or random.random() >= PACK_PROBABILITY:
            return
        self.packs_requested = True
        body = urlencode({"csrfmiddlewaretoken": self.csrf})
        with self.client.post(
            url, data=body, headers=FORM_HEADERS, name="pack_request", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"dossiers HTTP {response.status_code}")


class InspectorUser(PortalUser):
    """The académie's inspector reading the harmonisation page of one exam (every establishment, 2,400 candidates)."""

    fixed_count = INSPECTORS
    kind = "inspector"

    def on_start(self):
        try:
            self.account = self.pick_account(PLAN.get("inspectors", []), _inspector_index)
            self.login()
            self.get_page("/moi/", "baseline_inspector")
        finally:
            user_started()

    @task(3)
    def harmonisation(self):
        self.get_page(self.account["url"], "harmonisation")


class WriterStudent(StudentUser):
    """« writers » mode: a student autosaving only, with a short pause (someone typing steadily)."""

    wait_time = between(0.5, 1.5)


class WriterTeacher(TeacherUser):
    """« writers » mode: a teacher saving grids only (each save: the grid page, the POST, the redirect)."""

    wait_time = between(0.5, 1.5)


# Tasks are inherited from the mix classes: the writers keep only the writing one.
WriterStudent.tasks = [StudentUser.autosave]
WriterTeacher.tasks = [TeacherUser.grid]
if MODE == "writers" or not INSPECTORS or not PLAN.get("inspectors"):
    InspectorUser.abstract = True
if MODE == "writers":
    StudentUser.abstract = True
    TeacherUser.abstract = True
    InspectorUser.abstract = True
else:
    WriterStudent.abstract = True
    WriterTeacher.abstract = True
