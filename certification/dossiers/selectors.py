"""Reads on dossiers: deadlines, the late flag, the student's dossier cards, the frozen text of deposited fiches.

``is_late`` and ``deposit_deadline`` are also used by the conformity and commission pages: keep them stable.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import Student
from certification.dossiers.models import Dossier, DossierFiche, DossierState
from certification.dossiers.services.composition import Defect, composition_defects
from passeport.models import Fiche, FicheVerso
from passeport.rubrics import fiche_definition
from referentiel.models import Exam, ExamRule, ExamSession

PARIS = ZoneInfo("Europe/Paris")
_UNSET = object()


def paris_today() -> datetime.date:
    """The deadline is a date of the académie: compare with the calendar day in France, not UTC."""
    return timezone.localdate(timezone.now(), PARIS)


def exam_rule(session: ExamSession | int, exam: Exam | int) -> ExamRule | None:
    session_id = session.pk if isinstance(session, ExamSession) else session
    exam_id = exam.pk if isinstance(exam, Exam) else exam
    return ExamRule.objects.filter(session_id=session_id, exam_id=exam_id).first()


def deposit_deadline(dossier: Dossier) -> datetime.date | None:
    rule = exam_rule(dossier.session_id, dossier.exam_id)
    return rule.deposit_deadline if rule is not None else None


def deadline_passed(deadline: datetime.date | None, today: datetime.date | None = None) -> bool:
    """The deposit day itself is still allowed; no deadline set means nothing is late."""
    return deadline is not None and (today or paris_today()) > deadline


def is_late(dossier: Dossier, *, deadline: datetime.date | None | object = _UNSET) -> bool:
    """« Dépôt tardif »: recorded by an administrator, or deposited (Paris date) after the deadline.

    Pass ``deadline`` when showing many dossiers of one exam and session, to spare a query each.
    """
    if dossier.late_deposit_recorded_at is not None:
        return True
    if dossier.submitted_at is None:
        return False
    known = deposit_deadline(dossier) if deadline is _UNSET else deadline
    return deadline_passed(
        known if isinstance(known, datetime.date) else None, timezone.localdate(dossier.submitted_at, PARIS)
    )


def ccf_exam(session: ExamSession, exam_code: str) -> Exam | None:
    return (
        Exam.objects.filter(version_id=session.version_id, code=exam_code, ccf=True)
        .prefetch_related("fiche_kinds")
        .first()
    )


def student_dossier(student: Student, exam: Exam) -> Dossier | None:
    return (
        Dossier.objects.select_related("exam", "session", "submitted_by", "late_deposit_recorded_by")
        .filter(student=student, exam=exam, session_id=student.cohort.exam_session_id)
        .first()
    )


@dataclass
class DossierCard:
    exam: Exam
    rule: ExamRule | None
    dossier: Dossier | None
    late: bool
    defects: list[Defect]

    @property
    def deadline(self) -> datetime.date | None:
        return self.rule.deposit_deadline if self.rule is not None else None

    @property
    def deadline_passed(self) -> bool:
        return deadline_passed(self.deadline)

    @property
    def submitted(self) -> bool:
        return self.dossier is not None and self.dossier.state == DossierState.SUBMITTED


def dossier_cards(student: Student) -> list[DossierCard]:
    """One card per CCF exam of the student's session, with or without a dossier yet."""
    session = student.cohort.exam_session
    exams = (
        Exam.objects.filter(version_id=session.version_id, ccf=True).prefetch_related("fiche_kinds").order_by("code")
    )
    rules = {r.exam_id: r for r in ExamRule.objects.filter(session=session)}
    dossiers = {d.exam_id: d for d in Dossier.objects.filter(student=student, session=session).select_related("exam")}
    cards = []
    for exam in exams:
        rule, dossier = rules.get(exam.pk), dossiers.get(exam.pk)
        unsaved = Dossier(student=student, exam=exam, session=session)
        cards.append(
            DossierCard(
                exam=exam,
                rule=rule,
                dossier=dossier,
                late=dossier is not None and is_late(dossier, deadline=rule.deposit_deadline if rule else None),
                defects=composition_defects(dossier or unsaved),
            )
        )
    return cards


# --- The text of the fiches of a dossier ---------------------------------------------------------------------------


@dataclass
class RubricText:
    label: str
    text: str


@dataclass
class FichePart:
    title: str
    sections: list[tuple[str, list[RubricText]]] = field(default_factory=list)


@dataclass
class DossierFicheView:
    item: DossierFiche
    title: str
    frozen: bool  # the text deposited (a FicheVersion), or the live fiche of a draft
    verso_number: int | None
    parts: list[FichePart]

    @property
    def fiche(self) -> Fiche:
        return self.item.fiche


def _verso_index(versos: list[FicheVerso], verso_id: int | None) -> int | None:
    """Position in the ordered versos: snapshots list versos in that order, and versos are only ever appended."""
    for index, verso in enumerate(versos):
        if verso.pk == verso_id:
            return index
    return None


def _part(form, part: str, title: str, content: dict) -> FichePart:
    sections = [
        (section, [RubricText(r.label, str(content.get(r.code, "") or "")) for r in rubrics])
        for section, rubrics in form.sections(part)
    ]
    return FichePart(title, sections)


def dossier_fiche_views(dossier: Dossier) -> list[DossierFicheView]:
    """Each fiche of the dossier as deposited (from its frozen version) or, for a draft, as it stands now."""
    items = (
        dossier.items.select_related("fiche__exam", "fiche__kind", "version")
        .prefetch_related(Prefetch("fiche__versos", queryset=FicheVerso.objects.order_by("order")))
        .order_by("order", "pk")
    )
    views = []
    for item in items:
        fiche = item.fiche
        form = fiche_definition(fiche.forms_session, fiche.exam.code)
        versos = list(fiche.versos.all())
        index = _verso_index(versos, item.verso_id)
        if item.version is not None:
            title, recto, verso_contents = item.version.title, item.version.recto, item.version.versos
        else:
            title, recto, verso_contents = fiche.title, fiche.recto, [v.content for v in versos]
        parts = [_part(form, "recto", "Recto", recto)]
        if form.has_verso and index is not None and index < len(verso_contents):
            parts.append(_part(form, "verso", f"Verso {index + 1}", verso_contents[index]))
        views.append(
            DossierFicheView(item, title, item.version is not None, None if index is None else index + 1, parts)
        )
    return views
