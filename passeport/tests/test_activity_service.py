"""create_activity and update_activity: links checked, audit with changed fields."""

import datetime

import pytest

from audit.models import AuditEntry
from passeport.models import ActivityNature, ActivitySetting
from passeport.services.activities import create_activity, criteria_for_student, possible_participants, update_activity
from referentiel.models import Competency, Criterion
from tests.factories import criteria, make_activity


def _data(cast, **overrides):
    data = {
        "title": "Salon de l'habitat",
        "setting": ActivitySetting.STAGE,
        "organisation": "Maisons Rhône",
        "start_date": datetime.date(2026, 3, 2),
        "end_date": datetime.date(2026, 3, 4),
        "nature": ActivityNature.REELLE,
        "description": "Accueil des visiteurs.",
        "criteria": criteria(cast.student, "E4")[:2],
        "participants": [cast.student2],
    }
    data.update(overrides)
    return data


def test_creating_records_links_and_an_audit_entry(cast):
    activity = create_activity(student=cast.student, actor=cast.student.user, data=_data(cast))
    assert activity.student == cast.student
    assert list(activity.participants.all()) == [cast.student2]
    assert activity.criteria.count() == 2
    entry = AuditEntry.objects.get(action="activity.created", object_id=str(activity.pk))
    assert entry.establishment_id == cast.establishment.pk
    assert entry.changes["participants"] == [cast.student2.pk]


def test_only_the_e4_and_e6_criteria_of_the_students_session_are_offered(cast):
    offered = list(criteria_for_student(cast.student))
    assert {c.competency.block.exam.code for c in offered} == {"E4", "E6"}
    assert len(offered) == 11 + 7
    assert {c.competency.block.version_id for c in offered} == {cast.session.version_id}


def test_participants_come_from_the_same_cohort_only(cast):
    assert list(possible_participants(cast.student)) == [cast.student2]
    with pytest.raises(ValueError, match="même classe"):
        create_activity(
            student=cast.student, actor=cast.student.user, data=_data(cast, participants=[cast.other_student])
        )


def test_a_criterion_outside_e4_and_e6_is_refused(cast):
    # E5 is never taken in CCF and has no grid lines: one is made up here to prove the check.
    e5_competency = Competency.objects.filter(block__exam__code="E5", block__version=cast.session.version).first()
    assert e5_competency is not None
    e5 = Criterion.objects.create(competency=e5_competency, number=1, title="Ligne fictive")
    with pytest.raises(ValueError, match="référentiel"):
        create_activity(student=cast.student, actor=cast.student.user, data=_data(cast, criteria=[e5]))


def test_updating_logs_only_the_fields_that_changed(cast):
    activity = make_activity(cast.student)
    data = _data(
        cast,
        title=activity.title,
        setting=activity.setting,
        organisation=activity.organisation,
        start_date=activity.start_date,
        end_date=activity.end_date,
        nature=activity.nature,
        description=activity.description,
    )
    data["organisation"] = "Autre organisation"
    update_activity(activity=activity, actor=cast.student.user, data=data)
    entry = AuditEntry.objects.get(action="activity.updated")
    assert entry.changes["organisation"] == ["Nettoyage Pro Rhône", "Autre organisation"]
    assert "title" not in entry.changes
    assert entry.changes["participants"] == [[], [cast.student2.pk]]


def test_an_update_that_changes_nothing_is_not_logged(cast):
    activity = make_activity(cast.student)
    data = {name: getattr(activity, name) for name in ("title", "setting", "organisation", "start_date", "end_date")}
    data.update(nature=activity.nature, description=activity.description, criteria=[], participants=[])
    update_activity(activity=activity, actor=cast.student.user, data=data)
    assert not AuditEntry.objects.filter(action="activity.updated").exists()
