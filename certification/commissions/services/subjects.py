"""The « fiche sujet » of E4 situation B: written by the commission from one fiche of the candidate's deposited dossier.

Both parts (ANNEXE V–2 candidate, V–3 jury) start from the text the candidate deposited (the frozen FicheVersion,
through each rubric's ``prefill_from``); the commission then changes some parameters. ``originals`` keeps the
pre-filled text so that the changes can be listed (ParameterChange, rewritten at each save) and weighed: the change
must be significant without making a totally new situation. The student's Fiche is only read, never written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import Student, User
from audit.services import log_action
from certification.commissions.models import Commission, ParameterChange, Passage, SubjectPart, SubjectSheet
from certification.commissions.services.subject_changes import Measure, measure, same_words
from certification.commissions.services.subject_definition import (
    SubjectDefinition,
    SubjectPartDefinition,
    subject_definition,
)
from certification.dossiers.models import Dossier, DossierFiche, DossierState
from lib import versioning
from lib.collation import by_name
from lib.refusals import Conflict, Refused
from passeport.rubrics import fiche_definition
from referentiel.exams import SituationDefinition

PARTS = (SubjectPart.CANDIDATE.value, SubjectPart.JURY.value)
SHARED_NOTE = (
    "Repris de la partie candidat (même paramètre dans les deux parties) : modifiez-le dans la partie candidat."
)
MAX_RUBRIC_LENGTH = 4000

STALE_MESSAGE = (
    "La fiche sujet a été modifiée par un autre membre pendant que vous la rédigiez : vos textes ne sont pas "
    "enregistrés. Ils restent dans le formulaire ci-dessous ; relisez la version actuelle puis enregistrez à nouveau."
)
NOT_E4 = "La fiche sujet n'existe que pour la situation B de l'épreuve E4."
NO_DOSSIER = (
    "Le candidat n'a pas de dossier E4 déposé pour cette session : la fiche sujet s'écrit à partir d'une des "
    "fiches du dossier déposé."
)
NOT_IN_DOSSIER = "Choisissez l'une des fiches du dossier déposé par le candidat."
ALREADY_STARTED = "Une fiche sujet existe déjà pour ce candidat : changez la fiche choisie depuis la fiche sujet."
NOT_FROZEN = "Cette fiche n'a pas de version déposée : elle ne peut pas servir de base à la fiche sujet."


class SubjectError(Refused):
    """A refused action, with the French message shown to the user."""


class StaleSubject(SubjectError, Conflict):
    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message)


# --- Reads ------------------------------------------------------------------------------------------------------


def form_of(commission: Commission) -> SubjectDefinition:
    return subject_definition(commission.session.forms_session)


def normalise(text: str | None) -> str:
    """Whitespace collapsed: re-wrapping a line or adding a trailing space is not a change of parameter."""
    return " ".join((text or "").split())


def submitted_dossier(commission: Commission, student: Student) -> Dossier | None:
    return Dossier.objects.filter(
        student=student,
        exam_id=commission.exam_id,
        session_id=commission.session_id,
        state=DossierState.SUBMITTED,
    ).first()


def dossier_fiches(commission: Commission, student: Student) -> list[DossierFiche]:
    """The fiches of the candidate's deposited E4 dossier for the commission's session, in the dossier's order."""
    return list(
        DossierFiche.objects.filter(
            dossier__student=student,
            dossier__exam_id=commission.exam_id,
            dossier__session_id=commission.session_id,
            dossier__state=DossierState.SUBMITTED,
        )
        .select_related("fiche__kind", "version", "verso")
        .order_by("order", "pk")
    )


def _verso_index(item: DossierFiche) -> int:
    """Position of the dossier's verso among the fiche's versos, as frozen in ``FicheVersion.versos``."""
    if item.verso is None:
        return 0
    return item.fiche.versos.filter(order__lt=item.verso.order).count()


def fiche_texts(item: DossierFiche) -> dict[str, str]:
    """The deposited text of every rubric of the fiche (recto and the dossier's verso), by fiche rubric code."""
    version = item.version
    if version is None:
        raise SubjectError(NOT_FROZEN)
    versos = version.versos or []
    index = _verso_index(item)
    verso = versos[index] if index < len(versos) else (versos[0] if versos else {})
    return {**(verso or {}), **(version.recto or {})}


def _prefill(part: SubjectPartDefinition, texts: dict[str, str], labels: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for rubric in part.rubrics:
        sources = [(code, (texts.get(code) or "").strip()) for code in rubric.prefill_from]
        sources = [(code, text) for code, text in sources if text]
        if len(sources) == 1:
            out[rubric.code] = sources[0][1]
        else:
            # Several fiche rubrics feed one parameter: each keeps its fiche label so the origin stays readable.
            out[rubric.code] = "\n".join(f"{labels.get(code, code).rstrip(' :')} : {text}" for code, text in sources)
    return out


def prefill(commission: Commission, item: DossierFiche) -> dict[str, dict[str, str]]:
    """Both parts pre-filled from the dossier fiche's frozen text: ``{"candidate": {...}, "jury": {...}}``."""
    form = form_of(commission)
    texts = fiche_texts(item)
    fiche_rubrics = fiche_definition(item.fiche.forms_session, commission.exam.code)
    labels = {rubric.code: rubric.label for rubric in fiche_rubrics.rubrics}
    return {part: _prefill(form.part(part), texts, labels) for part in PARTS}


def changed_codes(sheet: SubjectSheet, part: str) -> list[str]:
    """Rubrics of ``part`` whose words differ from the pre-filled text's, in the form's order.

    Case, accents, punctuation and spacing aside: a full stop added is not a changed parameter.
    """
    texts = getattr(sheet, part) or {}
    originals = (sheet.originals or {}).get(part, {})
    return [
        rubric.code
        for rubric in form_of(sheet.commission).part(part).rubrics
        if not same_words(originals.get(rubric.code), texts.get(rubric.code))
    ]


@dataclass
class ChangeAnalysis:
    changed: int  # candidate-part rubrics whose words changed
    total: int
    warnings: list[str] = field(default_factory=list)
    words: int = 0  # words replaced, added or removed in the candidate part
    percent: int = 0  # their share of the candidate part's words


def _pct(value: float) -> int:
    return round(value)


def _warnings(
    measured: Measure, minimum: int, maximum: int, labels: dict[str, str], new_codes: tuple[str, ...]
) -> list[str]:
    warnings = []
    if measured.changed_words < minimum:
        warnings.append(
            f"Attention : rien de significatif n'a changé ({measured.changed_words} mot(s) modifié(s) dans la partie "
            f"candidat, au moins {minimum} attendu(s) ; la ponctuation, les majuscules et les accents ne comptent "
            "pas). La fiche sujet doit modifier de façon significative et réaliste certains paramètres de la fiche "
            "du candidat."
        )
    if measured.size and measured.percent > maximum:
        warnings.append(
            f"Attention : situation radicalement nouvelle ({_pct(measured.percent)} % des mots de la partie candidat "
            f"modifiés, plus de {maximum} %). La fiche sujet ne doit pas créer une situation totalement nouvelle "
            "pour le candidat."
        )
    for rubric in measured.replaced(new_codes, maximum):
        warnings.append(
            f"Attention : situation nouvelle — « {labels.get(rubric.code, rubric.code)} » est remplacé "
            f"({_pct(rubric.percent)} % de ses mots modifiés). Changer d'organisation, d'offre ou de nature "
            "d'activité crée une autre situation que celle de la fiche du candidat : modifiez-en des paramètres "
            "sans la remplacer."
        )
    return warnings


def analyse_changes(sheet: SubjectSheet) -> ChangeAnalysis:
    """What changed in the candidate part, in words, and the warnings of the session's thresholds (never blocking).

    The session's ``subject_min_changed`` is a number of words changed, ``subject_max_changed_percent`` the share of
    the candidate part's words changed (and of one « situation nouvelle » rubric's words: see data/forms).
    """
    session = sheet.commission.session
    form = form_of(sheet.commission)
    codes = form.candidate.codes
    measured = measure(codes, (sheet.originals or {}).get(SubjectPart.CANDIDATE, {}), sheet.candidate or {})
    labels = {rubric.code: rubric.full_label for rubric in form.candidate.rubrics}
    warnings = _warnings(
        measured,
        session.subject_min_changed,
        session.subject_max_changed_percent,
        labels,
        form.new_situation_rubrics,
    )
    return ChangeAnalysis(
        measured.changed_rubrics, len(codes), warnings, measured.changed_words, _pct(measured.percent)
    )


def part_rows(sheet: SubjectSheet, part: str, texts: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One dict per rubric of ``part``: code, label, sublabel, help, text, original, changed.

    ``texts`` overrides the saved texts (a form shown back after a conflict).
    """
    texts = texts if texts is not None else (getattr(sheet, part) or {})
    originals = (sheet.originals or {}).get(part, {})
    form = form_of(sheet.commission)
    shared = set(form.shared_codes) if part == SubjectPart.JURY else set()
    rows = []
    for rubric in form.part(part).rubrics:
        text = texts.get(rubric.code, "")
        original = originals.get(rubric.code, "")
        if rubric.code in shared:
            # One value for both parts: the candidate part's (texts saved before this rule included).
            text = (sheet.candidate or {}).get(rubric.code, "")
            original = (sheet.originals or {}).get(SubjectPart.CANDIDATE, {}).get(rubric.code, original)
        rows.append(
            {
                "code": rubric.code,
                "label": rubric.label,
                "sublabel": rubric.sublabel,
                "full_label": rubric.full_label,
                "help": rubric.help,
                "text": text,
                "original": original,
                "changed": not same_words(original, text),
                "shared": rubric.code in shared,
            }
        )
    return rows


def has_subject_sheet(commission: Commission) -> bool:
    """The commission's exam has a situation with a fiche sujet (E4 situation B), by its definition."""
    definition = commission.exam.definition
    return definition is not None and definition.has_subject_sheet


def subject_situation_code(commission: Commission) -> str | None:
    """The code of the situation whose fiche sujet the commission writes (E4: « B »); ``None`` without one."""
    definition = commission.exam.definition
    situation = definition.subject_situation if definition is not None else None
    return situation.code if situation is not None else None


def subject_situation(commission: Commission) -> SituationDefinition | None:
    """The situation of the commission's exam run on a fiche sujet, from the exam's data (``None``: no fiche sujet)."""
    definition = commission.exam.definition
    return definition.subject_situation if definition else None


def passage_of(sheet: SubjectSheet) -> Passage | None:
    """The candidate's situation B passage, when planned (its date goes in the sheet's header)."""
    situation = subject_situation(sheet.commission)
    if situation is None:
        return None
    return (
        Passage.objects.filter(
            situation__commission_id=sheet.commission_id, situation__code=situation.code, student=sheet.student
        )
        .select_related("room")
        .first()
    )


@dataclass
class SubjectLine:
    """One candidate of the commission's list: dossier state, chosen fiche, number of changes, warnings."""

    student: Student
    dossier: Dossier | None
    sheet: SubjectSheet | None
    analysis: ChangeAnalysis | None


def subject_lines(commission: Commission) -> list[SubjectLine]:
    """Every candidate of the commission's cohort, in a fixed number of queries."""
    students = list(commission.cohort.students.select_related("user").order_by(*by_name()))
    dossiers = {
        d.student_id: d
        for d in Dossier.objects.filter(
            exam_id=commission.exam_id, session_id=commission.session_id, student__in=students
        )
    }
    sheets = {
        s.student_id: s
        for s in SubjectSheet.objects.filter(commission=commission).select_related("dossier_fiche__fiche__kind")
    }
    lines = []
    for student in students:
        sheet = sheets.get(student.pk)
        if sheet is not None:
            sheet.commission = commission
        lines.append(SubjectLine(student, dossiers.get(student.pk), sheet, analyse_changes(sheet) if sheet else None))
    return lines


# --- Writes -----------------------------------------------------------------------------------------------------


def _check_choice(commission: Commission, student: Student, dossier_fiche: DossierFiche) -> DossierFiche:
    if not has_subject_sheet(commission):
        raise SubjectError(NOT_E4)
    items = dossier_fiches(commission, student)
    if not items:
        raise SubjectError(NO_DOSSIER)
    chosen = next((item for item in items if item.pk == dossier_fiche.pk), None)
    if chosen is None:
        raise SubjectError(NOT_IN_DOSSIER)
    return chosen


def _apply_fiche(sheet: SubjectSheet, commission: Commission, item: DossierFiche) -> None:
    texts = prefill(commission, item)
    sheet.dossier_fiche = item
    sheet.fiche_number = item.order
    sheet.title = (item.version.title if item.version else item.fiche.title)[:300]
    sheet.activity_kind = form_of(commission).kind_of_fiche(item.fiche.kind.code)
    form = form_of(commission)
    candidate = dict(texts[SubjectPart.CANDIDATE])
    jury = _with_shared(form, candidate, texts[SubjectPart.JURY])
    sheet.candidate, sheet.jury = candidate, jury
    sheet.originals = {SubjectPart.CANDIDATE: dict(candidate), SubjectPart.JURY: dict(jury)}


def _fiche_ref(item: DossierFiche) -> dict[str, Any]:
    return {"dossier_fiche": item.pk, "fiche": item.fiche_id, "version": item.version_id, "numero": item.order}


def start_subject_sheet(
    *, commission: Commission, student: Student, dossier_fiche: DossierFiche, actor: User
) -> SubjectSheet:
    """Create the candidate's fiche sujet from one fiche of their deposited dossier, both parts pre-filled."""
    item = _check_choice(commission, student, dossier_fiche)
    if SubjectSheet.objects.filter(commission=commission, student=student).exists():
        raise SubjectError(ALREADY_STARTED)
    sheet = SubjectSheet(commission=commission, student=student, created_by=actor, updated_by=actor)
    _apply_fiche(sheet, commission, item)
    try:
        with transaction.atomic():
            sheet.save()
            log_action(
                "subject.created",
                actor=actor,
                obj=sheet,
                establishment_id=commission.cohort.establishment_id,
                changes=_fiche_ref(item),
            )
    except IntegrityError as race:
        raise SubjectError(ALREADY_STARTED) from race
    return sheet


def _locked(sheet: SubjectSheet, expected_version: int) -> SubjectSheet:
    locked = versioning.locked(SubjectSheet.objects.filter(pk=sheet.pk))
    if locked is None:  # deleted since the page was shown
        raise StaleSubject()
    versioning.ensure_version(locked, expected_version, StaleSubject)
    locked.commission = sheet.commission
    return locked


def change_chosen_fiche(
    *, sheet: SubjectSheet, dossier_fiche: DossierFiche, expected_version: int, actor: User
) -> SubjectSheet:
    """Start again from another fiche of the dossier: both parts are pre-filled anew, earlier changes dropped."""
    commission = sheet.commission
    item = _check_choice(commission, sheet.student, dossier_fiche)
    with transaction.atomic():
        locked = _locked(sheet, expected_version)
        previous = locked.dossier_fiche_id
        _apply_fiche(locked, commission, item)
        locked.version += 1
        locked.updated_by = actor
        locked.save()  # every field: the whole sheet is pre-filled anew
        ParameterChange.objects.filter(sheet=locked).delete()
        log_action(
            "subject.fiche_changed",
            actor=actor,
            obj=locked,
            establishment_id=commission.cohort.establishment_id,
            changes={"avant": previous, **_fiche_ref(item)},
        )
    return locked


def _with_shared(form: SubjectDefinition, candidate: dict[str, str], jury: dict[str, str]) -> dict[str, str]:
    """The jury part with the candidate part's text in every shared rubric."""
    return {**jury, **{code: candidate.get(code, "") for code in form.shared_codes}}


def _clean_part(
    part: SubjectPartDefinition, values: dict[str, Any] | None, current: dict[str, str], skip: tuple[str, ...] = ()
) -> dict[str, str]:
    values = values or {}
    out = dict(current)
    for code in part.codes:
        if code in values and code not in skip:
            text = str(values[code] or "").replace("\r\n", "\n").strip()
            out[code] = text[:MAX_RUBRIC_LENGTH]
    return out


def _rewrite_changes(sheet: SubjectSheet) -> dict[str, list[str]]:
    ParameterChange.objects.filter(sheet=sheet).delete()
    parts = [SubjectPart.CANDIDATE] + ([SubjectPart.JURY] if sheet.with_jury_part else [])
    listed: dict[str, list[str]] = {}
    rows = []
    for part in parts:
        originals = (sheet.originals or {}).get(part, {})
        texts = getattr(sheet, part)
        # A shared rubric is one parameter: listed once, with the candidate part.
        skip = form_of(sheet.commission).shared_codes if part == SubjectPart.JURY else ()
        listed[part] = [code for code in changed_codes(sheet, part) if code not in skip]
        rows += [
            ParameterChange(
                sheet=sheet, part=part, rubric=code, original_text=originals.get(code, ""), new_text=texts.get(code, "")
            )
            for code in listed[part]
        ]
    ParameterChange.objects.bulk_create(rows)
    return listed


def save_subject_sheet(
    *, sheet: SubjectSheet, data: dict[str, Any], expected_version: int, actor: User
) -> SubjectSheet:
    """Save the texts of both parts: ``data = {"candidate": {code: text}, "jury": {...}, "with_jury_part": bool}``.

    The rubrics the two parts share (``SubjectDefinition.shared_codes``) keep one value, the candidate part's: the jury
    plays the situation the candidate prepares, so the parts cannot contradict each other on a shared parameter.

    ``expected_version`` is the version the form was built on: another member's save in between is a conflict
    (StaleSubject) and nothing is written. The changed parameters are listed again from scratch.
    """
    form = form_of(sheet.commission)
    with transaction.atomic():
        locked = _locked(sheet, expected_version)
        candidate = _clean_part(form.candidate, data.get(SubjectPart.CANDIDATE), locked.candidate or {})
        # A shared rubric has one value, the candidate part's: a jury text sent for it is not read.
        jury = _clean_part(form.jury, data.get(SubjectPart.JURY), locked.jury or {}, skip=form.shared_codes)
        jury = _with_shared(form, candidate, jury)
        edited = [c for c in form.candidate.codes if candidate.get(c) != (locked.candidate or {}).get(c)]
        edited += [f"jury.{c}" for c in form.jury.codes if jury.get(c) != (locked.jury or {}).get(c)]
        locked.candidate, locked.jury = candidate, jury
        locked.with_jury_part = bool(data.get("with_jury_part", locked.with_jury_part))
        locked.updated_by = actor
        versioning.bump(locked, "candidate", "jury", "with_jury_part", "updated_by")
        listed = _rewrite_changes(locked)
        log_action(
            "subject.saved",
            actor=actor,
            obj=locked,
            establishment_id=locked.commission.cohort.establishment_id,
            changes={"version": locked.version, "modifiees": listed, "editees": edited},
        )
    return locked
