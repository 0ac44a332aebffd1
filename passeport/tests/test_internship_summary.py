"""internship_summary: the weeks in a company against the session's rules, with a French message."""

import datetime
from decimal import Decimal

from accounts.models import Route
from passeport.models import InternshipPeriod
from passeport.selectors_internships import internship_summary


def _period(student, weeks, attestation="attestations/x.pdf"):
    return InternshipPeriod.objects.create(
        student=student,
        organisation="Maisons Rhône",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 6, 26),
        weeks=Decimal(weeks),
        attestation=attestation,
    )


def test_no_period_is_short(cast):
    summary = internship_summary(cast.student)
    assert summary == {
        "total_weeks": Decimal(0),
        "expected": 16,
        "minimum": 8,
        "status": "short",
        "message": summary["message"],
        "missing_attestations": 0,
        "attestation_message": "",
        "signed_attestations": 0,
        "paper_attestations": 0,
    }
    assert "Aucune période en entreprise" in summary["message"]


def test_the_expected_duration_is_complete(cast):
    _period(cast.student, "10")
    _period(cast.student, "6")
    summary = internship_summary(cast.student)
    assert summary["status"] == "complete"
    assert summary["total_weeks"] == Decimal(16)
    assert summary["message"].startswith("16 semaines en entreprise pour 16 semaines prévues")


def test_between_the_minimum_and_the_expected_duration_is_reducible(cast):
    _period(cast.student, "8.5")
    summary = internship_summary(cast.student)
    assert summary["status"] == "reduced"
    assert "8,5 semaines" in summary["message"]
    assert "réductible" in summary["message"]
    assert "sans descendre sous 8 semaines" in summary["message"]


def test_under_the_minimum_is_short_and_flagged(cast):
    _period(cast.student, "6")
    summary = internship_summary(cast.student)
    assert summary["status"] == "short"
    assert "durée insuffisante" in summary["message"]
    assert "non conforme" in summary["message"]


def test_continuing_education_uses_its_own_duration(cast):
    cast.student.route = Route.CONTINUE
    cast.student.save(update_fields=["route"])
    _period(cast.student, "8")
    summary = internship_summary(cast.student)
    assert (summary["expected"], summary["minimum"], summary["status"]) == (8, 8, "complete")


def test_periods_without_attestation_are_counted(cast):
    _period(cast.student, "10", attestation="")
    _period(cast.student, "6")
    summary = internship_summary(cast.student)
    assert summary["missing_attestations"] == 1
    assert summary["attestation_message"].startswith("1 période n'a pas son attestation")


def test_it_costs_one_query_once_the_student_is_loaded(cast, django_assert_num_queries):
    student = type(cast.student).objects.select_related("cohort__exam_session").get(pk=cast.student.pk)
    with django_assert_num_queries(1):
        internship_summary(student)
