"""What a jury member still has to do: grids to fill, evaluation sheets to sign, fiches sujet to write.

``todo_for(user)`` reads the member's seats in one query, then one query per kind, whatever the number of
candidates: each kind is a single query over « candidate × commission where the user sits », the conditions written as
``EXISTS`` subqueries. Jury only: nothing here is ever shown to a student.

- « Grille à remplir »: the candidate's date has come (a dated step of one of the commission's situations, or the
  candidate's own passage, has started) and the member's own grid does not position every line of the exam's grid
  (a missing grid counts as empty). The lines of a compétence the candidate is not assessed on (E4 situation B: the
  compétence of the fiche not chosen, read from the fiche sujet, else from the evaluation sheet, as
  ``selectors.assessed`` does) are neither counted nor required. A candidate whose result is locked (sheet signed),
  NV or absent is left out: no grid is to be filled for them any more.
- « Signature demandée »: the evaluation sheet exists and the commission set a mark or a status (note, réservée, NV,
  absent): that is what ``sheets.sign_sheet`` needs to sign. It stays listed while the member has no *valid*
  signature (a signature given on an older version of the sheet or another mark has to be renewed).
- « Fiche sujet à rédiger » (exams whose definition has a fiche sujet: E4; teachers of the commission, not the
  professionals): a candidate with a passage of the fiche sujet's situation (E4 B), or a submitted dossier, and no
  fiche sujet yet; scheduled passages first, soonest first.
- « Convocations non remises » (the commission's responsible): one item per commission with its count of current
  convocations whose email was refused, given up or left « incertain » (``services.delivery.stopped``), linking
  to the commission page where each can be resent or replaced by the letter handed over. Read with the seats, so no
  extra query.
"""

from __future__ import annotations

import functools
import operator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import Student, User
from certification.commissions.models import (
    Commission,
    CommissionMember,
    MemberRole,
    Passage,
    PassageJuror,
    SituationStep,
    SubjectSheet,
)
from certification.dossiers.models import Dossier, DossierState
from certification.evaluation.models import (
    CandidateResult,
    EvaluationSheet,
    GridLine,
    ResultStatus,
    Signature,
    SituationAppraisal,
)
from certification.evaluation.selectors.steps import blocking_count, blocking_steps
from certification.evaluation.selectors.todo_deliveries import (
    delivery_rows,
    undelivered_convocations,
    undelivered_count,
)
from certification.evaluation.selectors.todo_item import GRID, KIND_LABELS, SIGNATURE, SUBJECT, TodoItem
from certification.evaluation.services.sheets import format_mark
from lib.collation import by_name
from lib.prepared import PreparedQuery, count_each
from referentiel.exams import all_definitions, subject_situations
from referentiel.models import Criterion

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

SIGNABLE = [ResultStatus.MARK, ResultStatus.RESERVED, ResultStatus.NOT_VALID, ResultStatus.ABSENT]
SUBJECT_WRITERS = [MemberRole.TEACHER, MemberRole.ATELIER]
OWN_SIGNATURE = ("own_version", "own_mark")


# What the row queries annotate on their models (``WithAnnotations`` tells the type checker).
class _Seat(TypedDict):
    commission_pk: int
    seat_pk: int


class _GridRow(_Seat):
    positioned_n: int
    criteria_n: int | None


class _SubjectRow(_Seat):
    passage_at: datetime | None


class _SheetRow(TypedDict):
    seat_pk: int
    result_status: str
    result_mark: Decimal | None
    own_version: int | None
    own_mark: str | None
    signed_n: int


# Items a higher app adds (harmonisation requests, issue 16): ``register_source(kind, label, items, rows)`` with
# ``items(user, {id: commission where the user sits}) -> list[TodoItem]`` and ``rows(user id) -> QuerySet`` (one row
# per item, counted with the others in the counter's single round trip); this module never imports those apps.
_SOURCES: list[tuple] = []


def register_source(kind: str, label: str, items, rows) -> None:
    if any(source[0] == kind for source in _SOURCES):
        return
    KIND_LABELS[kind] = label
    model = rows(0).model
    _SOURCES.append(
        (kind, items, PreparedQuery(model, lambda user: rows(user).order_by().values_list("pk"), user=_SENTINEL_USER))
    )


def todo_for(user: User) -> list[TodoItem]:
    """Every item of the user's to-do list, by kind: the steps that block the commissions the user manages, then
    grids, signatures and fiches sujet. A new kind is one more function returning ``TodoItem`` rows, listed here."""
    if not user.is_authenticated:
        return []
    return [*blocking_steps(user), *_seat_items(user)]


def _seat_items(user: User) -> list[TodoItem]:
    seats = list(
        CommissionMember.objects.filter(user=user)
        .select_related("commission__exam", "commission__cohort__establishment", "commission__session")
        .annotate(undelivered_n=Subquery(undelivered_count("commission_id")))
        .order_by("commission_id")
    )
    commissions = {seat.commission_id: seat.commission for seat in seats}
    if not commissions:
        return []
    return [
        *_grids_to_fill(user, commissions),
        *_sheets_to_sign(user, commissions),
        *_subjects_to_write(user, commissions),
        *undelivered_convocations(user, seats),
        *(item for _kind, items, _prepared in _SOURCES for item in items(user, commissions)),
    ]


def todo_count(user: User) -> int:
    """``len(todo_for(user))`` without building the items: the same row queries, counted by the database (grids,
    fiches sujet) or read as a few values (signatures, whose condition compares the formatted mark in Python).

    The navigation shows this number on every staff page. The three querysets are compiled once per process
    (``lib.prepared``): a count then costs the database's time only, about a millisecond. Why kept (2026-12, bench/
    todo_counter.py, 30 candidates): the same counts through the ORM, in one query, cost 61 ms CPU instead of 19 ms,
    about 40 ms more on every staff page, more than the whole grid page; the grids' queryset alone takes 17 ms to
    compile. The steps that block the commissions the user manages are counted by ``steps.blocking_count``, kept
    until a commission writes again (``lib.generations``): their fourteen reads cost 10 ms a page.
    """
    if not user.is_authenticated:
        return 0
    now = timezone.now()
    grids, subjects, deliveries, *registered = count_each(
        (_PREPARED_GRIDS, {"user": user.pk, "now": now, "today": timezone.localdate(now)}),
        (_PREPARED_SUBJECTS, {"user": user.pk}),
        (_PREPARED_DELIVERIES, {"user": user.pk}),
        *((prepared, {"user": user.pk}) for _kind, _items, prepared in _SOURCES),
    )
    to_sign = sum(1 for row in _PREPARED_SHEETS.rows(user=user.pk) if _signature_due(*row)[0])
    return blocking_count(user) + grids + to_sign + subjects + deliveries + sum(registered)


def _signature_due(version: int, status: str, mark, own_version: int | None, own_mark: str | None) -> tuple[bool, str]:
    """(the member's signature is missing or stale, the mark as the sheet shows it)."""
    shown = format_mark(CandidateResult(status=status, mark=mark))
    return not (own_version == version and own_mark == shown), shown


def _candidates_of_seats(
    user: User | int, *, seat: dict | None = None, commission: dict | None = None, where: Q | None = None
) -> QuerySet[WithAnnotations[Student, _Seat]]:
    """One row per (candidate, commission where ``user`` sits), annotated with the commission and the seat.

    ``where`` is a condition on the candidate's rows written with the ``cohort__commissions__`` paths.
    """
    filters = {"cohort__commissions__members__user": user}
    filters.update({f"cohort__commissions__members__{name}": value for name, value in (seat or {}).items()})
    filters.update({f"cohort__commissions__{name}": value for name, value in (commission or {}).items()})
    # One filter() call, then F() annotations: Django reuses the same joins, so each row pairs a candidate with
    # one commission of their cohort and the user's seat on it.
    return (
        Student.objects.filter(where or Q(), **filters)
        .annotate(
            commission_pk=F("cohort__commissions__pk"),
            seat_pk=F("cohort__commissions__members__pk"),
        )
        .select_related("user")
    )


def _closed_result() -> Exists:
    """The candidate's result is locked (sheet signed), NV or absent: nothing left to assess."""
    results = CandidateResult.objects.filter(commission_id=OuterRef("commission_pk"), student_id=OuterRef("pk"))
    return Exists(
        results.filter(Q(locked_at__isnull=False) | Q(status__in=[ResultStatus.NOT_VALID, ResultStatus.ABSENT]))
    )


def _not_assessed_order() -> Case | Value:
    """The order of the compétence the candidate is not assessed on (0: none, or the fiche is not known yet).

    Written from the exams' data: for each exam with a choice (E4 B), each fiche kind leaves the other choice
    compétence out. The kind is the fiche sujet's, else the one of the fiche named on the evaluation sheet.
    """
    sheet_kind = SubjectSheet.objects.filter(commission_id=OuterRef("commission_pk"), student_id=OuterRef("pk"))
    whens = []
    for (version_code, exam_code), definition in sorted(all_definitions().items()):
        for situation in definition.situations:
            for kind, order in sorted(situation.assesses_one_of.items()):
                left_out = [other for other in situation.choice_orders if other != order]
                if len(left_out) != 1:
                    continue  # one compétence left out per kind (E4); other layouts count every line
                appraisal = SituationAppraisal.objects.filter(
                    sheet__commission_id=OuterRef("commission_pk"),
                    sheet__student_id=OuterRef("pk"),
                    situation__code=situation.code,
                    fiche__kind__code=kind,
                )
                # Q(Exists(…)): the same condition, typed as a Q to be combined with the exam's Q below.
                chosen = Q(Exists(appraisal))
                if situation.subject_sheet:
                    by_sheet = sheet_kind.filter(dossier_fiche__fiche__kind__code=kind)
                    chosen = Exists(by_sheet) | (~Exists(sheet_kind) & Exists(appraisal))
                whens.append(
                    When(
                        Q(exam_code=exam_code, version_code=version_code) & chosen,
                        then=Value(left_out[0]),
                    )
                )
    if not whens:
        return Value(0, output_field=IntegerField())
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _grid_rows(
    user: User | int, now: datetime | None = None, today: date | None = None
) -> QuerySet[WithAnnotations[Student, _GridRow]]:
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    criteria = (
        Criterion.objects.filter(competency__block_id=OuterRef("block_pk"))
        .exclude(competency__order=OuterRef("not_assessed_order"))
        .order_by()
        .values("competency__block_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    positioned = (
        GridLine.objects.filter(grid__member_id=OuterRef("seat_pk"), grid__student_id=OuterRef("pk"))
        .filter(level__isnull=False)
        .exclude(criterion__competency__order=OuterRef("not_assessed_order"))
        .order_by()
        .values("grid_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    step_passed = SituationStep.objects.filter(situation__commission_id=OuterRef("commission_pk"), date__lte=today)
    passage_started = Passage.objects.filter(
        situation__commission_id=OuterRef("commission_pk"), student_id=OuterRef("pk"), starts_at__lte=now
    )
    rows = (
        _candidates_of_seats(user)
        .annotate(
            exam_code=F("cohort__commissions__exam__code"),
            version_code=F("cohort__commissions__exam__version__code"),
        )
        .annotate(not_assessed_order=_not_assessed_order())
        .annotate(
            block_pk=F("cohort__commissions__exam__block_id"),
            criteria_n=Subquery(criteria),
            positioned_n=Coalesce(Subquery(positioned), 0),
        )
        .filter(Q(Exists(step_passed)) | Q(Exists(passage_started)))
        .exclude(_closed_result())
        .filter(positioned_n__lt=F("criteria_n"))
        .order_by("commission_pk", *by_name())
    )
    return rows


def _grids_to_fill(user: User, commissions: dict[int, Commission]) -> list[TodoItem]:
    items = []
    for student in _grid_rows(user):
        commission = commissions[student.commission_pk]
        items.append(
            TodoItem(
                kind=GRID,
                label=f"{KIND_LABELS[GRID]} : {student.user.display_name}",
                url=reverse("certification:grid_member", args=[commission.pk, student.pk]),
                commission=commission,
                student=student,
                detail=f"{student.positioned_n} critère{'s' if student.positioned_n > 1 else ''} positionné"
                f"{'s' if student.positioned_n > 1 else ''} sur {student.criteria_n}",
            )
        )
    return items


def _sheet_rows(user: User | int) -> QuerySet[WithAnnotations[EvaluationSheet, _SheetRow]]:
    # order_by(): a candidate has one result and a member one signature per sheet; the models' default orderings
    # would add joins (eight for CandidateResult) that PostgreSQL plans again at every page.
    result = CandidateResult.objects.filter(
        commission_id=OuterRef("commission_id"), student_id=OuterRef("student_id")
    ).order_by()
    own = Signature.objects.filter(sheet_id=OuterRef("pk"), member_id=OuterRef("seat_pk")).order_by()
    signed = (
        Signature.objects.filter(sheet_id=OuterRef("pk")).order_by().values("sheet_id").annotate(n=Count("pk"))
    ).values("n")
    # Who signs (services.sheets.situation_signers): the responsible members, and the jury of the candidate's passage
    # (only the situation run on the fiche sujet has a jury-signed passage in the data so far).
    on_jury = PassageJuror.objects.filter(
        member_id=OuterRef("seat_pk"),
        passage__student_id=OuterRef("student_id"),
        passage__situation__commission_id=OuterRef("commission_id"),
    ).order_by()
    return (
        EvaluationSheet.objects.filter(commission__members__user=user)
        .annotate(
            seat_pk=F("commission__members__pk"),
            seat_responsible=F("commission__members__carries_responsibility"),
            result_status=Subquery(result.values("status")[:1]),
            result_mark=Subquery(result.values("mark")[:1]),
            own_version=Subquery(own.values("sheet_version")[:1]),
            own_mark=Subquery(own.values("mark_repr")[:1]),
            signed_n=Coalesce(Subquery(signed), 0),
        )
        .filter(result_status__in=SIGNABLE)
        .filter(Q(seat_responsible=True) | Exists(on_jury))
        .order_by("commission_id", *by_name("student__user__"))
    )


def _sheets_to_sign(user: User, commissions: dict[int, Commission]) -> list[TodoItem]:
    items = []
    for sheet in _sheet_rows(user).select_related("student__user"):
        due, mark = _signature_due(
            sheet.version, sheet.result_status, sheet.result_mark, sheet.own_version, sheet.own_mark
        )
        if not due:
            continue
        commission = commissions[sheet.commission_id]
        others = sheet.signed_n - (1 if sheet.own_version is not None else 0)
        detail = f"Note : {mark}"
        if others:
            detail += f" — déjà signée par {others} autre{'s' if others > 1 else ''} membre{'s' if others > 1 else ''}"
        if sheet.own_version is not None:
            detail += " — votre signature est à renouveler"
        items.append(
            TodoItem(
                kind=SIGNATURE,
                label=f"{KIND_LABELS[SIGNATURE]} : {sheet.student.user.display_name}",
                url=reverse("certification:evaluation_sign", args=[commission.pk, sheet.student_id]),
                commission=commission,
                student=sheet.student,
                detail=detail,
            )
        )
    return items


def _subject_exams() -> list[tuple[Q, str]]:
    """(the commission's exam is one with a fiche sujet, the code of its fiche sujet's situation), from the data:
    the counter's query is compiled once per process, before any database read."""
    prefix = "cohort__commissions__exam__"
    return [
        (Q(**{f"{prefix}version__code": version, f"{prefix}code": exam}), situation)
        for version, exam, situation in subject_situations()
    ]


def _subject_rows(user: User | int) -> QuerySet[WithAnnotations[Student, _SubjectRow]]:
    exams = _subject_exams()
    # No OR with an empty Q: the joins of the commission's exam stay inner joins.
    with_subject = functools.reduce(operator.or_, (condition for condition, _ in exams)) if exams else Q(pk__in=[])
    passage_b = Passage.objects.filter(
        situation__commission_id=OuterRef("commission_pk"),
        situation__code=OuterRef("subject_situation"),
        student_id=OuterRef("pk"),
    ).order_by("starts_at")
    sheet = SubjectSheet.objects.filter(commission_id=OuterRef("commission_pk"), student_id=OuterRef("pk"))
    submitted = Dossier.objects.filter(
        student_id=OuterRef("pk"),
        exam_id=OuterRef("exam_pk"),
        session_id=OuterRef("session_pk"),
        state=DossierState.SUBMITTED,
    )
    rows = (
        _candidates_of_seats(user, seat={"role__in": SUBJECT_WRITERS}, where=with_subject)
        .annotate(
            exam_pk=F("cohort__commissions__exam_id"),
            session_pk=F("cohort__commissions__session_id"),
            subject_situation=Case(
                *(When(condition, then=Value(situation)) for condition, situation in exams),
                default=None,
                output_field=CharField(),
            ),
            passage_at=Subquery(passage_b.values("starts_at")[:1]),
        )
        .exclude(Exists(sheet))
        .filter(Q(passage_at__isnull=False) | Q(Exists(submitted)))
        .exclude(_closed_result())
        .order_by(F("passage_at").asc(nulls_last=True), *by_name())
    )
    return rows


def _subjects_to_write(user: User, commissions: dict[int, Commission]) -> list[TodoItem]:
    items = []
    for student in _subject_rows(user):
        commission = commissions[student.commission_pk]
        if student.passage_at is not None:
            detail = f"Passage (situation B) le {timezone.localtime(student.passage_at):%d/%m/%Y à %H:%M}"
        else:
            detail = "Dossier déposé, passage pas encore planifié"
        items.append(
            TodoItem(
                kind=SUBJECT,
                label=f"{KIND_LABELS[SUBJECT]} : {student.user.display_name}",
                url=reverse("certification:subject_edit", args=[commission.pk, student.pk]),
                commission=commission,
                student=student,
                detail=detail,
            )
        )
    return items


def _sheet_values(user: int) -> QuerySet[EvaluationSheet]:
    return _sheet_rows(user).order_by().values_list("version", "result_status", "result_mark", *OWN_SIGNATURE)


# The counter's queries, compiled once per process with improbable values in place of the user and the dates.
_SENTINEL_USER = 2_000_000_011
_PREPARED_GRIDS = PreparedQuery(
    Student,
    lambda user, now, today: _grid_rows(user, now, today).select_related(None).order_by().values_list("pk"),
    user=_SENTINEL_USER,
    now=datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC),
    today=date(1901, 2, 4),
)
_PREPARED_SUBJECTS = PreparedQuery(
    Student, lambda user: _subject_rows(user).select_related(None).order_by().values_list("pk"), user=_SENTINEL_USER
)
_PREPARED_SHEETS = PreparedQuery(EvaluationSheet, _sheet_values, user=_SENTINEL_USER)
_PREPARED_DELIVERIES = PreparedQuery(
    Commission, lambda user: delivery_rows(user).order_by().values_list("pk"), user=_SENTINEL_USER
)
