"""Generate a seeded, reproducible dataset: establishments, people, passeports, deposited E4 dossiers, commissions,
grids, profiles and marks — the same seed always gives the same content.

One transaction per establishment for its people, then one per cohort for everything else: a failure loses at most
one cohort, and the write lock is never held for the whole run. Each phase is timed and the totals reported.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage
from django.db import connections, transaction

from accounts.models import Cohort, Establishment, Student, User
from audit.services import log_action
from certification.models import (
    CandidateResult,
    Commission,
    CommissionMember,
    ConformityCheck,
    Convocation,
    Dossier,
    DossierFiche,
    Grid,
    GridLine,
    MarkRange,
    SituationStep,
)
from dataset import academie, certifying, passeports, people
from dataset.spec import Reference, Spec, is_dataset_uai
from passeport.models import Activity, Fiche, FicheVersion, FormativeAssessment, FormativePosition, InternshipPeriod

PHASES = ("personnes", "passeports", "fiches", "dossiers", "commissions", "grilles", "notes")


@dataclass
class Report:
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    total: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


class Generator:
    """``jobs`` > 1 (PostgreSQL only) splits the establishments between that many forked processes."""

    def __init__(
        self,
        spec: Spec,
        *,
        seed: int,
        password: str,
        jobs: int = 1,
        log: Callable[[str], None] = lambda line: None,
    ):
        self.spec = spec
        self.seed = seed
        self.password = password
        self.jobs = jobs
        self.log = log
        self.report = Report()
        self._started = time.perf_counter()

    @contextmanager
    def timer(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.report.seconds[phase] += time.perf_counter() - start

    def run(self) -> Report:
        start = self._started = time.perf_counter()
        with self.timer("personnes"):
            # Hashed once: the same hash for every account (PBKDF2 costs a good part of a second each time).
            password_hash = make_password(self.password)
            academie.ensure_academie(password_hash)  # before any fork: one académie, one inspector
        numbers = list(range(1, self.spec.establishments + 1))
        if self.jobs <= 1:
            self.run_establishments(numbers, password_hash)
        else:
            self._run_in_processes(numbers, password_hash)
        drop_queued_pdf_storage()
        self.report.total = time.perf_counter() - start
        self.report.counts = dataset_counts()
        return self.report

    def run_establishments(self, numbers: list[int], password_hash: str) -> dict[str, float]:
        with self.timer("personnes"):
            ref = Reference.load(password_hash)
        try:
            for number in numbers:
                self._establishment(ref, number)
        except BaseException:
            # Files of the rolled-back cohort would be orphans: remove what this run wrote for them.
            self._remove_orphan_files(ref)
            raise
        return dict(self.report.seconds)

    def _run_in_processes(self, numbers: list[int], password_hash: str) -> None:
        """Each process takes every ``jobs``-th establishment; the phase times add up the processes' times."""
        global _worker_generator
        _worker_generator = self
        connections.close_all()  # a forked child must open its own connection
        chunks = [(numbers[i :: self.jobs], password_hash) for i in range(self.jobs)]
        with multiprocessing.get_context("fork").Pool(self.jobs) as pool:
            for seconds in pool.imap_unordered(_work, chunks):
                for phase, value in seconds.items():
                    self.report.seconds[phase] += value

    def _establishment(self, ref: Reference, number: int) -> None:
        with self.timer("personnes"), transaction.atomic():
            cohorts = people.create_establishment(ref, self.spec, self.seed, number)
        for cohort_people in cohorts:
            ref.written_files.clear()
            with transaction.atomic():
                self._cohort(ref, cohort_people)
            ref.written_files.clear()
        if self.spec.harmonisation:
            with self.timer("notes"), transaction.atomic():
                academie.send_and_change(ref, self.seed, cohorts)
        elapsed = time.perf_counter() - self._started
        self.log(
            f"Établissement {number}/{self.spec.establishments} ({cohorts[0].establishment.uai}) : {elapsed:.0f} s"
        )

    def _cohort(self, ref: Reference, cohort_people: people.CohortPeople) -> None:
        traces = passeports.create_traces(ref, self.spec, self.seed, cohort_people, self.timer)
        with self.timer("dossiers"):
            certifying.deposit_dossiers(ref, cohort_people, traces)
        with self.timer("commissions"):
            commission = certifying.create_commission(ref, cohort_people)
            certifying.inform_and_check(commission, cohort_people)
            certifying.write_subject_sheets(self.seed, commission, cohort_people)
        with self.timer("grilles"):
            certifying.fill_grids(ref, self.seed, commission, cohort_people)
        with self.timer("notes"):
            certifying.set_marks(self.seed, commission, cohort_people)
            if self.spec.harmonisation:
                academie.mark_outside_range(self.seed, commission, cohort_people)
                academie.deliberate(commission, cohort_people)
            log_action(
                "dataset.cohort_generated",
                obj=cohort_people.cohort,
                establishment_id=cohort_people.establishment.pk,
                changes={"seed": self.seed, "students": len(cohort_people.students)},
            )

    def _remove_orphan_files(self, ref: Reference) -> None:
        for name in ref.written_files:
            default_storage.delete(name)


_worker_generator: Generator | None = None


def _work(chunk: tuple[list[int], str]) -> dict[str, float]:
    numbers, password_hash = chunk
    parent = _worker_generator
    if parent is None:
        raise RuntimeError("the worker process was started without its generator")
    worker = Generator(parent.spec, seed=parent.seed, password=parent.password, log=parent.log)
    worker._started = parent._started
    seconds = worker.run_establishments(numbers, password_hash)
    connections.close_all()
    return seconds


COUNTED = {
    "établissements": (Establishment, "uai"),
    "comptes": (User, None),
    "classes": (Cohort, "establishment__uai"),
    "étudiant·es": (Student, "cohort__establishment__uai"),
    "activités": (Activity, "student__cohort__establishment__uai"),
    "périodes en entreprise": (InternshipPeriod, "student__cohort__establishment__uai"),
    "fiches": (Fiche, "student__cohort__establishment__uai"),
    "versions de fiches": (FicheVersion, "fiche__student__cohort__establishment__uai"),
    "évaluations formatives": (FormativeAssessment, "student__cohort__establishment__uai"),
    "positionnements formatifs": (FormativePosition, "assessment__student__cohort__establishment__uai"),
    "dossiers déposés": (Dossier, "student__cohort__establishment__uai"),
    "fiches de dossier figées": (DossierFiche, "dossier__student__cohort__establishment__uai"),
    "contrôles de conformité": (ConformityCheck, "dossier__student__cohort__establishment__uai"),
    "commissions": (Commission, "cohort__establishment__uai"),
    "membres de commission": (CommissionMember, "commission__cohort__establishment__uai"),
    "étapes de situation": (SituationStep, "situation__commission__cohort__establishment__uai"),
    "informations officielles": (Convocation, "student__cohort__establishment__uai"),
    "grilles": (Grid, "commission__cohort__establishment__uai"),
    "lignes de grille": (GridLine, "grid__commission__cohort__establishment__uai"),
    "résultats": (CandidateResult, "commission__cohort__establishment__uai"),
    "plages de notation": (MarkRange, "commission__cohort__establishment__uai"),
}


def dataset_counts() -> dict[str, int]:
    """How many rows of each kind belong to generated establishments."""
    uais = [e.uai for e in Establishment.objects.only("uai") if is_dataset_uai(e.uai)]
    counts = {}
    for label, (model, path) in COUNTED.items():
        if model is User:
            counts[label] = (
                User.objects.filter(memberships__establishment__uai__in=uais).distinct().count()
                + Student.objects.filter(cohort__establishment__uai__in=uais).count()
            )
        elif model is Dossier:
            counts[label] = model._default_manager.filter(**{f"{path}__in": uais}, state="submitted").count()
        else:
            counts[label] = model._default_manager.filter(**{f"{path}__in": uais}).count()
    return counts


def drop_queued_pdf_storage() -> int:
    """Each generated deposit queued the storage of its fiches' PDFs (passeport.deposited): 2,400 tasks at once for an
    académie, where a real one deposits over weeks and stores each PDF minutes later. A generated dataset stands for
    that steady state, not for a backlog: the tasks are dropped (packs write a missing PDF when they need it)."""
    from django_tasks_db.models import DBTaskResult

    from passeport.deposited import store_deposited_pdfs

    queued = DBTaskResult.objects.filter(task_path=store_deposited_pdfs.module_path, status="READY")
    return queued.delete()[0]
