"""NV reasons suggested from the facts: they pre-fill the form, they never decide."""

import datetime

from django.utils import timezone

from certification.dossiers.services.conformity import suggested_reasons
from certification.models import ConformityCheck
from tests.factories_certification_conformity import (
    add_internship,
    deadline_of,
    good_dossier,
    make_dossier,
    set_deadline,
)


def _codes(dossier):
    return [s.code for s in suggested_reasons(dossier)]


def test_a_dossier_deposited_on_time_with_its_attestations_suggests_nothing(cast):
    assert _codes(good_dossier(cast.student)) == []


def test_a_dossier_deposited_after_the_deadline_suggests_late_deposit(cast):
    deadline = deadline_of(cast.student)
    # 00:30 in Paris the day after the deadline is still the deadline day in UTC: the Paris date counts.
    after = datetime.datetime.combine(
        deadline + datetime.timedelta(days=1), datetime.time(0, 30), tzinfo=timezone.get_default_timezone()
    )
    dossier = make_dossier(cast.student, submitted_at=after, internships=[add_internship(cast.student)])
    suggestions = suggested_reasons(dossier)
    assert [s.code for s in suggestions] == ["late_deposit"]
    assert f"{deadline:%d/%m/%Y}" in suggestions[0].why
    assert not ConformityCheck.objects.exists()


def test_a_late_deposit_recorded_by_the_administration_suggests_late_deposit(cast):
    dossier = good_dossier(cast.student)
    dossier.late_deposit_recorded_at = timezone.now()
    dossier.late_deposit_recorded_by = cast.admin
    dossier.late_deposit_date = datetime.date(2027, 4, 20)
    dossier.save()
    suggestions = suggested_reasons(dossier)
    assert [s.code for s in suggestions] == ["late_deposit"]
    assert "20/04/2027" in suggestions[0].why


def test_no_dossier_deposited_once_the_deadline_passed_suggests_no_deposit(cast):
    set_deadline(cast.student, "E4", datetime.date(2020, 1, 1))
    add_internship(cast.student)
    assert _codes(make_dossier(cast.student)) == ["no_deposit"]


def test_a_draft_before_the_deadline_suggests_nothing(cast):
    add_internship(cast.student)
    set_deadline(cast.student, "E4", datetime.date(2999, 1, 1))
    assert _codes(make_dossier(cast.student)) == []


def test_too_few_weeks_in_a_company_suggests_short_internship(cast):
    period = add_internship(cast.student, weeks=6)
    dossier = make_dossier(cast.student, submitted_at=timezone.now() - datetime.timedelta(days=1), internships=[period])
    set_deadline(cast.student, "E4", datetime.date(2999, 1, 1))
    assert _codes(dossier) == ["short_internship"]


def test_a_period_without_its_attestation_suggests_no_attestation(cast):
    period = add_internship(cast.student, with_file=False)
    set_deadline(cast.student, "E4", datetime.date(2999, 1, 1))
    dossier = make_dossier(cast.student, submitted_at=timezone.now(), internships=[period])
    suggestions = suggested_reasons(dossier)
    assert [s.code for s in suggestions] == ["no_attestation"]
    assert "attestation" in suggestions[0].why


def test_a_deposited_dossier_without_any_attestation_joined_suggests_no_attestation(cast):
    add_internship(cast.student)
    set_deadline(cast.student, "E4", datetime.date(2999, 1, 1))
    assert _codes(make_dossier(cast.student, submitted_at=timezone.now())) == ["no_attestation"]


def test_several_facts_give_several_suggestions_in_the_form_order(cast):
    set_deadline(cast.student, "E4", datetime.date(2020, 1, 1))
    add_internship(cast.student, weeks=4, with_file=False)
    assert _codes(make_dossier(cast.student)) == ["no_deposit", "short_internship", "no_attestation"]
