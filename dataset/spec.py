"""What a dataset contains (presets), how its rows are recognised, and the reference rows it is built on."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from referentiel.models import Criterion, Exam, ExamSession, FicheKind, Level

SESSION_YEAR = 2027
DEFAULT_PASSWORD = "bench-ndrc-2027"  # noqa: S105 - published in bench/DATASET.md; dataset accounts only

# Generated establishments carry a UAI « 0999 » + 3 digits + « D » (the « 099 » département does not exist, so no
# real school has it). The demo establishment (0999999Z) does not match: it is never taken for a dataset one.
UAI_PATTERN = re.compile(r"^0999\d{3}D$")
MAX_ESTABLISHMENTS = 998

# The fiches of a student, in this order: the two E4 kinds first (the E4 dossier takes them), then E6 networks.
FICHE_KINDS = ("nego-vente", "evenement", "distributeurs", "partenaires", "vente-directe")
E4_KINDS = ("nego-vente", "evenement")


@dataclass(frozen=True)
class Spec:
    establishments: int
    cohorts_per_establishment: int
    students_per_cohort: int
    activities: int
    fiches: int
    # Fiches through create_fiche/save_fiche (True) or the same rows in bulk (see dataset.fiches).
    fiches_via_services: bool = True
    # Deliberations, sent marks and a few anomalies across the académie (dataset.academie).
    harmonisation: bool = False

    @property
    def students(self) -> int:
        return self.establishments * self.cohorts_per_establishment * self.students_per_cohort

    def problems(self) -> list[str]:
        """French reasons why this spec cannot be generated (empty when it can)."""
        found = []
        if not 1 <= self.establishments <= MAX_ESTABLISHMENTS:
            found.append(f"Le nombre d'établissements doit être compris entre 1 et {MAX_ESTABLISHMENTS}.")
        if not 1 <= self.cohorts_per_establishment <= 9:
            found.append("Le nombre de classes par établissement doit être compris entre 1 et 9.")
        if not 1 <= self.students_per_cohort <= 99:
            found.append("Le nombre d'étudiant·es par classe doit être compris entre 1 et 99.")
        if self.fiches < 2:
            found.append("Il faut au moins 2 fiches par étudiant·e (les deux fiches E4 du dossier).")
        if self.activities < self.fiches:
            found.append(
                "Chaque fiche porte sur une activité distincte : il faut au moins autant d'activités que de fiches."
            )
        return found


PRESETS = {
    # 40 × 2 × 30 = 2,400 final-year candidates of session 2027, as in issue 6.
    "academie": Spec(
        establishments=40,
        cohorts_per_establishment=2,
        students_per_cohort=30,
        activities=20,
        fiches=4,
        fiches_via_services=False,
        harmonisation=True,
    ),
    "small": Spec(establishments=2, cohorts_per_establishment=2, students_per_cohort=10, activities=6, fiches=4),
    "tiny": Spec(establishments=1, cohorts_per_establishment=1, students_per_cohort=3, activities=4, fiches=4),
}


def uai(number: int) -> str:
    return f"0999{number:03d}D"


def is_dataset_uai(value: str) -> bool:
    return bool(UAI_PATTERN.match(value))


def est_prefix(number: int) -> str:
    return f"e{number:02d}"


def rng_for(seed: int, *parts: object) -> random.Random:
    """An independent random stream per thing generated: adding a cohort never changes another's content."""
    # Reproducible content, not secrets: a seeded PRNG is what is wanted here.
    return random.Random(":".join(str(part) for part in (seed, *parts)))  # noqa: S311


@dataclass
class Reference:
    """The référentiel rows of session 2027 the dataset points at, read once."""

    session: ExamSession
    exams: dict[str, Exam]
    kinds: dict[str, FicheKind]
    criteria: dict[str, list[Criterion]]
    levels: dict[str, Level]
    password_hash: str
    written_files: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, password_hash: str) -> Reference:
        session = ExamSession.objects.select_related("version").get(year=SESSION_YEAR)
        ccf_exams = Exam.objects.filter(version_id=session.version_id, ccf=True).order_by("code")
        exams = {exam.code: exam for exam in ccf_exams}
        kinds = {k.code: k for k in FicheKind.objects.filter(exam__in=exams.values()).select_related("exam")}
        criteria = {
            code: list(
                Criterion.objects.filter(competency__block__exam=exam)
                .select_related("competency")
                .order_by("competency__order", "number")
            )
            for code, exam in exams.items()
        }
        levels = {level.code: level for level in Level.objects.filter(version_id=session.version_id)}
        return cls(session, exams, kinds, criteria, levels, password_hash)
