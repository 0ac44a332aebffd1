"""The project's home page: it gathers what each app has for the person, so no app needs to know the others."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import permissions
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Establishment
from certification.commissions.services.informed import student_convocations
from certification.evaluation.context_processors import todo_items
from certification.evaluation.selectors.todo_item import STEP
from certification.models import CommissionMember, Dossier, DossierState
from health.selectors import FAILURE_WINDOW, failure_summary

HOME_TODO_ITEMS = 5


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One home page; each block says what that role has to do next."""
    user = request.user
    context: dict = {}
    student = getattr(user, "student", None)
    if student is not None:
        context["student"] = student
        context["student_session"] = student.cohort.exam_session
        context["convocations"] = student_convocations(student)
        # The next actions of a candidate: the dossiers still in preparation, to complete and deposit.
        context["draft_dossiers"] = list(
            Dossier.objects.filter(student=student, state=DossierState.DRAFT).select_related("exam").order_by("exam")
        )
    if permissions.is_staff_member(user):
        context["cohorts"] = (
            permissions.cohorts_for_user(user)
            .select_related("exam_session", "establishment")
            .annotate(student_count=Count("students"))
        )
    seats = list(
        CommissionMember.objects.filter(user=user)
        .select_related("commission__exam", "commission__cohort", "commission__session")
        .order_by("-commission__session__year", "commission__cohort__name", "commission__exam__code")
    )
    if permissions.is_staff_member(user) or seats:
        # Staff always see the block; a member from outside the team only when there is something for them. Every
        # blocking step of the commissions they manage is shown, then the first candidates' items.
        todo = todo_items(request)
        if todo or permissions.is_staff_member(user):
            context["steps"] = [item for item in todo if item.kind == STEP]
            context["todo"] = [item for item in todo if item.kind != STEP][:HOME_TODO_ITEMS]
            context["todo_count"] = len(todo)
    if seats and not permissions.is_staff_member(user):
        context["seats"] = seats
    if permissions.is_establishment_admin(user):
        admin_ids = permissions.admin_establishment_ids(user)
        context["admin_establishments"] = Establishment.objects.filter(pk__in=admin_ids)
        context["failures"] = failure_summary(admin_ids)
        context["failure_days"] = FAILURE_WINDOW.days
    if permissions.is_professional(user):
        context["followed_students"] = user.followed_students.select_related("user", "cohort")
    return render(request, "home.html", context)


@login_required
def whoami(request: HttpRequest) -> HttpResponse:
    """« Mon compte » in one line: who is logged in. Also the load benchmark's baseline (one authenticated row)."""
    return render(request, "whoami.html", {"person": request.user})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form that failed its CSRF check (often an expired session): said in French, in the site's layout."""
    return render(request, "403_csrf.html", status=403)
