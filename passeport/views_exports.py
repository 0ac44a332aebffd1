"""Spreadsheet downloads of training traces (XLSX or CSV): the same readers as the pages they mirror, audited.

Access is the page's: the class follow-up and the class's formative assessments for those who see the cohort
overview; a student's passeport matrix and formative assessments for those who see that passeport.
"""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import get_cohort_for_user
from audit.services import log_action
from passeport import exports
from passeport.permissions import get_passeport_student_for_user


def _download(request: HttpRequest, export: exports.Export, action: str, obj, establishment_id: int) -> HttpResponse:
    with transaction.atomic():
        log_action(
            action,
            actor=request.user,
            obj=obj,
            establishment_id=establishment_id,
            changes={"filename": export.filename},
        )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = cast(str, content_disposition_header(True, export.filename))
    response["Cache-Control"] = "private, no-store"
    return response


def _check_format(fmt: str) -> None:
    if fmt not in exports.FORMATS:
        raise Http404


@login_required
@require_GET
def cohort_followup_export(request: AuthenticatedHttpRequest, cohort_pk: int, fmt: str) -> HttpResponse:
    cohort = get_cohort_for_user(request.user, cohort_pk)
    _check_format(fmt)
    export = exports.export_cohort_followup(cohort, fmt)
    return _download(request, export, "cohort_followup.exported", cohort, cohort.establishment_id)


@login_required
@require_GET
def cohort_formative_export(request: AuthenticatedHttpRequest, cohort_pk: int, fmt: str) -> HttpResponse:
    cohort = get_cohort_for_user(request.user, cohort_pk)
    _check_format(fmt)
    export = exports.export_cohort_formative(cohort, fmt)
    return _download(request, export, "cohort_formative.exported", cohort, cohort.establishment_id)


@login_required
@require_GET
def passeport_export(request: AuthenticatedHttpRequest, student_pk: int, fmt: str) -> HttpResponse:
    student = get_passeport_student_for_user(request.user, student_pk)
    _check_format(fmt)
    export = exports.export_passeport(student, fmt)
    return _download(request, export, "passeport.exported", student, student.cohort.establishment_id)


@login_required
@require_GET
def student_formative_export(request: AuthenticatedHttpRequest, student_pk: int, fmt: str) -> HttpResponse:
    student = get_passeport_student_for_user(request.user, student_pk)
    _check_format(fmt)
    export = exports.export_student_formative(student, fmt)
    return _download(request, export, "student_formative.exported", student, student.cohort.establishment_id)
