"""Demo passeports for `make run`: Emma Bernard's complete passeport and Lucas Petit's fiche on their shared fair.

Runs after accounts.demo (settings.DEMO_LOADERS) and uses its cohort and people. The texts live in
data/demo/passeport.yaml; evidence and attestation files are generated here (a one-page PDF from a few lines of
HTML, a small PNG) and stored through the default storage, so downloads work as for real uploads.

Idempotent: every row is found again by its natural key (an activity by its student and title, a fiche by its
student, exam and number…), so a second run creates nothing and writes no file.
"""

import datetime
import hashlib
import struct
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from accounts.demo import DEMO_SESSION_YEAR, DEMO_UAI
from accounts.models import Cohort, Student, User
from audit.services import log_action
from lib import files
from passeport.models import (
    Activity,
    Evidence,
    Fiche,
    FicheComment,
    FicheVersion,
    FicheVerso,
    FormativeAssessment,
    FormativePosition,
    InternshipKind,
    InternshipPeriod,
)
from passeport.rubrics import fiche_definition
from referentiel.exams import fiche_rules
from referentiel.models import Criterion, Exam, FicheKind, Level, ReferentielVersion

DATA_FILE = Path(settings.BASE_DIR) / "data" / "demo" / "passeport.yaml"
PARIS = ZoneInfo("Europe/Paris")
VALIDATED_AT = datetime.datetime(2026, 6, 25, 10, 0, tzinfo=PARIS)
TEACHER = "prof"
COUNTED = {
    "activités": Activity,
    "preuves": Evidence,
    "périodes en entreprise": InternshipPeriod,
    "fiches": Fiche,
    "évaluations formatives": FormativeAssessment,
    "commentaires": FicheComment,
}


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create what is missing and report how many rows were created."""
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    before = {label: model._default_manager.count() for label, model in COUNTED.items()}
    cohort = Cohort.objects.select_related("exam_session__version").get(
        establishment__uai=DEMO_UAI, exam_session__year=DEMO_SESSION_YEAR
    )
    students = {s.user.username: s for s in Student.objects.filter(cohort=cohort).select_related("user")}
    teacher = User.objects.get(username=TEACHER)
    version = cohort.exam_session.version
    criteria = _criteria(version)

    for username, periods in data["internships"].items():
        for period in periods:
            _internship(students[username], period)
    activities = {
        (username, item["key"]): _activity(students[username], item, criteria, teacher)
        for username, items in data["activities"].items()
        for item in items
    }
    for username, items in data["activities"].items():
        for item in items:
            others = [students[name] for name in item.get("participants", [])]
            activities[(username, item["key"])].participants.add(*others)
    fiches: dict[tuple[str, int], Fiche] = {}  # Emma's, by (exam, number): what the follow-up data refers to
    for username, items in data["fiches"].items():
        for item in items:
            fiche = _fiche(students[username], activities[(username, item["activity"])], item)
            if username == "etudiant":
                fiches[(fiche.exam.code, fiche.number)] = fiche
    emma = students["etudiant"]
    levels = {level.code: level for level in Level.objects.filter(version=version)}
    for item in data["formative"]:
        _formative(emma, teacher, item, activities, fiches, criteria, levels)
    for item in data["comments"]:
        _comment(teacher, item, fiches)

    created = {label: model._default_manager.count() - before[label] for label, model in COUNTED.items()}
    if any(created.values()):
        log_action("demo.loaded", obj=cohort, changes=created)
    return created


def _criteria(version: ReferentielVersion) -> dict[str, Criterion]:
    """Critères by their reference in the grids: "E4 2.1" is the first critère of E4's second compétence."""
    rows = Criterion.objects.filter(competency__block__version=version).select_related("competency__block__exam")
    return {f"{c.competency.block.exam.code} {c.competency.order}.{c.number}": c for c in rows}


def _internship(student: Student, item: dict[str, Any]) -> InternshipPeriod:
    period, created = InternshipPeriod.objects.get_or_create(
        student=student,
        organisation=item["organisation"],
        start_date=item["start_date"],
        defaults={
            "kind": InternshipKind.STAGE,
            "end_date": item["end_date"],
            "weeks": Decimal(item["weeks"]),
            "tutor_name": item["tutor_name"],
            "attestation_name": "attestation-de-stage.pdf",
            "attestation_content_type": "application/pdf",
        },
    )
    if created:
        pdf = _attestation_pdf(student, period)
        files.save_field_file(period.attestation, "attestation-de-stage.pdf", pdf, check=files.pdf_check())
        period.save(update_fields=["attestation"])
    return period


def _activity(student: Student, item: dict[str, Any], criteria: dict[str, Criterion], teacher: User) -> Activity:
    validated = item.get("validated", False)
    activity, created = Activity.objects.get_or_create(
        student=student,
        title=item["title"],
        defaults={
            "setting": item["setting"],
            "organisation": item["organisation"],
            "start_date": item["start_date"],
            "end_date": item["end_date"],
            "nature": item["nature"],
            "description": item["description"],
            "validated_at": VALIDATED_AT if validated else None,
            "validated_by": teacher if validated else None,
        },
    )
    if created:
        activity.criteria.set([criteria[ref] for ref in item["criteria"]])
    for evidence in item.get("evidence", []):
        _evidence(activity, evidence)
    return activity


def _evidence(activity: Activity, item: dict[str, Any]) -> Evidence:
    found = Evidence.objects.filter(activity=activity, original_name=item["name"]).first()
    if found is not None:
        return found
    if item.get("image"):
        content, content_type = _png(), "image/png"
    else:
        content, content_type = _pdf(item["title"], item["lines"], activity.student), "application/pdf"
    evidence = Evidence(
        activity=activity,
        original_name=item["name"],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=activity.student.user,
    )
    files.save_field_file(evidence.file, item["name"], content, expected_sha256=evidence.sha256)
    evidence.save()
    return evidence


def _fiche(student: Student, activity: Activity, item: dict[str, Any]) -> Fiche:
    session = student.cohort.exam_session
    exam = Exam.objects.get(version=session.version, code=item["exam"])
    form = fiche_definition(session.forms_session, exam.code)
    # Every rubric of the official form must be in the data: a KeyError here is a gap in the demo texts.
    recto = {r.code: item["recto"][r.code] for r in form.part("recto")}
    versos = [{r.code: verso[r.code] for r in form.part("verso")} for verso in item.get("versos", [])]
    fiche, created = Fiche.objects.get_or_create(
        student=student,
        exam=exam,
        number=item["number"],
        defaults={
            "activity": activity,
            "kind": FicheKind.objects.get(exam=exam, code=item["kind"]),
            "forms_session": session.forms_session,
            "title": item["title"],
            "real_lived": item.get("real_lived") if fiche_rules(exam).real_lived else None,
            "recto": recto,
        },
    )
    if created:
        for order, content in enumerate(versos, start=1):
            FicheVerso.objects.create(fiche=fiche, order=order, content=content)
        FicheVersion.objects.create(
            fiche=fiche, number=1, title=fiche.title, recto=recto, versos=versos, author=student.user
        )
    return fiche


def _formative(
    student: Student,
    teacher: User,
    item: dict[str, Any],
    activities: dict[tuple[str, str], Activity],
    fiches: dict[tuple[str, int], Fiche],
    criteria: dict[str, Criterion],
    levels: dict[str, Level],
) -> FormativeAssessment:
    fiche = fiches[tuple(item["fiche"])] if "fiche" in item else None
    if "activity" in item:
        activity = activities[("etudiant", item["activity"])]
    elif fiche is not None:
        activity = fiche.activity
    else:
        raise ValueError(f"demo: formative assessment without activity nor fiche: {item}")
    assessment, _ = FormativeAssessment.objects.get_or_create(
        student=student,
        assessor=teacher,
        assessed_on=item["assessed_on"],
        defaults={"activity": activity, "fiche": fiche, "comment": item["comment"]},
    )
    for ref, level in item["positions"].items():
        FormativePosition.objects.get_or_create(
            assessment=assessment, criterion=criteria[ref], defaults={"level": levels[level]}
        )
    return assessment


def _comment(teacher: User, item: dict[str, Any], fiches: dict[tuple[str, int], Fiche]) -> FicheComment:
    fiche = fiches[tuple(item["fiche"])]
    verso = fiche.versos.get(order=item["verso"]) if "verso" in item else None
    comment, _ = FicheComment.objects.get_or_create(
        fiche=fiche, verso=verso, rubric=item["rubric"], author=teacher, defaults={"text": item["text"]}
    )
    return comment


# --- Generated files ---------------------------------------------------------------------------------------------


def _pdf(title: str, lines: list[str], student: Student) -> bytes:
    """A one-page PDF: what a student would scan or export as a trace (no network, no file is read)."""
    from weasyprint import HTML  # imported here: loading WeasyPrint costs time the other loaders need not pay

    context = {"title": title, "lines": lines, "student_name": student.user.display_name}
    html = render_to_string("passeport/demo/trace.html", context)
    return HTML(string=html).write_pdf()


def _attestation_pdf(student: Student, period: InternshipPeriod) -> bytes:
    lines = [
        f"Organisme d'accueil : {period.organisation}",
        f"Stagiaire : {student.user.display_name}, BTS NDRC",
        f"Période : du {period.start_date:%d/%m/%Y} au {period.end_date:%d/%m/%Y}, soit {period.weeks} semaines",
        f"Tuteur : {period.tutor_name}",
        "Cachet de l'entreprise et signature du responsable.",
    ]
    return _pdf("Attestation de stage (annexe III-2)", lines, student)


def _png(width: int = 160, height: int = 90) -> bytes:
    """A small valid PNG (a bar chart in three colours), written without any imaging library."""
    bars = [(0x1F, 0x4E, 0x79), (0x2E, 0x8B, 0x57), (0xD9, 0x8C, 0x1F)]
    heights = [40, 70, 55]
    band = width // len(bars)
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter type "none" for every scanline
        for x in range(width):
            index = min(x // band, len(bars) - 1)
            inside = height - y <= heights[index] and x % band > 8
            row += bytes(bars[index] if inside else (0xFF, 0xFF, 0xFF))
        rows.append(bytes(row))

    def chunk(tag: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(tag + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
