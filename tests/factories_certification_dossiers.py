"""Builders of dossiers for tests (the cast lives in tests/personas.py, fiches in tests/factories.py)."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from accounts.models import Student
from certification.models import Dossier, DossierAttestation, DossierFiche
from passeport.models import Fiche, InternshipPeriod
from referentiel.models import ExamRule
from tests.factories import exam, make_fiche


def make_internship(student: Student, *, with_file: bool = True, organisation: str = "Nettoyage Pro Rhône"):
    period = InternshipPeriod.objects.create(
        student=student,
        organisation=organisation,
        start_date=datetime.date(2026, 5, 4),
        end_date=datetime.date(2026, 6, 26),
        weeks=Decimal(8),
    )
    if with_file:
        period.attestation.save("attestation.pdf", ContentFile(b"%PDF-1.4 attestation"), save=False)
        period.attestation_name = "attestation.pdf"
        period.save(update_fields=["attestation", "attestation_name"])
    return period


def e4_fiches(student: Student) -> list[Fiche]:
    return [
        make_fiche(student, kind_code="nego-vente", title="Négociation d'un contrat"),
        make_fiche(student, kind_code="evenement", title="Salon de l'habitat"),
    ]


def e6_fiches(student: Student) -> list[Fiche]:
    return [
        make_fiche(
            student, exam_code="E6", kind_code="distributeurs", real_lived=True, title="Réseau de distributeurs"
        ),
        make_fiche(student, exam_code="E6", kind_code="partenaires", real_lived=False, title="Réseau de partenaires"),
        make_fiche(student, exam_code="E6", kind_code="vente-directe", real_lived=False, title="Vente directe"),
    ]


def make_dossier(
    student: Student,
    exam_code: str = "E4",
    *,
    fiches: list[Fiche] | None = None,
    internships: list[InternshipPeriod] | None = None,
) -> Dossier:
    """A draft dossier holding ``fiches`` (each with its first verso, if any) and ``internships``."""
    dossier = Dossier.objects.create(
        student=student, exam=exam(exam_code, student), session=student.cohort.exam_session
    )
    for order, fiche in enumerate(fiches or [], start=1):
        DossierFiche.objects.create(
            dossier=dossier, fiche=fiche, verso=fiche.versos.order_by("order").first(), order=order
        )
    for period in internships or []:
        DossierAttestation.objects.create(dossier=dossier, internship=period)
    return dossier


def complete_dossier(student: Student, exam_code: str = "E4") -> Dossier:
    fiches = e4_fiches(student) if exam_code == "E4" else e6_fiches(student)
    return make_dossier(student, exam_code, fiches=fiches, internships=[make_internship(student)])


def deadline_of(student: Student, exam_code: str = "E4") -> datetime.date:
    deadline = ExamRule.objects.get(session=student.cohort.exam_session, exam__code=exam_code).deposit_deadline
    assert deadline is not None, "the fixture session sets every deposit deadline"
    return deadline
