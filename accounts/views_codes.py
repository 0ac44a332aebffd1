"""First login without email: printing code sheets (staff) and « Première connexion » (anyone)."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import access_codes, codes_pdf, permissions, throttle
from accounts.forms_codes import FirstAccessForm
from accounts.http import AuthenticatedHttpRequest
from accounts.models import AccessCode, Cohort, Establishment, Role, Student


@login_required
@require_http_methods(["GET", "POST"])
def cohort_codes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The class's students with the state of their access; POST prints a sheet of new codes for those checked."""
    cohort = permissions.get_cohort_for_admin(request.user, pk)
    students = list(cohort.students.select_related("user").order_by("user__last_name", "user__first_name"))
    if request.method == "POST":
        chosen = _chosen_students(cohort, request.POST)
        if not chosen:
            messages.error(request, "Cochez au moins un étudiant pour imprimer ses codes.")
            return redirect("accounts:cohort_codes", pk=cohort.pk)
        issued = access_codes.issue_cohort_codes(students=chosen, issued_by=request.user)
        return _pdf_response(request, issued, cohort.establishment, group=cohort.name)
    latest = _latest_codes(students)
    rows = [(student, latest.get(student.user_id)) for student in students]
    return render(request, "accounts/codes_cohort.html", {"cohort": cohort, "rows": rows, **_code_facts()})


def _latest_codes(students: list[Student]) -> dict[int, AccessCode]:
    latest: dict[int, AccessCode] = {}
    for code in AccessCode.objects.filter(user_id__in=[s.user_id for s in students]).order_by("created_at", "pk"):
        latest[code.user_id] = code
    return latest


def _chosen_students(cohort: Cohort, data: QueryDict) -> list[Student]:
    """The checked students, all of this class: a number that is not one of them is a 404, as for any other URL."""
    try:
        ids = {int(value) for value in data.getlist("students")}
    except ValueError:
        raise Http404 from None
    chosen = list(
        Student.objects.filter(cohort=cohort, pk__in=ids)
        .select_related("user", "cohort__establishment")
        .order_by("user__last_name", "user__first_name")
    )
    if len(chosen) != len(ids):
        raise Http404
    return chosen


@login_required
@require_http_methods(["GET", "POST"])
def professional_code(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The administration prints one code for a professional who has no email address (a jury member, a tutor)."""
    professional = permissions.get_professional_for_admin(request.user, pk)
    if request.method == "POST":
        establishment = Establishment.objects.filter(
            pk__in=permissions.admin_establishment_ids(request.user),
            memberships__user=professional,
            memberships__role=Role.PROFESSIONAL,
        ).first()
        if establishment is None:
            raise PermissionDenied
        issued = access_codes.issue_codes(
            users=[professional], establishment=establishment, issued_by=request.user, context="professionnel"
        )
        return _pdf_response(request, issued, establishment, group=professional.display_name)
    latest = professional.access_codes.order_by("-created_at").first()
    context = {"professional": professional, "latest": latest, **_code_facts()}
    return render(request, "accounts/codes_professional.html", context)


def _code_facts() -> dict:
    return {"now": timezone.now(), "code_days": settings.ACCESS_CODE_DAYS}


def _pdf_response(request: HttpRequest, issued, establishment: Establishment, group: str) -> HttpResponse:
    site_url = settings.SITE_URL or request.build_absolute_uri("/")[:-1]
    content = codes_pdf.render_codes_pdf(issued=issued, establishment=establishment, site_url=site_url, group=group)
    response = HttpResponse(content, content_type="application/pdf")
    # Never None for an attachment (the stubs cannot tell).
    response["Content-Disposition"] = cast(str, content_disposition_header(True, codes_pdf.codes_filename(group)))
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def first_access(request: HttpRequest) -> HttpResponse:
    """Username + code → a password that follows the product's rules → logged in."""
    form = FirstAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, ip = form.cleaned_data, throttle.client_ip(request)
        try:
            access_code = access_codes.check_code(username=data["username"], code=data["code"], ip=ip)
            password_validation.validate_password(data["password1"], access_code.user)
            user = access_codes.use_code(access_code=access_code, password=data["password1"], ip=ip)
        except access_codes.CodeRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as invalid:
            # The code is right and stays unused: only the password has to be typed again.
            form.add_error("password1", invalid)
        else:
            login(request, user, backend="accounts.auth.ThrottledModelBackend")
            messages.success(request, "Votre mot de passe est enregistré : utilisez-le désormais pour vous connecter.")
            return redirect("home")
    return render(request, "accounts/codes_first_access.html", {"form": form})
