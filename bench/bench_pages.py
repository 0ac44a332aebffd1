"""Time the passeport page, the cohort overview, the fiche editor and its autosave on a generated class.

Run: ``.venv/bin/python bench/bench_pages.py [--requests 50] [--students 35] [--no-write]``. It builds a throwaway
SQLite database in a temporary directory (migrations included; never touches var/db.sqlite3), generates one class of
``--students`` students with 30 activities each (critères, evidence rows without files, formative assessments, 4
fiches), then requests the passeport and the class page through Django's test client as a teacher, the fiche editor
(GET) and its autosave (POST) as a student: 2 warm-ups, then timed requests. Prints median / p90 in ms and the number
of SQL queries, and appends a « Pages passeport et classe » section to BENCHMARKS.md unless ``--no-write``.
"""

import argparse
import datetime
import os
import platform
import random
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

STUDENTS, ACTIVITIES, ASSESSMENTS, WARMUPS = 35, 30, 12, 2
TARGET_MS = 150
WORDS = (
    "client prospect négociation salon fichier relance devis offre besoin argumentaire objection conclusion "
    "fidélisation réseau distributeur partenaire animation vitrine implantation reporting veille"
).split()


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def build_class():
    """One cohort, one teacher, 35 students, each with 30 activities and their traces (bulk inserts)."""
    from accounts.models import Cohort, Establishment, Membership, Role
    from passeport.models import (
        Activity,
        ActivityNature,
        ActivitySetting,
        Evidence,
        Fiche,
        FicheVerso,
        FormativeAssessment,
        FormativePosition,
    )
    from passeport.rubrics import fiche_definition
    from referentiel.exams import fiche_rules
    from referentiel.models import Criterion, ExamSession, FicheKind, Level
    from tests.personas import make_student, make_user

    rng = random.Random(2027)
    session = ExamSession.objects.select_related("version").get(year=2027)
    establishment = Establishment.objects.create(name="Lycée du banc d'essai", uai="0690099Z", city="Lyon")
    cohort = Cohort.objects.create(establishment=establishment, name="NDRC 2 bench", year=2, exam_session=session)
    teacher = make_user("prof.bench", "Paule", "Banc")
    Membership.objects.create(user=teacher, establishment=establishment, role=Role.TEACHER)
    cohort.teachers.add(teacher)
    criteria = list(
        Criterion.objects.filter(
            competency__block__version=session.version, competency__block__exam__ccf=True
        ).select_related("competency__block__exam")
    )
    levels = list(Level.objects.filter(version=session.version))
    kinds = {k.code: k for k in FicheKind.objects.filter(exam__version=session.version).select_related("exam")}
    forms = {k.exam.code: fiche_definition(session.forms_session, k.exam.code) for k in kinds.values()}
    students = [make_student(f"etu{i:02d}", f"Prénom{i}", f"Nom{i:02d}", cohort) for i in range(STUDENTS)]
    start = datetime.date(2025, 9, 1)
    activities = Activity.objects.bulk_create(
        Activity(
            student=student,
            title=f"Activité {n + 1} – {_text(rng, 4)}",
            setting=rng.choice(ActivitySetting.values),
            organisation=f"Entreprise {rng.randint(1, 40)}",
            start_date=start + datetime.timedelta(days=7 * n + rng.randint(0, 5)),
            nature=rng.choice(ActivityNature.values),
            description=_text(rng, 60),
            validated_at=timezone.now() if validated else None,
            validated_by=teacher if validated else None,
        )
        for student in students
        for n in range(ACTIVITIES)
        for validated in [rng.random() < 0.4]
    )
    through = Activity.criteria.through
    through.objects.bulk_create(
        through(activity_id=a.pk, criterion_id=c.pk) for a in activities for c in rng.sample(criteria, 3)
    )
    Evidence.objects.bulk_create(
        Evidence(
            activity=a,
            file=f"evidence/bench/{a.pk}-{k}.pdf",
            original_name=f"preuve-{k}.pdf",
            content_type="application/pdf",
            size=120_000,
            sha256=f"{a.pk:064d}",
            uploaded_by=a.student.user,
        )
        for a in activities
        for k in range(rng.choice((0, 1, 1, 2, 3)))
    )
    by_student = {s.pk: [a for a in activities if a.student_id == s.pk] for s in students}
    assessments = FormativeAssessment.objects.bulk_create(
        FormativeAssessment(
            student=s,
            assessor=teacher,
            activity=rng.choice(by_student[s.pk]),
            assessed_on=start + datetime.timedelta(days=rng.randint(0, 250)),
            comment=_text(rng, 30),
        )
        for s in students
        for _ in range(ASSESSMENTS)
    )
    FormativePosition.objects.bulk_create(
        FormativePosition(assessment=fa, criterion=c, level=rng.choice(levels))
        for fa in assessments
        for c in rng.sample(criteria, 4)
    )
    # Two fiches of each CCF exam, by kind code; the first network fiche (n == 2) is « réelle vécue ».
    fiche_specs = ["nego-vente", "evenement", "distributeurs", "partenaires"]
    fiches = Fiche.objects.bulk_create(
        Fiche(
            student=s,
            activity=by_student[s.pk][n * 7],
            exam=kinds[spec].exam,
            kind=kinds[spec],
            forms_session=session.forms_session,
            number=1 + n % 2,
            title=_text(rng, 6),
            real_lived=(n == 2) if fiche_rules(kinds[spec].exam).real_lived else None,
            recto={r.code: _text(rng, 40) for r in forms[kinds[spec].exam.code].part("recto")},
        )
        for s in students
        for n, spec in enumerate(fiche_specs)
    )
    FicheVerso.objects.bulk_create(
        FicheVerso(fiche=f, order=1, content={r.code: _text(rng, 40) for r in forms[f.exam.code].part("verso")})
        for f in fiches
        if forms[f.exam.code].has_verso
    )
    return cohort, teacher, students


def measure(client: Client, url: str, requests: int, data=None) -> dict:
    """GET ``url``, or POST ``data()`` to it when given (a fresh payload per request: the autosave's base version)."""

    def send():
        return client.get(url) if data is None else client.post(url, data())

    for _ in range(WARMUPS):
        assert send().status_code == 200
    times, cpu = [], []
    for _ in range(requests):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        response = send()
        cpu.append((time.process_time() - begin_cpu) * 1000)
        times.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        send()
    ordered = sorted(times)
    return {
        "median": statistics.median(ordered),
        # CPU time of this process (SQLite runs in it): much less sensitive than wall time to a busy machine.
        "cpu": statistics.median(cpu),
        "p90": ordered[max(0, round(0.9 * len(ordered)) - 1)],
        "min": ordered[0],
        "queries": len(queries),
        "size": len(response.content),
    }


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


def autosave_payload(fiche):
    """What the editor's script sends: every field, with the fiche's current version as the base."""
    from passeport.rubrics import fiche_definition

    def data() -> dict:
        fiche.refresh_from_db(fields=["version"])
        form = fiche_definition(fiche.forms_session, fiche.exam.code)
        payload = {"base_version": fiche.version, "title": fiche.title, "kind": fiche.kind_id}
        for r in form.part("recto"):
            payload[f"recto__{r.code}"] = f"{fiche.recto.get(r.code, '')} {fiche.version}"
        for verso in fiche.versos.order_by("order"):
            for r in form.part("verso"):
                payload[f"verso_{verso.order}__{r.code}"] = verso.content.get(r.code, "")
        if fiche.real_lived is not None:
            payload["real_lived"] = "oui" if fiche.real_lived else "non"
        return payload

    return data


def section(results: dict, requests: int) -> str:
    passeport, cohort = results["passeport"], results["cohort"]
    verdict = "atteinte" if passeport["median"] <= TARGET_MS else "MANQUÉE"
    lines = [
        "",
        "## Pages passeport et classe",
        "",
        f"- Date : {timezone.localtime():%Y-%m-%d %H:%M %z}",
        f"- Machine : {machine()}",
        f"- Commande : `.venv/bin/python bench/bench_pages.py --requests {requests}`",
        f"- Données : une classe de {STUDENTS} étudiants, {ACTIVITIES} activités chacun (3 critères par activité, "
        f"0 à 3 preuves sans fichier), {ASSESSMENTS} évaluations formatives de 4 critères, 4 fiches ; SQLite "
        "(fichier temporaire), réglages `ndrc.test_settings`, client de test Django connecté comme enseignant.",
        f"- Mesure : {WARMUPS} requêtes de chauffe puis {requests} requêtes GET par page.",
        "",
        "| Page | Médiane | p90 | Min | CPU (médiane) | Requêtes SQL | Taille HTML |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, r in (
        ("`/moi/` (référence)", results["moi"]),
        (f"Passeport d'un étudiant ({ACTIVITIES} activités)", passeport),
        (f"Suivi de la classe ({STUDENTS} étudiants)", cohort),
        ("Éditeur de fiche E4 (recto + verso)", results["fiche"]),
        ("Enregistrement automatique (POST)", results["autosave"]),
    ):
        lines.append(
            f"| {label} | {r['median']:.0f} ms | {r['p90']:.0f} ms | {r['min']:.0f} ms | {r['cpu']:.1f} ms "
            f"| {r['queries']} | {r['size'] / 1024:.0f} Kio |"
        )
    lines += ["", f"Objectif : médiane du passeport ≤ {TARGET_MS} ms — {verdict}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--students", type=int, default=35)
    parser.add_argument("--no-write", action="store_true", help="print only, do not append to BENCHMARKS.md")
    args = parser.parse_args()
    global STUDENTS  # noqa: PLW0603 - the size of the generated class, read by build_class and section
    STUDENTS = args.students
    call_command("migrate", verbosity=0)
    begin = time.perf_counter()
    cohort, teacher, students = build_class()
    print(f"Données générées en {time.perf_counter() - begin:.1f} s", file=sys.stderr)
    client = Client()
    client.force_login(teacher)
    results = {
        "moi": measure(client, reverse("whoami"), args.requests),
        "passeport": measure(client, reverse("passeport:passeport", args=[students[0].pk]), args.requests),
        "cohort": measure(client, reverse("passeport:cohort_overview", args=[cohort.pk]), args.requests),
    }
    from passeport.models import Fiche

    fiche = Fiche.objects.filter(student=students[0], versos__isnull=False).first()
    assert fiche is not None, "the generated class has fiches with versos"
    writer = Client()
    writer.force_login(students[0].user)
    results["fiche"] = measure(writer, reverse("passeport:fiche_edit", args=[fiche.pk]), args.requests)
    autosave = reverse("passeport:fiche_autosave", args=[fiche.pk])
    results["autosave"] = measure(writer, autosave, args.requests, data=autosave_payload(fiche))
    text = section(results, args.requests)
    print(text)
    if not args.no_write:
        path = ROOT / "BENCHMARKS.md"
        # A true append (never read-modify-write): another bench may write its own section in the same file.
        header = "" if path.exists() else "# Mesures de performance\n"
        with path.open("a", encoding="utf-8") as out:
            out.write(header + text)


if __name__ == "__main__":
    main()
