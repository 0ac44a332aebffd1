"""The official « attestation de stage » (ANNEXE III-2): its labels, the duration rule and its PDF.

The labels come from ``data/forms/attestation-<session>.yaml`` (verbatim from the circulaire); this module never
writes a label itself. The duration follows the rule printed on the form: 7 hours of presence make a day, 22 days a
month; a week counts 5 such days. Weeks are counted down to the half-week: a period is never credited more than
its presence.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from lib import pdf
from passeport.models import InternshipAttestation
from referentiel.official_forms import official_form


def attestation_form(forms_session: int) -> dict[str, Any]:
    return official_form("attestation", forms_session)


def forms_session_of(record: InternshipAttestation) -> int:
    return record.period.student.cohort.exam_session.forms_session


@dataclass(frozen=True)
class Duration:
    days: int
    weeks: Decimal
    months: int
    remaining_days: int


def count_duration(hours: Decimal | None, forms_session: int) -> Duration | None:
    """Days, weeks (by half-weeks) and months of presence for ``hours`` of effective presence."""
    if hours is None:
        return None
    rule = attestation_form(forms_session)["counting"]
    days = int(Decimal(hours) // rule["hours_per_day"])
    half_weeks = (Decimal(days) * 2 / rule["days_per_week"]).to_integral_value(rounding=ROUND_FLOOR)
    months, remaining = divmod(days, rule["days_per_month"])
    return Duration(days=days, weeks=half_weeks / 2, months=months, remaining_days=remaining)


def attestation_context(record: InternshipAttestation) -> dict[str, Any]:
    session = forms_session_of(record)
    student = record.period.student
    return {
        "labels": attestation_form(session)["labels"],
        "record": record,
        "student": student,
        "establishment": student.cohort.establishment,
        "duration": count_duration(record.presence_hours, session),
        "signed_on": timezone.localtime(record.signed_at).date() if record.signed_at else None,
    }


def render_attestation_pdf(record: InternshipAttestation) -> bytes:
    return pdf.render_pdf(render_to_string("passeport/pdf/attestation.html", attestation_context(record)))


def attestation_filename(record: InternshipAttestation) -> str:
    student = record.period.student.user
    return f"attestation-de-stage-{student.last_name}-{record.period.start_date:%Y-%m-%d}.pdf".replace(" ", "-")
