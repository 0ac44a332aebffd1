"""The académie of a generated dataset and its spread between establishments (issue 16), decided by the
establishment's number so that the same seed always gives the same académie-wide picture:

- every generated establishment belongs to one académie (code ``DATASET_CODE``), and an ``inspecteur`` account
  (the dataset's password) inspects it;
- some establishments mark higher (``offset``: +3.5 on every profile, S-S-S included, for numbers 3, 19, 35) and one
  in eight lower (-1.5): their commissions set their ranges that much higher or lower;
- with ``Spec.harmonisation`` (the académie preset) the session is half-way through its juries: odd-numbered
  establishments have deliberated (``deliberated``), the signatures locking their results, except numbers ending in
  7 whose deliberation was recorded before the signatures; most of them sent their marks to the académie (not those
  numbered 6k+5), and those ending in 9 reopened one result after the send and changed its mark; those ending in 1
  hold a mark outside their own range. Even-numbered establishments have not deliberated yet, so that the load
  bench's teachers still have grids to save there.

Shortcut, as for the official information of dates (``dataset.certifying``): the signatures are written as the
results' ``locked_at`` and the deliberation as its row, without the evaluation sheets' signature workflow (which
renders nothing here but costs a sheet, a version and three signatures per candidate). The send, the reopening
and their audit entries go through the app's own services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from accounts.models import Academie, AcademieMembership, Establishment, User
from audit.services import log_action
from certification.evaluation.services.lifecycle import reopen_after_deliberation
from certification.models import CandidateResult, Commission, Deliberation, ResultStatus
from dataset.spec import Reference, rng_for

if TYPE_CHECKING:
    from dataset.people import CohortPeople

DATASET_CODE = "D99"
DATASET_NAME = "Jeu de données"
INSPECTOR = "inspecteur"
DELIBERATED_ON = datetime.date(2027, 6, 24)


def ensure_academie(password_hash: str) -> Academie:
    """The dataset's académie and its inspector (created once, before any establishment)."""
    academie, _ = Academie.objects.get_or_create(code=DATASET_CODE, defaults={"name": DATASET_NAME})
    inspector, created = User.objects.get_or_create(
        username=INSPECTOR,
        defaults={"first_name": "Inès", "last_name": "Inspectrice", "password": password_hash},
    )
    if not created and not inspector.is_active:
        inspector.is_active, inspector.password = True, password_hash
        inspector.save(update_fields=["is_active", "password"])
    AcademieMembership.objects.get_or_create(user=inspector, academie=academie)
    return academie


def attach(establishment: Establishment) -> None:
    academie_id = Academie.objects.filter(code=DATASET_CODE).values_list("pk", flat=True).first()
    if academie_id is not None:
        Establishment.objects.filter(pk=establishment.pk).update(academie_id=academie_id)
        establishment.academie_id = academie_id


def offset(number: int) -> Decimal:
    """How much higher (or lower) this establishment's commissions mark than the others, profile for profile."""
    if number % 16 == 3:
        return Decimal("3.5")
    if number % 8 == 6:
        return Decimal("-1.5")
    return Decimal(0)


def shifted(bounds: tuple[Decimal, Decimal], number: int) -> tuple[Decimal, Decimal]:
    low, high = bounds
    delta = offset(number)
    delta = min(delta, Decimal(20) - high) if delta > 0 else max(delta, -low)
    return low + delta, high + delta


def deliberated(number: int) -> bool:
    return number % 2 == 1


def mark_outside_range(seed: int, commission: Commission, people: CohortPeople) -> None:
    """One candidate of the first cohort of establishments numbered 10k+1 marked above their profile's range."""
    if people.number != 1 or people.establishment_number % 10 != 1:
        return
    results = list(CandidateResult.objects.filter(commission=commission, status=ResultStatus.MARK).order_by("pk"))
    if not results:
        return
    result = rng_for(seed, "outside", people.establishment.uai).choice(results)
    new_mark = min(Decimal(20), (result.mark or Decimal(0)) + Decimal("3.5"))
    CandidateResult.objects.filter(pk=result.pk).update(mark=new_mark, version=result.version + 1)


def deliberate(commission: Commission, people: CohortPeople) -> None:
    """The commission's signatures (``locked_at``) and its deliberation, on deliberated establishments."""
    number = people.establishment_number
    if not deliberated(number):
        return
    if number % 10 != 7:  # 10k+7: recorded before the signatures, an anomaly the académie sees
        signed = datetime.datetime.combine(DELIBERATED_ON, datetime.time(9, 0), tzinfo=datetime.UTC)
        CandidateResult.objects.filter(commission=commission).update(locked_at=signed)
    Deliberation.objects.create(commission=commission, deliberated_on=DELIBERATED_ON, recorded_by=people.admin)
    log_action(
        "dataset.deliberation_recorded",
        actor=people.admin,
        obj=commission,
        establishment_id=people.establishment.pk,
        changes={"deliberated_on": DELIBERATED_ON.isoformat()},
    )


def send_and_change(ref: Reference, seed: int, cohorts: list[CohortPeople]) -> None:
    """Once every cohort of the establishment is done: its marks sent, then for some a late change."""
    from harmonisation.services import send_marks

    first = cohorts[0]
    number = first.establishment_number
    if first.establishment.academie_id is None or not deliberated(number) or number % 6 == 5:
        return
    commissions = Commission.objects.filter(cohort__in=[p.cohort for p in cohorts]).select_related("exam")
    for exam in {c.exam_id: c.exam for c in commissions}.values():  # one send per exam, however many classes
        send_marks(actor=first.admin, establishment=first.establishment, session=ref.session, exam=exam)
    if number % 10 != 9:
        return
    commission = Commission.objects.select_related("cohort__establishment").get(cohort=first.cohort)
    result = (
        CandidateResult.objects.filter(commission=commission, status=ResultStatus.MARK)
        .select_related("student__user")
        .order_by("pk")
    )
    chosen = rng_for(seed, "late", first.establishment.uai).choice(list(result))
    reopen_after_deliberation(
        commission=commission,
        student=chosen.student,
        actor=commission.responsible,
        reason="Erreur de report de la note sur la fiche d'évaluation.",
    )
    new_mark = max(Decimal(0), (chosen.mark or Decimal(0)) - Decimal(1))
    CandidateResult.objects.filter(pk=chosen.pk).update(
        mark=new_mark, locked_at=None, version=chosen.version + 1, updated_at=timezone.now()
    )
