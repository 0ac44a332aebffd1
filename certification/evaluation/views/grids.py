"""The « grille d'aide à l'évaluation » (recto): each member's own grid, the agreed grid, evidence, official PDF.

Jury only. A student gets a 404 on every page here (``get_commission_student`` never lets them in); a member fills
their own grid and the agreed one; an administrator who does not sit on the commission reads the agreed grid, the
evidence and the PDF, and gets a 403 on a member's grid. Every write goes through
certification.evaluation.services.grids.
"""

from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Student, User
from accounts.permissions import can_view_student
from audit.services import log_action
from certification.commissions.models import Commission, CommissionMember, MemberRole
from certification.commissions.selectors import readiness
from certification.evaluation.forms.grids import GridForm, comment_field_name, grid_initial, level_field_name
from certification.evaluation.models import Grid
from certification.evaluation.pdf import grid as grid_documents
from certification.evaluation.pdf import grid_docx
from certification.evaluation.presenters import candidate_flow
from certification.evaluation.selectors import assessed as assessed_selectors
from certification.evaluation.selectors import grids as grids_selectors
from certification.evaluation.selectors.grids import AgreedLine
from certification.evaluation.services import grids as grid_services
from certification.evaluation.services.grids import GridConflict, GridRefused, LayoutCompetency, LayoutCriterion
from certification.permissions import (
    can_manage_commission,
    get_commission_student,
    member_of,
    require_member,
)
from referentiel.models import Competency

NOT_ASSESSED_NOTE = (
    "Compétence non évaluée pour ce candidat : la fiche retenue pour la situation d'évaluation porte sur une autre "
    "compétence. Aucune ligne n'est à positionner ni comptée comme manquante."
)


@dataclass
class LineRow:
    """One critère of the page: its radio buttons' state and what to show beside it."""

    criterion: LayoutCriterion
    field_name: str
    chosen: str
    indicators: str
    saved: str | None = None  # after a conflict: the level now saved, when it differs from the submitted one
    agreed: AgreedLine | None = None
    prefilled: bool = False


@dataclass
class CompetencySection:
    competency: LayoutCompetency
    comment_name: str
    comment: str
    lines: list[LineRow] = field(default_factory=list)
    member_comments: list[tuple[CommissionMember, str]] = field(default_factory=list)
    saved_comment: str | None = None
    assessed: bool = True  # False: a compétence the candidate is not assessed on, shown without any field


class GridPage:
    """What both grid pages need; the grid and the reason why it may not be saved are read when first used (a
    successful save redirects without them: the service checks the reason again inside its transaction)."""

    def __init__(self, commission: Commission, student: Student, member: CommissionMember | None):
        self.commission = commission
        self.student = student
        self.member = member  # whose grid: None for the agreed one
        layout = grid_services.grid_layout(commission)
        # E4 situation B assesses one compétence of two, by the fiche chosen: the other one is « non évaluée »
        # (shown, never editable, never counted missing). While the fiche is not fixed, both stay editable.
        choices = assessed_selectors.fiche_choices(commission, [student.pk])
        assessed = assessed_selectors.assessed_competencies(commission, [student.pk], layout, choices=choices)
        self.assessed: tuple[int, ...] | None = assessed[student.pk]
        self.pending = (
            assessed_selectors.pending_situations(commission, choices.get(student.pk)) if self.assessed is None else ()
        )
        self.competencies = [c for c in layout if self.assessed is None or c.pk in self.assessed]
        self.not_assessed = [c for c in layout if self.assessed is not None and c.pk not in self.assessed]
        self.levels = grid_services.grid_levels(commission)

    @property
    def pending_message(self) -> str:
        return assessed_selectors.pending_message(self.pending) if self.pending else ""

    @cached_property
    def _saved(self) -> tuple[Grid | None, dict[int, str]]:
        return grid_services.grid_with_codes(self.commission, self.student, self.member)

    @property
    def grid(self) -> Grid | None:
        return self._saved[0]

    @property
    def saved_codes(self) -> dict[int, str]:
        """{criterion id: level code, "" when not positioned} of the lines the grid has recorded."""
        return self._saved[1]

    def reload(self) -> None:
        """After a conflict: show what is saved now."""
        self.__dict__.pop("_saved", None)

    @cached_property
    def block_reason(self) -> str | None:
        return grid_services.grid_block_reason(self.commission, self.student)

    def form(self, data, prefill: dict[int, str] | None = None) -> GridForm:
        """``prefill``: level codes proposed for the lines the grid has never recorded (the saved ones win).

        A bound form shows what was submitted: the saved values are not read for it.
        """
        if data is None:
            codes = {**(prefill or {}), **self.saved_codes}
            comments = grid_services.grid_comments_by_competency(self.grid)
            initial = grid_initial(self.competencies, codes, comments, self.grid.version if self.grid else 0)
        else:
            initial = {}
        return GridForm(data, competencies=self.competencies, levels=self.levels, initial=initial)


def _sections(form: GridForm, page: GridPage, conflict: bool) -> list[CompetencySection]:
    saved_codes = page.saved_codes if conflict else {}
    saved_comments = grid_services.grid_comments_by_competency(page.grid) if conflict else {}
    sections = []
    for competency in page.competencies:
        section = CompetencySection(competency, comment_field_name(competency), form.comment_text(competency))
        if conflict and saved_comments.get(competency.pk, "") != section.comment.strip():
            section.saved_comment = saved_comments.get(competency.pk, "")
        for criterion in competency.criteria:
            row = LineRow(
                criterion, level_field_name(criterion), form.chosen_code(criterion), ", ".join(criterion.indicators)
            )
            if conflict:
                saved_code = saved_codes.get(criterion.pk, "")
                if saved_code != row.chosen:
                    row.saved = saved_code or "non positionné"
            section.lines.append(row)
        sections.append(section)
    return sections


def _in_order(sections: list[CompetencySection], page: GridPage) -> list[CompetencySection]:
    """The sections in the compétences' order, a compétence not assessed for the candidate in its place."""
    not_assessed = [CompetencySection(competency, "", "", assessed=False) for competency in page.not_assessed]
    return sorted([*sections, *not_assessed], key=lambda section: section.competency.order)


def _block_context(page: GridPage, user: User) -> dict:
    step = grid_services.first_step_a(page.commission) if page.block_reason else None
    return {
        "block_reason": page.block_reason,
        "block_step": step,
        "readiness_warnings": readiness.readiness_warnings(page.commission, page.student),
        "can_manage": can_manage_commission(user, page.commission),
    }


def _save(request: AuthenticatedHttpRequest, page: GridPage, form: GridForm, member: CommissionMember | None):
    """Run the service; returns (redirect or None, conflict)."""
    try:
        if member is not None:
            grid, changed = grid_services.save_member_grid(
                commission=page.commission,
                student=page.student,
                member=member,
                levels=form.levels(),
                comments=form.comments(),
                base_version=form.cleaned_data["base_version"],
                actor=request.user,
                layout=page.competencies,
            )
        else:
            grid, changed = grid_services.save_agreed_grid(
                commission=page.commission,
                student=page.student,
                levels=form.levels(),
                comments=form.comments(),
                base_version=form.cleaned_data["base_version"],
                actor=request.user,
                layout=page.competencies,
            )
    except GridRefused as refusal:
        messages.error(request, f"Grille non enregistrée : {refusal.message}")
        return None, False
    except GridConflict as conflict:
        messages.error(request, conflict.message)
        form.with_base_version(conflict.current_version)
        page.reload()
        return None, True
    name = "certification:grid_member" if member is not None else "certification:grid_agreed"
    choice = request.POST.get("suite", "")
    onward = candidate_flow.onward_url(page.commission, page.student, name, choice)
    # Said on the next page, which may be another candidate's: the message names whose grid was saved.
    whose = f" de {page.student}" if onward else ""
    if changed and grid is not None:  # a changed grid is a written one (None: never written)
        messages.success(request, f"Grille{whose} enregistrée (version {grid.version}).")
    else:
        messages.info(request, f"Aucune modification : la grille{whose} est inchangée.")
    if onward is None and choice == candidate_flow.NEXT_CANDIDATE:
        messages.info(request, "C’était le dernier candidat de la commission : il n’y a pas de candidat suivant.")
    here = reverse(name, args=[page.commission.pk, page.student.pk]) + candidate_flow.MESSAGES_FRAGMENT
    return redirect(onward or here), False


@login_required
@require_http_methods(["GET", "POST"])
def grid_member(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    commission, student = get_commission_student(request.user, pk, student_pk)
    member = require_member(request.user, commission)
    page = GridPage(commission, student, member)
    form = page.form(request.POST or None)
    conflict = False
    if request.method == "POST" and form.is_valid():
        response, conflict = _save(request, page, form, member)
        if response is not None:
            return response
    context = {
        "page": page,
        "form": form,
        "member": member,
        "sections": _in_order(_sections(form, page, conflict), page),
        "not_assessed_note": NOT_ASSESSED_NOTE,
        "conflict": conflict,
        "flow": candidate_flow.candidate_flow(commission, student, "certification:grid_member", member=True),
        **_block_context(page, request.user),
    }
    return render(request, "certification/evaluation/grid_member.html", context, status=409 if conflict else 200)


def _agreed_sections(
    form: GridForm, page: GridPage, lines: list[AgreedLine], grids: dict[int, Grid], prefill: dict, conflict: bool
):
    by_criterion = {line.criterion.pk: line for line in lines}
    comments_by_member = {
        member_id: {comment.competency_id: comment.text for comment in grid.comments.all() if comment.text.strip()}
        for member_id, grid in grids.items()
    }
    sections = _sections(form, page, conflict)
    for section in sections:
        for row in section.lines:
            row.agreed = by_criterion[row.criterion.pk]
            row.prefilled = not form.is_bound and row.criterion.pk in prefill
        for position in lines[0].positions if lines else []:
            text = comments_by_member.get(position.member.pk, {}).get(section.competency.pk)
            if text:
                section.member_comments.append((position.member, text))
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def grid_agreed(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    commission, student = get_commission_student(request.user, pk, student_pk)
    member = member_of(request.user, commission)
    if request.method == "POST" and member is None:
        require_member(request.user, commission)
    page = GridPage(commission, student, None)
    members = list(grid_services.commission_members(commission))
    grids = grids_selectors.member_grids(commission, student)
    level_by_code = {level.code: level for level in page.levels}
    recorded = {pk: level_by_code.get(code) for pk, code in page.saved_codes.items()}
    lines = grids_selectors.agreed_lines(members, grid_services.layout_criteria(page.competencies), grids, recorded)
    # Pre-filled where every member chose the same level and the commission has recorded nothing for the line yet.
    prefill = {
        line.criterion.pk: line.unanimous.code for line in lines if line.unanimous and line.criterion.pk not in recorded
    }
    form = page.form(request.POST or None, prefill=prefill)
    conflict = False
    if request.method == "POST" and form.is_valid():
        response, conflict = _save(request, page, form, None)
        if response is not None:
            return response
    sections = _agreed_sections(form, page, lines, grids, prefill, conflict)
    context = {
        "page": page,
        "form": form,
        "member": member,
        "can_edit": member is not None,
        "members": members,
        "sections": _in_order(sections, page),
        "not_assessed_note": NOT_ASSESSED_NOTE,
        "disagreements": grids_selectors.disagreements(lines),
        "conflict": conflict,
        "flow": candidate_flow.candidate_flow(
            commission, student, "certification:grid_agreed", member=member is not None
        ),
        **_block_context(page, request.user),
    }
    return render(request, "certification/evaluation/grid_agreed.html", context, status=409 if conflict else 200)


@login_required
@require_GET
def grid_evidence(request: AuthenticatedHttpRequest, pk: int, student_pk: int, competency_pk: int) -> HttpResponse:
    commission, student = get_commission_student(request.user, pk, student_pk)
    competency = Competency.objects.filter(pk=competency_pk, block__exam=commission.exam).first()
    if competency is None:
        raise Http404
    evidence = grids_selectors.competency_evidence(commission, student, competency)
    member = member_of(request.user, commission)
    context = {
        "commission": commission,
        "student": student,
        "evidence": evidence,
        "member": member,
        # Passeport pages open for the staff of the establishment and the professionals who follow the student;
        # a professional member who does not follow them would meet a 404 there: no dead links.
        "can_open_passeport": can_view_student(request.user, student),
        "is_professional_member": member is not None and member.role == MemberRole.PROFESSIONAL,
    }
    return render(request, "certification/evaluation/grid_evidence.html", context)


def _pdf_member(request: HttpRequest, commission: Commission) -> CommissionMember | None:
    """``?membre=<id>``: a member's own grid, for that member or the commission's responsible only."""
    raw = request.GET.get("membre", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    member = commission.members.select_related("user").filter(pk=int(raw)).first()
    if member is None:
        raise Http404
    if request.user.pk not in (member.user_id, commission.responsible_id):
        raise PermissionDenied("Seul·e ce membre ou le ou la responsable de la commission imprime cette grille.")
    return member


@login_required
@require_GET
def grid_pdf(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    commission, student = get_commission_student(request.user, pk, student_pk)
    member = _pdf_member(request, commission)
    response = HttpResponse(grid_documents.render_grid_pdf(commission, student, member), content_type="application/pdf")
    response["Content-Disposition"] = cast(
        str, content_disposition_header(True, grid_documents.grid_filename(commission, student, member))
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def grid_docx_download(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """The grid on the national Word model: the same access as its PDF (jury only), audited."""
    commission, student = get_commission_student(request.user, pk, student_pk)
    member = _pdf_member(request, commission)
    content = grid_docx.render_grid_docx(commission, student, member)
    filename = grid_docx.grid_docx_filename(commission, student, member)
    with transaction.atomic():
        log_action(
            "grid.word_downloaded",
            actor=request.user,
            obj=commission,
            establishment_id=commission.cohort.establishment_id,
            changes={"student_id": student.pk, "member_id": member.pk if member else None, "filename": filename},
        )
    response = HttpResponse(content, content_type=grid_docx.CONTENT_TYPE)
    response["Content-Disposition"] = cast(str, content_disposition_header(True, filename))
    response["Cache-Control"] = "private, no-store"
    return response
