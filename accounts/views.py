from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions, services
from accounts.forms import (
    AcceptInvitationForm,
    CohortForm,
    InviteProfessionalForm,
    InviteStaffForm,
    ThrottledPasswordChangeForm,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Establishment, Invitation, Membership, Role
from audit.services import log_action
from lib.collation import by_name


@login_required
def cohort_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require_staff(request.user)
    cohorts = (
        permissions.cohorts_for_user(request.user)
        .select_related("exam_session", "establishment")
        .annotate(student_count=Count("students"))
    )
    return render(request, "accounts/cohort_list.html", {"cohorts": cohorts})


@login_required
def cohort_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cohort = permissions.get_cohort_for_user(request.user, pk)
    students = cohort.students.select_related("user", "record").order_by(*by_name())
    return render(request, "accounts/cohort_detail.html", {"cohort": cohort, "students": students})


@login_required
def student_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    student = permissions.get_student_for_user(request.user, pk)
    return render(request, "accounts/student_detail.html", {"student": student})


@login_required
@require_http_methods(["GET", "POST"])
def invite_professional(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require_staff(request.user)
    establishment_ids = permissions.staff_establishment_ids(request.user)
    establishment = Establishment.objects.filter(pk__in=establishment_ids).order_by("pk").first()
    if establishment is None:
        raise PermissionDenied
    students_qs = permissions.students_for_user(request.user).select_related("user", "cohort")
    form = InviteProfessionalForm(request.POST or None, students_qs=students_qs)
    if request.method == "POST" and form.is_valid():
        _invite(request, establishment, Role.PROFESSIONAL, form.cleaned_data)
        return redirect("home")
    return render(request, "accounts/invite_professional.html", {"form": form})


def _invite(request: AuthenticatedHttpRequest, establishment: Establishment, role: str, data: dict) -> None:
    services.invite_person(
        establishment=establishment,
        invited_by=request.user,
        role=role,
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        students=list(data.get("students", [])),
        base_url=request.build_absolute_uri("/")[:-1],
    )
    messages.success(request, f"Invitation envoyée à {data['email']}.")


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if invitation.user.has_usable_password():
        # An existing account (e.g. a teacher who also tutors): the link only confirms the new role.
        services.accept_invitation(invitation=invitation, password=None)
        messages.success(request, "Votre nouveau rôle est actif : connectez-vous avec votre mot de passe habituel.")
        return redirect("accounts:login")
    form = AcceptInvitationForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(invitation=invitation, password=form.cleaned_data["password1"])
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect("accounts:login")
        login(request, user, backend="accounts.auth.ThrottledModelBackend")
        messages.success(request, "Votre compte est activé. Bienvenue !")
        return redirect("home")
    return render(request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation})


@login_required
@require_http_methods(["GET", "POST"])
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The establishment's people with a staff role, and the form that invites a new one."""
    permissions.require_admin(request.user)
    establishment_ids = permissions.admin_establishment_ids(request.user)
    establishment = Establishment.objects.filter(pk__in=establishment_ids).order_by("pk").first()
    if establishment is None:
        raise PermissionDenied
    form = InviteStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _invite(request, establishment, form.cleaned_data["role"], form.cleaned_data)
        return redirect("accounts:staff")
    memberships = (
        Membership.objects.filter(establishment_id__in=establishment_ids)
        .select_related("user", "establishment")
        .order_by(*by_name(), "role")
    )
    pending = (
        Invitation.objects.filter(establishment_id__in=establishment_ids, accepted_at__isnull=True)
        .exclude(role="")
        .order_by("-created_at")
    )
    context = {"memberships": memberships, "pending": pending, "form": form}
    return render(request, "accounts/staff_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    permissions.require_admin(request.user)
    establishment_ids = permissions.admin_establishment_ids(request.user)
    form = CohortForm(request.POST or None, establishment_ids=establishment_ids)
    if request.method == "POST" and form.is_valid():
        cohort = services.save_cohort(cohort=None, data=form.cleaned_data, actor=request.user)
        messages.success(request, f"Classe « {cohort.name} » créée.")
        return redirect("accounts:cohort_detail", pk=cohort.pk)
    return render(request, "accounts/cohort_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cohort = permissions.get_cohort_for_user(request.user, pk)
    if cohort.establishment_id not in permissions.admin_establishment_ids(request.user):
        raise PermissionDenied("Seule l'administration de l'établissement modifie une classe.")
    form = CohortForm(
        request.POST or None, instance=cohort, establishment_ids=permissions.admin_establishment_ids(request.user)
    )
    if request.method == "POST" and form.is_valid():
        services.save_cohort(cohort=cohort, data=form.cleaned_data, actor=request.user)
        messages.success(request, "Classe enregistrée.")
        return redirect("accounts:cohort_detail", pk=cohort.pk)
    return render(request, "accounts/cohort_form.html", {"form": form, "cohort": cohort})


class LogoutView(auth_views.LogoutView):
    """Logging out also empties what the browser kept for this site: the fiche editor's local copies of the text
    (localStorage) and the cache — school PCs are shared (``Clear-Site-Data``, honoured on HTTPS and localhost)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page with a throttled check of the current password (the form needs the request for the IP)."""

    form_class = ThrottledPasswordChangeForm
    request: AuthenticatedHttpRequest

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        log_action("password_change.done", actor=self.request.user, obj=self.request.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        log_action("password_reset.done", actor=form.user, obj=form.user)
        return response
