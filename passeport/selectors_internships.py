"""How a student's periods in a company compare with what their session requires.

The passeport page and the internship pages show this summary; the shape of the returned dict is relied on
elsewhere: keep its keys stable.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from accounts.models import Route, Student
from passeport.models import AttestationState

COMPLETE = "complete"
REDUCED = "reduced"
SHORT = "short"


def format_weeks(weeks: Decimal | int) -> str:
    """« 16 semaines », « 12,5 semaines », « 1 semaine »."""
    value = Decimal(weeks)
    text = f"{value.normalize():f}".replace(".", ",") if value != value.to_integral() else str(int(value))
    return f"{text} semaine{'s' if value > 1 else ''}"


def internship_summary(student: Student) -> dict[str, Any]:
    """Total weeks against the session's rules, a status and a French message.

    Returns ``total_weeks`` (Decimal), ``expected`` and ``minimum`` (int), ``status`` (``complete``: at least the
    expected duration; ``reduced``: between the minimum and the expected duration, acceptable with a reduction
    decision; ``short``: under the minimum), ``message``, ``missing_attestations`` (periods with neither a scanned
    paper attestation nor an official attestation signed by the tutor), ``attestation_message`` ("" when every
    period has its attestation), ``signed_attestations`` and ``paper_attestations`` (how many of each kind).

    The weeks are those of the periods; signing an official attestation sets its period's weeks to the ones counted
    by the form's rule (7 hours a day, 22 days a month; see ``passeport.attestation``).
    """
    session = student.cohort.exam_session
    if student.route == Route.CONTINUE:
        expected = minimum = session.continuing_education_weeks
    else:
        expected, minimum = session.internship_weeks_expected, session.internship_weeks_minimum
    signed = Q(official_attestation__state=AttestationState.SIGNED)
    totals = student.internships.aggregate(
        total=Sum("weeks"),
        periods=Count("pk"),
        missing=Count("pk", filter=Q(attestation="") & ~signed),
        signed=Count("pk", filter=signed),
        paper=Count("pk", filter=~Q(attestation="") & ~signed),
        pending=Count("pk", filter=Q(attestation="") & Q(official_attestation__state=AttestationState.SENT)),
    )
    total = totals["total"] or Decimal(0)
    missing = totals["missing"]
    status = COMPLETE if total >= expected else REDUCED if total >= minimum else SHORT
    return {
        "total_weeks": total,
        "expected": expected,
        "minimum": minimum,
        "status": status,
        "message": _message(status, total, expected, minimum, totals["periods"]),
        "missing_attestations": missing,
        "attestation_message": _attestation_message(missing, totals["pending"]),
        "signed_attestations": totals["signed"],
        "paper_attestations": totals["paper"],
    }


def _message(status: str, total: Decimal, expected: int, minimum: int, periods: int) -> str:
    if status == COMPLETE:
        return f"{format_weeks(total)} en entreprise pour {format_weeks(expected)} prévues : la durée est complète."
    if status == REDUCED:
        return (
            f"{format_weeks(total)} en entreprise pour {format_weeks(expected)} prévues : durée réductible. "
            f"La durée peut être réduite, sans descendre sous {format_weeks(minimum)}, sur décision de "
            "positionnement : vérifiez que cette décision figure au dossier."
        )
    if periods == 0:
        return (
            f"Aucune période en entreprise n'est enregistrée ({format_weeks(minimum)} au minimum). "
            "Une durée insuffisante rend le dossier non conforme."
        )
    return (
        f"Seulement {format_weeks(total)} en entreprise pour {format_weeks(minimum)} au minimum : "
        "durée insuffisante. Une durée inférieure à celle exigée rend le dossier non conforme."
    )


def _attestation_message(missing: int, pending: int = 0) -> str:
    if not missing:
        return ""
    periods = "période n'a pas son" if missing == 1 else "périodes n'ont pas leur"
    waiting = ""
    if pending:
        waiting = f" ({pending} en attente de la signature du tuteur)"
    return (
        f"{missing} {periods} attestation{waiting} (attestation de stage, contrat ou certificat de travail) : "
        "sans attestation, le dossier n'est pas conforme."
    )
