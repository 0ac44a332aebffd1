"""Planning of the passages, rooms, convocations and their proofs.

The commission's members read the planning; its responsible member or an administrator schedules and moves passages
(403 for the other members). A student reaches only their own convocations and their own passage's letter (404
elsewhere, like every commission page).
"""

import datetime
import re
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from certification.commissions import pdf as passage_letter_pdf
from certification.commissions.forms import MoveForm, RoomForm, ScheduleForm
from certification.commissions.models import (
    Commission,
    CommissionMember,
    Convocation,
    Passage,
    Room,
)
from certification.commissions.presenters import JurySection, by_day, commission_passages, proof_rows
from certification.commissions.selectors import readiness
from certification.commissions.selectors.passages import candidate_release_at
from certification.commissions.services import planning as planning_services
from certification.commissions.services.commissions import CommissionError
from certification.commissions.services.informed import student_convocations as convocations_of
from certification.permissions import (
    can_manage_commission,
    get_commission_for_user,
    get_own_passage,
    get_own_student,
    get_passage_for_user,
    get_staff_establishment,
)
from lib.collation import by_name
from lib.french import de

DAY_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


# --- Rooms -------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rooms(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    establishment = get_staff_establishment(request.user, pk)
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            room = planning_services.create_room(
                establishment=establishment, name=form.cleaned_data["name"], actor=request.user
            )
        except CommissionError as refusal:
            form.add_error("name", refusal.message)
        else:
            messages.success(request, f"Salle « {room.name} » ajoutée.")
            return redirect("certification:rooms", pk=establishment.pk)
    context = {"establishment": establishment, "rooms": establishment.rooms.order_by("name"), "form": form}
    return render(request, "certification/commissions/planning/rooms.html", context)


# --- Planning ----------------------------------------------------------------------------------------------------


def _rooms_of(commission: Commission) -> QuerySet[Room]:
    return Room.objects.filter(establishment_id=commission.cohort.establishment_id).order_by("name")


def _members_of(commission: Commission) -> QuerySet[CommissionMember]:
    return commission.members.select_related("user").order_by("-carries_responsibility", "pk")


def _schedule_form(commission: Commission, data=None) -> ScheduleForm:
    return ScheduleForm(
        data,
        students=commission.cohort.students.select_related("user").order_by(*by_name()),
        situations=planning_services.presence_situations(commission),
        rooms=_rooms_of(commission),
        members=_members_of(commission),
    )


@login_required
@require_http_methods(["GET", "POST"])
def planning(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    commission = get_commission_for_user(request.user, pk, manage=request.method == "POST")
    can_manage = can_manage_commission(request.user, commission)
    form = _schedule_form(commission, request.POST or None) if can_manage else None
    # A POST needs the manage right (403 above), so it always has the form.
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            passage = planning_services.schedule_passage(
                situation=data["situation"],
                student=data["student"],
                starts_at=form.starts_at(),
                room=data["room"],
                members=list(data["members"]),
                simulation_kind=data["simulation_kind"],
                actor=request.user,
                base_url=_base_url(request),
            )
        except CommissionError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _scheduled_message(passage))
            warning = readiness.readiness_warning(passage.situation, passage.student)
            if warning:
                messages.warning(request, warning)
            return redirect(reverse("certification:planning", args=[commission.pk]) + f"#passage-{passage.pk}")
    context = {
        "not_ready": readiness.not_ready(commission, planning_services.presence_situations(commission)),
        "commission": commission,
        "days": by_day(commission_passages(commission)),
        "form": form,
        "can_manage": can_manage,
        "has_rooms": _rooms_of(commission).exists(),
    }
    return render(request, "certification/commissions/planning/planning.html", context)


def _scheduled_message(passage: Passage) -> str:
    start = timezone.localtime(passage.starts_at)
    how = (
        "convocation envoyée par courriel avec la lettre en PDF"
        if passage.student.user.email.strip()
        else "sans adresse électronique : imprimez la convocation et remettez-la"
    )
    return f"Passage {de(passage.student)} planifié le {start:%d/%m/%Y à %H:%M}, salle {passage.room.name} ; {how}."


@login_required
@require_http_methods(["GET", "POST"])
def passage_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    passage = get_passage_for_user(request.user, pk, manage=True)
    commission = passage.situation.commission
    start = timezone.localtime(passage.starts_at)
    initial = {
        "date": start.date(),
        "time": start.time(),
        "room": passage.room_id,
        "members": [member.pk for member in planning_services.jury_of(passage)],
        "simulation_kind": passage.simulation_kind,
        "version": passage.version,
    }
    form = MoveForm(request.POST or None, initial=initial, rooms=_rooms_of(commission), members=_members_of(commission))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        before = (passage.starts_at, passage.room_id)
        try:
            planning_services.move_passage(
                passage,
                starts_at=form.starts_at(),
                room=data["room"],
                members=list(data["members"]),
                simulation_kind=data["simulation_kind"],
                expected_version=data["version"],
                actor=request.user,
                base_url=_base_url(request),
            )
        except CommissionError as refusal:
            form.add_error(None, refusal.message)
        else:
            notified = before != (passage.starts_at, passage.room_id)
            messages.success(
                request,
                f"Passage {de(passage.student)} modifié ; "
                + (
                    "nouvelle convocation envoyée (« Modification de votre convocation »)."
                    if notified
                    else "la date, l'heure et la salle sont inchangées : l'étudiant·e n'est pas prévenu·e."
                ),
            )
            return redirect(reverse("certification:planning", args=[commission.pk]) + f"#passage-{passage.pk}")
    context = {"passage": passage, "commission": commission, "form": form}
    return render(request, "certification/commissions/planning/passage_edit.html", context)


@login_required
@require_GET
def day_schedule(request: AuthenticatedHttpRequest, pk: int, day: str) -> HttpResponse:
    commission = get_commission_for_user(request.user, pk)
    if not DAY_FORMAT.fullmatch(day):
        raise Http404
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    passages = [p for p in commission_passages(commission) if timezone.localdate(p.starts_at) == date]
    sections: dict[tuple[int, ...], JurySection] = {}
    for passage in passages:
        # One jury = one set of people: it gets its own printed page, in the order of its first passage.
        key = tuple(sorted(member.pk for member in passage.jury))
        sections.setdefault(key, JurySection(passage.jury)).passages.append(passage)
    context = {"commission": commission, "date": date, "sections": list(sections.values())}
    return render(request, "certification/commissions/planning/day_schedule.html", context)


# --- Letters, proofs and the student's convocations --------------------------------------------------------------


def _letter_passage(user: User, pk: int) -> Passage:
    """The student reads their own passage's letter; the commission (members, administrators) any of its own."""
    owner = Passage.objects.filter(pk=pk).values_list("student__user_id", flat=True).first()
    if owner is not None and owner == user.pk:
        return get_own_passage(user, pk)
    return get_passage_for_user(user, pk)


@login_required
@require_GET
def passage_letter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    passage = passage_letter_pdf.load_passage(_letter_passage(request.user, pk).pk)
    changed = Convocation.objects.filter(passage=passage, superseded_at__isnull=False).exists()
    context = passage_letter_pdf.passage_letter_context(passage, change=changed)
    response = HttpResponse(passage_letter_pdf.render_passage_letter_pdf(context), content_type="application/pdf")
    filename = passage_letter_pdf.passage_letter_filename(passage)
    response["Content-Disposition"] = cast(str, content_disposition_header(True, filename))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def convocation_proofs(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    commission = get_commission_for_user(request.user, pk)
    context = {
        "commission": commission,
        "rows": proof_rows(commission),
        "can_manage": can_manage_commission(request.user, commission),
    }
    return render(request, "certification/commissions/planning/convocation_proofs.html", context)


@login_required
@require_GET
def student_convocations(request: AuthenticatedHttpRequest, student_pk: int) -> HttpResponse:
    student = get_own_student(request.user, student_pk)
    convocations = convocations_of(student)
    for convocation in convocations:
        passage = convocation.passage
        convocation.with_subject = passage is not None and passage_letter_pdf.has_candidate_part(passage)
        convocation.release_at = (
            candidate_release_at(passage) if passage is not None and convocation.with_subject else None
        )
    context = {
        "student": student,
        "current": [c for c in convocations if c.superseded_at is None],
        "history": [c for c in convocations if c.superseded_at is not None],
        "is_self": student.user_id == request.user.pk,
    }
    return render(request, "certification/commissions/planning/student_convocations.html", context)
