"""The follow-up services write in one transaction with their audit entry."""

import datetime

import pytest

from audit.models import AuditEntry
from passeport.models import FormativeAssessment, FormativePosition
from passeport.services.followup import create_formative_assessment, unvalidate_activity, validate_activity
from referentiel.models import Level
from tests.factories import criteria, make_activity, make_fiche


def _level(student, code):
    return Level.objects.get(version=student.cohort.exam_session.version, code=code)


def test_create_formative_assessment_writes_positions_and_audit(cast):
    activity = make_activity(cast.student)
    first, second = criteria(cast.student, "E4")[:2]
    assessment = create_formative_assessment(
        student=cast.student,
        assessor=cast.teacher,
        assessed_on=datetime.date(2026, 2, 1),
        positions={first: _level(cast.student, "I"), second: _level(cast.student, "S")},
        activity=activity,
    )
    assert FormativePosition.objects.filter(assessment=assessment).count() == 2
    entry = AuditEntry.objects.get(action="formative.created")
    assert entry.changes["positions"] == {str(first.pk): "I", str(second.pk): "S"}
    assert entry.establishment_id == cast.establishment.pk


def test_create_formative_assessment_needs_a_position(cast):
    with pytest.raises(ValueError):
        create_formative_assessment(
            student=cast.student,
            assessor=cast.teacher,
            assessed_on=datetime.date(2026, 2, 1),
            positions={},
            activity=make_activity(cast.student),
        )
    assert not FormativeAssessment.objects.exists()


def test_create_formative_assessment_is_about_exactly_one_thing(cast):
    first = criteria(cast.student, "E4")[0]
    activity = make_activity(cast.student)
    with pytest.raises(ValueError):
        create_formative_assessment(
            student=cast.student,
            assessor=cast.teacher,
            assessed_on=datetime.date(2026, 2, 1),
            positions={first: _level(cast.student, "S")},
            activity=activity,
            fiche=make_fiche(cast.student, activity=activity),
        )


def test_validate_twice_validates_once(cast):
    activity = make_activity(cast.student)
    assert validate_activity(activity=activity, actor=cast.teacher) is True
    stale = type(activity).objects.get(pk=activity.pk)
    stale.validated_at = None  # a second request that loaded the activity before the first one committed
    assert validate_activity(activity=stale, actor=cast.admin) is False
    activity.refresh_from_db()
    assert activity.validated_by == cast.teacher
    assert AuditEntry.objects.filter(action="activity.validated").count() == 1


def test_unvalidate_records_what_was_withdrawn(cast):
    activity = make_activity(cast.student)
    validate_activity(activity=activity, actor=cast.teacher)
    assert unvalidate_activity(activity=activity, actor=cast.admin) is True
    entry = AuditEntry.objects.get(action="activity.unvalidated")
    assert entry.changes["validated_by"] == [cast.teacher.pk, None]
    assert unvalidate_activity(activity=activity, actor=cast.admin) is False
