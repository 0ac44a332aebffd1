"""Personal authorship: near-identical rubrics between fiches, for the teaching team (see passeport.authorship)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import get_cohort_for_user
from passeport import authorship
from passeport.permissions import get_fiche_for_user
from passeport.textdiff import Deadline


@login_required
def cohort_authorship(request: AuthenticatedHttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = get_cohort_for_user(request.user, cohort_pk)
    deadline = Deadline()  # however long the rubrics, the page answers within a few seconds
    pairs = authorship.cohort_flagged_pairs(cohort, deadline)
    context = {
        "cohort": cohort,
        "coarse": deadline.hit,
        "pairs": pairs,
        "threshold": round(authorship.SIMILARITY_THRESHOLD * 100),
        "min_chars": authorship.MIN_CHARS,
    }
    return render(request, "passeport/authorship_cohort.html", context)


@login_required
def fiche_compare(request: AuthenticatedHttpRequest, pk: int, other_pk: int) -> HttpResponse:
    left = get_fiche_for_user(request.user, pk, follow=True)
    right = get_fiche_for_user(request.user, other_pk, follow=True)
    deadline = Deadline()
    parts = authorship.side_by_side(left, right, deadline)
    context = {
        "left": left,
        "right": right,
        "same_fiche": left.pk == right.pk,
        "same_exam": left.exam_id == right.exam_id,
        "parts": parts,
        "threshold": round(authorship.SIMILARITY_THRESHOLD * 100),
        "coarse": deadline.hit,
    }
    return render(request, "passeport/authorship_compare.html", context)
