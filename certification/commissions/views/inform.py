"""Official information of a class of a step's date: a confirmation page, then one confirmed, idempotent request.

Informing sends an official letter to every student named: the commission page's button leads to a page saying who
(names), how many, of which situation and date, and by which means (email, or a printed letter for a student without
an address). The confirmation carries a signed token: the list confirmed and a nonce. Sending checks that the list
is still the one confirmed (else nothing is sent: « la liste a changé ») and honours a nonce once (a double click
sends nothing more). The sending itself runs in the background; the commission page then shows « envoi en cours ».
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Student
from certification.commissions.forms import InformForm
from certification.commissions.models import Convocation, SituationStep
from certification.commissions.services import convocations as convocation_services
from certification.commissions.services import delivery
from certification.permissions import get_step_for_user
from lib.collation import by_name

SALT = "certification.inform"
# A confirmation older than this is stale: the teacher confirms again from a fresh page.
MAX_AGE = 60 * 60


def _back(step: SituationStep) -> str:
    return reverse("certification:commission_detail", args=[step.situation.commission_id]) + f"#etape-{step.pk}"


def _first_error(form: InformForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])  # ErrorList items are the messages, as str
    return "Formulaire invalide."


def _targets(step: SituationStep, data) -> tuple[list[Student] | None, str]:
    """The students the form names (all, or those ticked), or None and the French error."""
    cohort = list(
        Student.objects.filter(cohort_id=step.situation.commission.cohort_id)
        .select_related("user")
        .order_by(*by_name())
    )
    form = InformForm(data, student_ids=[student.pk for student in cohort])
    if not form.is_valid():
        return None, _first_error(form)
    selected = form.selected_ids()
    return [student for student in cohort if selected is None or student.pk in selected], ""


def _pending(step: SituationStep, targets: list[Student]) -> list[Student]:
    """Those of ``targets`` not informed yet, or whose email was not delivered (informing sends it again)."""
    informed = set(Convocation.objects.filter(step=step).values_list("student_id", flat=True))
    informed -= delivery.undelivered_student_ids(step)
    return [student for student in targets if student.pk not in informed]


def _report_unchanged(request: HttpRequest, step: SituationStep, targets: list[Student], pending: list[Student]):
    """The students left out because already informed, or whose email is still on its way."""
    proven = set(Convocation.objects.filter(delivery.proven(), step=step).values_list("student_id", flat=True))
    already = sum(1 for student in targets if student.pk in proven)
    if already:
        messages.info(request, f"{already} étudiant·e(s) déjà informé·e(s) de cette date : inchangé.")
    waiting = len(targets) - len(pending) - already
    if waiting:
        messages.info(
            request,
            f"{waiting} convocation(s) déjà envoyée(s), sans confirmation du serveur de messagerie (envoi en cours ou "
            "remise incertaine) : non renvoyée(s). Pour une remise incertaine, renvoyez-la ou enregistrez la lettre "
            "remise en main propre depuis le tableau des étudiants.",
        )


@login_required
@require_GET
def inform_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who will be informed, how many, of which date and by which means, before anything is sent."""
    step = get_step_for_user(request.user, pk, manage=True)
    data = request.GET.copy()
    data.setdefault("scope", "all")  # a bare link confirms for every student not yet informed
    targets, error = _targets(step, data)
    if targets is None:
        messages.error(request, error)
        return redirect(_back(step))
    pending = _pending(step, targets)
    if not pending:
        messages.info(request, "Personne à informer : aucun envoi.")
        _report_unchanged(request, step, targets, pending)
        return redirect(_back(step))
    _report_unchanged(request, step, targets, pending)
    undelivered = delivery.undelivered_student_ids(step)
    token = signing.dumps({"step": step.pk, "ids": [s.pk for s in pending], "nonce": secrets.token_hex(8)}, salt=SALT)
    context = {
        "step": step,
        "commission": step.situation.commission,
        "emails": [s for s in pending if s.user.email.strip()],
        "letters": [s for s in pending if not s.user.email.strip()],
        "pending": pending,
        "undelivered_ids": undelivered,
        "token": token,
        "back": _back(step),
    }
    return render(request, "certification/commissions/inform_confirm.html", context)


def _stale(request: HttpRequest, step: SituationStep, text: str, query: dict) -> HttpResponse:
    messages.warning(request, text)
    return redirect(reverse("certification:inform_confirm", args=[step.pk]) + "?" + urlencode(query, doseq=True))


@login_required
@require_POST
def inform_students(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send the confirmed information: exactly the list confirmed, once."""
    step = get_step_for_user(request.user, pk, manage=True)
    query = {"scope": request.POST.get("scope", "all"), "students": request.POST.getlist("students")}
    try:
        confirmed = signing.loads(request.POST.get("confirmation", ""), salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return _stale(
            request,
            step,
            "Envoi non confirmé ou confirmation trop ancienne : rien n'a été envoyé. "
            "Vérifiez la liste ci-dessous puis confirmez.",
            query,
        )
    targets, error = _targets(step, request.POST)
    if targets is None or confirmed.get("step") != step.pk:
        messages.error(request, error or "Confirmation d'une autre date : rien n'a été envoyé.")
        return redirect(_back(step))
    pending = _pending(step, targets)
    if convocation_services.already_requested(step, confirmed["nonce"]):
        messages.info(request, "Cet envoi a déjà été demandé (double clic ou page renvoyée) : rien n'a été renvoyé.")
        return redirect(_back(step))
    if sorted(s.pk for s in pending) != sorted(confirmed["ids"]):
        return _stale(
            request,
            step,
            "La liste des étudiant·e·s à informer a changé depuis votre confirmation : rien "
            "n'a été envoyé. Vérifiez la nouvelle liste puis confirmez.",
            query,
        )
    sent = convocation_services.request_information(
        step=step, actor=request.user, student_ids=confirmed["ids"], nonce=confirmed["nonce"]
    )
    if not sent:
        messages.info(request, "Cet envoi a déjà été demandé (double clic ou page renvoyée) : rien n'a été renvoyé.")
        return redirect(_back(step))
    messages.success(
        request,
        f"Information en cours : {len(pending)} étudiant·e(s) à informer de la date du {step.date:%d/%m/%Y}, "
        "par courriel avec la lettre officielle en PDF. L'avancement s'affiche sur cette page.",
    )
    letters = [student for student in pending if not student.user.email.strip()]
    if letters:
        messages.warning(
            request,
            f"Sans adresse électronique, {len(letters)} étudiant·e(s) à qui remettre la lettre imprimée "
            f"(téléchargeable dans le tableau) : {', '.join(str(s) for s in letters)}.",
        )
    _report_unchanged(request, step, targets, pending)
    return redirect(_back(step))
