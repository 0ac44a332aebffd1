"""Profiles and marks (domain §8): the group's profiles side by side, ranges and marks set by the commission.

Jury only: a student gets a 404 on every page here. Members write; an administrator who does not sit on the
commission reads. Once the evaluation sheet is signed a candidate's result is locked until the responsible member
reopens it with a reason.
"""

from collections.abc import Sequence
from functools import partial
from typing import Any, NamedTuple, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from certification.commissions.models import Commission
from certification.evaluation.forms.marks import (
    RangeForm,
    ResultForm,
    ResultRowForm,
    plain,
    profile_field_name,
    step_message,
)
from certification.evaluation.models import MarkRange, ResultStatus
from certification.evaluation.presenters import candidate_flow
from certification.evaluation.selectors import marks as marks_selectors
from certification.evaluation.selectors.marks import GroupPage, ProfileShape
from certification.evaluation.services import freezing, lifecycle
from certification.evaluation.services import marks as marks_services
from certification.evaluation.services.locking import Locked, is_locked, reopen
from certification.evaluation.services.marks import MarksConflict
from certification.permissions import get_commission_for_user, get_commission_student, member_of, require_member
from lib.french import de
from lib.refusals import Refused

REASON_REQUIRED = "Indiquez le motif de la réouverture."


def _row_prefix(student_pk: int) -> str:
    return f"c{student_pk}"


def _range_prefix(key: str) -> str:
    return f"plage-{key}"


def _row_initial(row) -> dict:
    result = row.result
    return {
        "status": result.status if result else ResultStatus.PENDING,
        "mark": plain(result.mark) if result else None,
        "absent_reason": result.absent_reason if result else "",
        "version": row.version,
    }


def _range_initial(group) -> dict:
    return {"low": plain(group.range.low), "high": plain(group.range.high)} if group.range else {}


def _row_form(row, data: QueryDict | None, step, editable: bool, bind_locked: bool = True) -> ResultRowForm:
    prefix = _row_prefix(row.student.pk)
    bound = data is not None and f"{prefix}-version" in data and (bind_locked or not row.locked)
    form = ResultRowForm(data if bound else None, prefix=prefix, initial=_row_initial(row), step=step)
    if not bound and (row.locked or not editable):
        for field in form.fields.values():
            field.disabled = True
    return form


def _range_form(group, data: QueryDict | None, step, editable: bool) -> RangeForm:
    prefix = _range_prefix(group.key)
    bound = data is not None and f"{prefix}-low" in data
    form = RangeForm(data if bound else None, prefix=prefix, initial=_range_initial(group), step=step)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return form


def _bind_forms(page: GroupPage, data: QueryDict | None, step, editable: bool, *, bind_locked: bool = True) -> None:
    """Attach a form to each row and group. Only the rows and ranges present in ``data`` are bound.

    A row locked since the page was shown is still bound on a save, so that the service refuses a change to it
    out loud rather than dropping it silently.
    """
    for row in page.rows:
        row.form = _row_form(row, data, step, editable, bind_locked)
    for group in page.groups:
        if group.complete:
            group.range_form = _range_form(group, data, step, editable)


def _lazy_forms(page: GroupPage, step, editable: bool) -> None:
    """A plain GET: the page is written from the initial values (``_initial_states``), no form is needed.

    The same unbound forms as ``_bind_forms`` are still attached, built only if something reads them.
    """
    for row in page.rows:
        row.form = SimpleLazyObject(partial(_row_form, row, None, step, editable))
    for group in page.groups:
        if group.complete:
            group.range_form = SimpleLazyObject(partial(_range_form, group, None, step, editable))


def _bound_forms(page: GroupPage) -> tuple[list, list]:
    rows = [row for row in page.rows if row.form.is_bound]
    groups = [group for group in page.groups if group.range_form is not None and group.range_form.is_bound]
    return rows, groups


def _inputs(rows, groups) -> tuple[list, list]:
    results = [
        marks_services.ResultInput(
            student_id=row.student.pk,
            status=row.form.cleaned_data["status"],
            mark=row.form.cleaned_data["mark"],
            absent_reason=row.form.cleaned_data["absent_reason"],
            version=row.form.cleaned_data["version"],
            profile=row.profile,
        )
        for row in rows
    ]
    ranges = [
        marks_services.RangeInput(
            group.key, group.range_form.cleaned_data["low"], group.range_form.cleaned_data["high"]
        )
        for group in groups
    ]
    return results, ranges


class FieldState(NamedTuple):
    """A field of the profiles page as templates/certification/evaluation/includes/profile_groups.html writes it."""

    name: str  # the html name (with the form's prefix); the id is ``id_<name>``
    value: str  # as the field shows it (« 12,5 »), "" for none
    disabled: bool
    errors: Sequence[Any] = ()  # the messages (str or lazy)

    @property
    def auto_id(self) -> str:
        """As Django's bound field names it: templates/includes/field_errors.html ties the errors to it."""
        return f"id_{self.name}"


def _shown(form_class: type[forms.Form], name: str, value: Any) -> str:
    """The value as the form's widget shows it (a mark localized, « 12,5 »)."""
    formatted = form_class.base_fields[name].widget.format_value(value)
    if isinstance(formatted, list):  # a select: the selected values
        formatted = formatted[0] if formatted else None
    return "" if formatted is None else str(formatted)


def _form_states(form: forms.Form) -> dict[str, FieldState]:
    """A (bound or unbound) form's fields: a submitted page shown again, with its values and errors."""
    return {
        name: FieldState(
            form[name].html_name,
            _shown(type(form), name, form[name].value()),
            form.fields[name].disabled,
            list(form[name].errors),
        )
        for name in form.fields
    }


def _initial_states(form_class: type[forms.Form], prefix: str, initial: dict, disabled: bool) -> dict[str, FieldState]:
    """The unbound form's fields from its initial values, without building it (a plain GET builds no form)."""
    return {
        name: FieldState(f"{prefix}-{name}", _shown(form_class, name, initial.get(name)), disabled)
        for name in form_class.base_fields
    }


def _page_fields(page: GroupPage, *, editable: bool, from_forms: bool) -> list[ProfileShape]:
    """Number the groups, attach each row's and range's fields; the shapes to show (one, unnamed, when the exam has
    no choice)."""
    for number, group in enumerate(page.groups, start=1):
        group.number = number
        if from_forms and group.range_form is not None:
            group.range_fields = _form_states(group.range_form)
            group.range_errors = list(group.range_form.non_field_errors())
        elif not from_forms and group.complete:
            group.range_fields = _initial_states(
                RangeForm, _range_prefix(group.key), _range_initial(group), not editable
            )
    for row in page.rows:
        if from_forms:
            row.fields = _form_states(row.form)
        else:
            disabled = row.locked or not editable
            row.fields = _initial_states(ResultRowForm, _row_prefix(row.student.pk), _row_initial(row), disabled)
    return page.shapes if page.has_choice else [ProfileShape(None, "", page.groups)]


def _render_profiles(
    request, commission: Commission, page: GroupPage, *, editable: bool, errors=(), status=200, from_forms=True
):
    is_responsible = commission.responsible_id == request.user.pk
    context = {
        "commission": commission,
        "page": page,
        "shapes": _page_fields(page, editable=editable, from_forms=from_forms),
        "status_choices": ResultStatus.choices,
        "warnings": page.warnings(),
        "errors": errors,
        "editable": editable,
        "step_message": step_message(marks_services.mark_step(commission.session)),
        "is_responsible": is_responsible,
        # Étape suivante: the evaluation sheets, from the first candidate in the commission page's order.
        "first_candidate": next(iter(candidate_flow.ordered_candidates(commission)), None),
    }
    return render(request, "certification/evaluation/profiles.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profiles(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    commission = get_commission_for_user(request.user, pk)
    editable = member_of(request.user, commission) is not None
    if request.method == "POST":
        require_member(request.user, commission)
    step = marks_services.mark_step(commission.session)
    page = marks_selectors.load_group(commission)
    if request.method != "POST":
        _lazy_forms(page, step, editable)
        return _render_profiles(request, commission, page, editable=editable, from_forms=False)
    data = request.POST
    _bind_forms(page, data, step, editable)
    rows, groups = _bound_forms(page)
    if not all(row.form.is_valid() for row in rows) or not all(group.range_form.is_valid() for group in groups):
        errors = ["Rien n'a été enregistré : corrigez les champs signalés ci-dessous."]
        return _render_profiles(request, commission, page, editable=editable, errors=errors)
    results, ranges = _inputs(rows, groups)
    try:
        changed = marks_services.save_group(commission, actor=request.user, results=results, ranges=ranges)
    except MarksConflict as conflict:
        return _rerender_conflict(request, commission, data, conflict, step)
    if changed:
        messages.success(request, f"Enregistré : {changed} modification(s).")
    else:
        messages.info(request, "Aucune modification à enregistrer.")
    return redirect(reverse("certification:profiles", args=[commission.pk]) + candidate_flow.MESSAGES_FRAGMENT)


def _rerender_conflict(request, commission: Commission, data: QueryDict, conflict: MarksConflict, step):
    """Nothing was saved: show the page again with the user's input, based on the current versions."""
    data = data.copy()
    for student_pk, version in conflict.versions.items():
        data[f"{_row_prefix(student_pk)}-version"] = str(version)
    page = marks_selectors.load_group(commission)
    _bind_forms(page, data, step, editable=True, bind_locked=False)
    for row in page.rows:
        if row.form.is_bound:
            row.form.is_valid()
    errors = ["Rien n'a été enregistré.", *conflict.messages]
    return _render_profiles(request, commission, page, editable=True, errors=errors, status=409)


def _result_initial(row) -> dict:
    result = row.result
    initial = {profile_field_name(key): code for key, code in row.profile.items()}
    initial.update(
        status=result.status if result else ResultStatus.PENDING,
        mark=plain(result.mark) if result else None,
        absent_reason=result.absent_reason if result else "",
        version=row.version,
    )
    return initial


def _disable(form) -> None:
    for field in form.fields.values():
        field.disabled = True


@login_required
@require_http_methods(["GET", "POST"])
def result_edit(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    commission, student = get_commission_student(request.user, pk, student_pk)
    editable = member_of(request.user, commission) is not None
    if request.method == "POST":
        require_member(request.user, commission)
    row, scale = marks_selectors.load_candidate(commission, student)
    step = marks_services.mark_step(commission.session)
    form = ResultForm(
        request.POST or None,
        initial=_result_initial(row),
        # Only the compétences the candidate is assessed on (all of them while a situation's fiche is not fixed).
        competencies=[competency for competency in scale.competencies if row.assesses(competency.pk)],
        levels=scale.levels,
        step=step,
    )
    if request.method == "GET" and (row.locked or not editable):
        _disable(form)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        wanted = marks_services.ResultInput(
            student.pk, data["status"], data["mark"], data["absent_reason"], data["version"], row.profile
        )
        try:
            marks_services.save_result(commission, student, actor=request.user, wanted=wanted, profile=form.profile())
        except Locked as refusal:
            form.add_error(None, refusal.message)
            _disable(form)
            status = 409
        except MarksConflict as conflict:
            form.add_error(None, " ".join(conflict.messages))
            posted = cast(QueryDict, form.data).copy()  # a bound form's data: the POST
            posted["version"] = str(conflict.versions.get(student.pk, data["version"]))
            form.data = posted
            status = 409
        else:
            messages.success(request, f"Résultat {de(student)} enregistré.")
            here = "certification:result_edit"
            onward = candidate_flow.onward_url(commission, student, here, request.POST.get("suite", ""))
            profiles_url = reverse("certification:profiles", args=[commission.pk]) + candidate_flow.MESSAGES_FRAGMENT
            return redirect(onward or profiles_url)
    context = {
        "commission": commission,
        "student": student,
        "row": row,
        "form": form,
        "editable": editable and not row.locked,
        "step_message": step_message(step),
        "mark_range": MarkRange.objects.filter(commission=commission, profile_key=row.key).first(),
        "proposal_codes": row.proposal_key.split("-") if row.proposal_key else [],
        "not_assessed": [competency for competency in scale.competencies if not row.assesses(competency.pk)],
        "nv_warning": row.dossier_nv and form["status"].value() != ResultStatus.NOT_VALID,
        "is_responsible": commission.responsible_id == request.user.pk,
        "flow": candidate_flow.candidate_flow(commission, student, "certification:result_edit", member=editable),
    }
    return render(request, "certification/evaluation/result_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def result_reopen(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """Reopen a signed result; after the deliberation, the formal reopening (the candidate is told)."""
    commission, student = get_commission_student(request.user, pk, student_pk, manage=True)
    if commission.responsible_id != request.user.pk:
        raise PermissionDenied("Seul·e le ou la responsable de la commission peut rouvrir un résultat.")
    deliberated = freezing.deliberation_of(commission) is not None
    after_deliberation = deliberated and freezing.open_reopening(commission, student) is None
    if not is_locked(commission, student) and not after_deliberation:
        messages.info(request, f"Le résultat {de(student)} n'est ni signé ni délibéré : rien à rouvrir.")
        return redirect("certification:profiles", pk=commission.pk)
    error = ""
    reason = request.POST.get("reason", "").strip() if request.method == "POST" else ""
    if request.method == "POST":
        try:
            with transaction.atomic():
                if after_deliberation:
                    lifecycle.reopen_after_deliberation(
                        commission=commission, student=student, actor=request.user, reason=reason
                    )
                reopen(commission, student, actor=request.user, reason=reason)
        except PermissionError as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        except (ValueError, Refused) as refusal:
            error = getattr(refusal, "message", "") or REASON_REQUIRED
        else:
            messages.success(
                request,
                f"Résultat {de(student)} rouvert : les signatures de la fiche d'évaluation sont annulées "
                "et devront être données à nouveau."
                + (
                    " Une nouvelle délibération du jury sera nécessaire ; le candidat en est informé."
                    if deliberated
                    else ""
                ),
            )
            return redirect("certification:profiles", pk=commission.pk)
    context = {
        "commission": commission,
        "student": student,
        "error": error,
        "reason": reason,
        "after_deliberation": after_deliberation,
    }
    return render(request, "certification/evaluation/result_reopen.html", context)
