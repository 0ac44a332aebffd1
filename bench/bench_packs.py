"""Time the building of the « dossiers d'évaluation » (one merged PDF per candidate) for a commission.

Run: ``.venv/bin/python bench/bench_packs.py [--candidates 35] [--no-write]``. It builds a throwaway SQLite database
in a temporary directory (migrations included; never touches var/db.sqlite3), one E4 commission whose cohort has N
candidates, each with a submitted dossier of 2 E4 fiches (frozen versions), an agreed grid, a result and an evaluation
sheet, then builds the N packs sequentially by calling the task function directly (what a worker does). Prints the
total and the per-pack median, and appends a « Dossiers d'évaluation (PDF) » section to BENCHMARKS.md unless
``--no-write``.
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.TemporaryDirectory(prefix="ndrc-bench-")
os.environ["SQLITE_PATH"] = str(Path(TMP.name) / "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ndrc.test_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

TARGET_S = 30.0


def build_commission(count: int):
    from accounts.models import Cohort, Establishment, Membership, Role
    from certification.models import (
        CandidateResult,
        Commission,
        CommissionMember,
        Dossier,
        DossierFiche,
        DossierState,
        Grid,
        GridLine,
        MemberRole,
        ResultStatus,
        Situation,
    )
    from passeport.models import FicheVersion
    from referentiel.models import Competency, Criterion, ExamRule, ExamSession, FicheKind, Level
    from tests.factories import make_fiche
    from tests.factories_certification_sheets import make_sheet
    from tests.personas import make_student, make_user

    session = ExamSession.objects.select_related("version").get(year=2027)
    establishment = Establishment.objects.create(name="Lycée du banc d'essai", uai="0690099Z", city="Lyon")
    cohort = Cohort.objects.create(establishment=establishment, name="NDRC 2 bench", year=2, exam_session=session)
    teacher = make_user("prof.bench", "Paule", "Banc")
    Membership.objects.create(user=teacher, establishment=establishment, role=Role.TEACHER)
    cohort.teachers.add(teacher)
    # The exam of the two fiches each candidate deposits (« nego-vente » and « evenement »: E4).
    exam = FicheKind.objects.select_related("exam").get(exam__version=session.version, code="nego-vente").exam
    commission = Commission.objects.create(session=session, exam=exam, cohort=cohort, responsible=teacher)
    CommissionMember.objects.create(commission=commission, user=teacher, role=MemberRole.TEACHER)
    for rule in ExamRule.objects.get(session=session, exam=exam).situations.all():
        Situation.objects.create(
            commission=commission, code=rule.code, title=rule.title, duration_minutes=rule.duration_minutes
        )
    criteria = list(Criterion.objects.filter(competency__in=Competency.objects.filter(block_id=exam.block_id)))
    level = Level.objects.filter(version=session.version).order_by("pk")[2]
    students = []
    for i in range(count):
        student = make_student(f"cand{i}", f"Prénom{i}", f"Nom{i:03d}", cohort, number=f"0271{i:04d}")
        dossier = Dossier.objects.create(
            student=student, exam=exam, session=session, state=DossierState.SUBMITTED, submitted_at=timezone.now()
        )
        fiches = [
            make_fiche(student, kind_code="nego-vente", title="Négociation d'un contrat d'entretien"),
            make_fiche(student, kind_code="evenement", title="Salon de l'habitat"),
        ]
        for order, fiche in enumerate(fiches, start=1):
            verso = fiche.versos.order_by("order").first()
            version = FicheVersion.objects.create(
                fiche=fiche,
                number=fiche.version,
                title=fiche.title,
                recto=fiche.recto,
                versos=[v.content for v in fiche.versos.order_by("order")],
                author=student.user,
            )
            DossierFiche.objects.create(dossier=dossier, fiche=fiche, verso=verso, version=version, order=order)
        grid = Grid.objects.create(commission=commission, student=student, member=None)
        GridLine.objects.bulk_create([GridLine(grid=grid, criterion=c, level=level) for c in criteria])
        CandidateResult.objects.create(
            commission=commission, student=student, status=ResultStatus.MARK, mark=10 + (i % 20) / 2
        )
        make_sheet(commission, student)
        students.append(student)
    return commission, students


def machine() -> str:
    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if "model name" in ln), "?")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cœurs (nproc), {cpu} ; Python {platform.python_version()}, Django {django.__version__} ; "
        f"charge moyenne au lancement {load}"
    )


def section(count: int, total: float, times: list[float], pages: int, size: int, command: str) -> str:
    median = statistics.median(times)
    extrapolated = median * 35
    scale = (
        ""
        if count >= 35
        else f"- **Extrapolation à 35 candidats** (médiane × 35, non mesurée) : {extrapolated:.1f} s\n\n"
    )
    verdict = "atteint" if (total if count >= 35 else extrapolated) <= TARGET_S else "non atteint"
    return (
        "\n## Dossiers d'évaluation (PDF)\n\n"
        f"- Date : {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %z}\n"
        f"- Machine : {machine()}\n"
        f"- Commande : `{command}`\n"
        f"- Données : une commission E4 de {count} candidats, chacun avec un dossier déposé (2 fiches E4 figées), "
        "une grille commune, un résultat et une fiche d'évaluation "
        "(sans évaluation formative : la page de synthèse est courte) ; "
        "SQLite (fichier temporaire), `ndrc.test_settings`.\n"
        "- Mesure : construction séquentielle des dossiers en appelant directement la fonction de la tâche "
        "(fiches + grille + fiche d'évaluation + synthèse formative, fusion pypdf, écriture dans le stockage).\n\n"
        "| Candidats | Total | Médiane par dossier | p90 | Min | Pages par dossier | Taille |\n"
        "|---|---|---|---|---|---|---|\n"
        f"| {count} | {total:.1f} s | {median * 1000:.0f} ms | "
        f"{statistics.quantiles(times, n=10)[-1] * 1000:.0f} ms | {min(times) * 1000:.0f} ms | {pages} | "
        f"{size // 1024} Kio |\n\n"
        f"{scale}"
        f"Objectif : ≤ {TARGET_S:.0f} s pour 35 dossiers — {verdict}.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=35)
    parser.add_argument("--no-write", action="store_true", help="print only, do not append to BENCHMARKS.md")
    parser.add_argument(
        "--no-deposit-store", action="store_true", help="no PDF stored at deposit: packs lay the fiches out (before)"
    )
    args = parser.parse_args()
    settings.MEDIA_ROOT = str(Path(TMP.name) / "media")
    call_command("migrate", verbosity=0)
    begin = time.perf_counter()
    commission, students = build_commission(args.candidates)
    print(f"Données générées en {time.perf_counter() - begin:.1f} s", file=sys.stderr)

    from io import BytesIO

    from django.core.files.storage import default_storage
    from pypdf import PdfReader

    from certification.dossiers.models import DossierFiche
    from certification.evaluation.services import packs
    from certification.evaluation.tasks import build_evaluation_pack
    from passeport.deposited import store_deposited_pdfs

    if not args.no_deposit_store:
        # What the deposit does (after its commit): each frozen fiche's PDF written once, verified.
        items = [
            (item.version_id, item.verso.order if item.verso else 0)
            for item in DossierFiche.objects.filter(dossier__student__in=students).select_related("verso")
            if item.version_id is not None
        ]
        one = time.perf_counter()
        store_deposited_pdfs.call(items)
        print(f"PDF des fiches écrits au dépôt : {len(items)} en {time.perf_counter() - one:.1f} s", file=sys.stderr)

    times = []
    start = time.perf_counter()
    for student in students:
        one = time.perf_counter()
        build_evaluation_pack.call(commission.pk, student.pk, True)
        times.append(time.perf_counter() - one)
    total = time.perf_counter() - start
    # « Reconstruire tous les dossiers » with nothing changed: every part is a stored or cached PDF.
    start = time.perf_counter()
    for student in students:
        build_evaluation_pack.call(commission.pk, student.pk, True)
    print(f"Reconstruction, rien de modifié : {time.perf_counter() - start:.1f} s", file=sys.stderr)
    with default_storage.open(packs.pack_path(commission.pk, students[0].pk), "rb") as handle:
        content = handle.read()
    pages = len(PdfReader(BytesIO(content)).pages)
    command = ".venv/bin/python bench/bench_packs.py" + (
        f" --candidates {args.candidates}" if args.candidates != 35 else ""
    )
    text = section(args.candidates, total, times, pages, len(content), command)
    print(text)
    if not args.no_write:
        path = ROOT / "BENCHMARKS.md"
        # A true append (never read-modify-write): another bench may write its own section in the same file.
        with path.open("a", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    main()
