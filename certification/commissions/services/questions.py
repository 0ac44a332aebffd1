"""« Et si… » questions for the entretien évocateur: prepared per fiche sujet, and the establishment's reusable bank.

Suggestions come from the changed parameters of the sheet and the templates of data/forms/subject-sheet-*.yaml,
filled with the new text. Everything here is the jury's: it never reaches a candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, IntegerField, Max, QuerySet, Value, When

from accounts.models import Establishment, User
from audit.services import log_action
from certification.commissions.models import ParameterChange, Question, SubjectPart, SubjectQuestion, SubjectSheet
from certification.commissions.services.subject_definition import latest_forms_session, subject_definition
from certification.commissions.services.subjects import form_of, normalise
from lib.refusals import Refused

MAX_QUESTION_LENGTH = 1000
SHORT_LENGTH = 120
EMPTY = "Écrivez la question avant de l'ajouter."
TOO_LONG = f"Une question tient en {MAX_QUESTION_LENGTH} caractères au plus."
UNKNOWN_RUBRIC = "Rubrique inconnue : choisissez-en une dans la liste, ou « question générale »."
IN_BANK = "Cette question est déjà dans la banque de l'établissement."
ALREADY_ADDED = "Cette question est déjà préparée pour cette fiche sujet."

# Words that start a sentence but read in lower case after « que » (« Et si je vous disais que le client… »).
_LOWER_FIRST_WORDS = {
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "votre", "vos", "notre", "nos", "son", "sa", "ses",
    "leur", "leurs", "mon", "ma", "mes", "il", "elle", "ils", "elles", "on", "nous", "vous", "je", "j", "ce", "cet",
    "cette", "ces", "depuis", "aucun", "aucune", "tout", "tous", "toute", "toutes", "chaque", "plusieurs",
    "certains", "certaines", "en", "au", "aux", "pas", "plus", "seul", "seule", "client", "cliente", "budget",
}  # fmt: skip


class QuestionError(Refused):
    pass


# --- Suggestions ------------------------------------------------------------------------------------------------


def shorten(text: str, limit: int = SHORT_LENGTH) -> str:
    """One line, at most ``limit`` characters cut on a word, without its final full stop."""
    text = normalise(text).rstrip(" .;:!")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def lower_first(text: str) -> str:
    match = re.match(r"([A-Za-zÀ-ÿ]+)", text)
    if match and match.group(1).lower() in _LOWER_FIRST_WORDS and not match.group(1).isupper():
        return text[0].lower() + text[1:]
    if match and len(match.group(1)) == 1 and match.group(1) in "LDJ" and text[1:2] in "'’":
        return text[0].lower() + text[1:]
    return text


@dataclass(frozen=True)
class Suggestion:
    rubric: str
    part: str
    label: str
    text: str
    added: bool = False


def suggestions_for(sheet: SubjectSheet) -> list[Suggestion]:
    """« Et si… » questions built from the sheet's changed parameters (candidate part first), without duplicates."""
    form = form_of(sheet.commission)
    prepared = {normalise(text) for text in sheet.questions.values_list("text", flat=True)}
    changes = sorted(ParameterChange.objects.filter(sheet=sheet), key=lambda c: (c.part != SubjectPart.CANDIDATE, c.pk))
    out: list[Suggestion] = []
    seen: set[str] = set()
    for change in changes:
        rubric = form.part(change.part).rubric(change.rubric)
        if rubric is None:
            continue
        new = shorten(change.new_text)
        for template in rubric.suggestions:
            if ("{new" in template) and not new:
                continue
            text = template.format(new=new, new_lower=lower_first(new))
            key = normalise(text)
            if key in seen:
                continue
            seen.add(key)
            out.append(Suggestion(rubric.code, change.part, rubric.full_label, text, key in prepared))
    return out


def bank_for(establishment: Establishment, rubrics: list[str] | tuple[str, ...] = ()) -> QuerySet[Question]:
    """The bank's current questions, those aimed at ``rubrics`` (the changed parameters) first."""
    first = Case(When(rubric__in=list(rubrics), then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        Question.objects.filter(establishment=establishment, archived=False)
        .annotate(first=first)
        .order_by("first", "rubric", "pk")
    )


# --- Writes -----------------------------------------------------------------------------------------------------


def _clean(text: str, rubric: str, valid_rubrics: set[str]) -> tuple[str, str]:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise QuestionError(EMPTY)
    if len(text) > MAX_QUESTION_LENGTH:
        raise QuestionError(TOO_LONG)
    rubric = (rubric or "").strip()
    if rubric and rubric not in valid_rubrics:
        raise QuestionError(UNKNOWN_RUBRIC)
    return text, rubric


def _valid_rubrics(forms_session: int) -> set[str]:
    return {code for code, _label in subject_definition(forms_session).rubric_choices()}


def add_question(
    *, sheet: SubjectSheet, text: str, rubric: str = "", source: Question | None = None, actor: User
) -> SubjectQuestion:
    """Prepare a question for the sheet (written, from a suggestion, or from the bank ``source``)."""
    if source is not None and source.establishment_id != sheet.commission.cohort.establishment_id:
        source = None
    text, rubric = _clean(text, rubric, _valid_rubrics(sheet.commission.session.forms_session))
    with transaction.atomic():
        SubjectSheet.objects.select_for_update().filter(pk=sheet.pk).first()
        if any(normalise(t) == normalise(text) for t in sheet.questions.values_list("text", flat=True)):
            raise QuestionError(ALREADY_ADDED)
        order = (sheet.questions.aggregate(top=Max("order"))["top"] or 0) + 1
        question = SubjectQuestion.objects.create(sheet=sheet, rubric=rubric, text=text, source=source, order=order)
        log_action(
            "subject.question_added",
            actor=actor,
            obj=sheet,
            establishment_id=sheet.commission.cohort.establishment_id,
            changes={"question": question.pk, "rubrique": rubric, "banque": source.pk if source else None},
        )
    return question


@transaction.atomic
def remove_question(*, sheet: SubjectSheet, question_pk: int, actor: User) -> None:
    question = SubjectQuestion.objects.filter(sheet=sheet, pk=question_pk).first()
    if question is None:
        raise QuestionError("Cette question n'est plus dans la liste préparée.")
    log_action(
        "subject.question_removed",
        actor=actor,
        obj=sheet,
        establishment_id=sheet.commission.cohort.establishment_id,
        changes={"question": question.pk, "texte": question.text[:200]},
    )
    question.delete()


@transaction.atomic
def add_to_bank(
    *, establishment: Establishment, text: str, rubric: str = "", actor: User, forms_session: int | None = None
) -> Question:
    """A reusable question in the establishment's bank (refused when the same text is already there)."""
    text, rubric = _clean(text, rubric, _valid_rubrics(forms_session or latest_forms_session()))
    existing = Question.objects.filter(establishment=establishment, archived=False).values_list("text", flat=True)
    if any(normalise(t) == normalise(text) for t in existing):
        raise QuestionError(IN_BANK)
    question = Question.objects.create(establishment=establishment, rubric=rubric, text=text, created_by=actor)
    log_action(
        "question.added", actor=actor, obj=question, establishment_id=establishment.pk, changes={"rubrique": rubric}
    )
    return question


@transaction.atomic
def archive_question(*, question: Question, actor: User) -> Question:
    """Withdraw a question from the bank; questions already prepared from it keep their text."""
    if question.archived:
        return question
    question.archived = True
    question.save(update_fields=["archived"])
    log_action("question.archived", actor=actor, obj=question, establishment_id=question.establishment_id)
    return question
