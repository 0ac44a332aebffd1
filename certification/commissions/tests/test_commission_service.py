"""certification.commissions.services.commissions: creation, members and steps, with the référentiel's rules."""

import datetime

import pytest
from django.db import IntegrityError

from audit.models import AuditEntry
from certification.commissions.services import commissions as services
from certification.commissions.services.commissions import CommissionError
from certification.models import Commission, CommissionMember, MemberRole, SituationStep
from tests.factories_certification_commissions import add_member, make_commission


def _create(cast, exam_code="E4", **overrides):
    fields = {
        "session": cast.session,
        "exam_code": exam_code,
        "cohort": cast.cohort,
        "number": " 12 ",
        "responsible": cast.teacher,
        "actor": cast.admin,
    }
    fields.update(overrides)
    return services.create_commission(**fields)


def test_it_copies_the_situations_of_the_session_rules(cast):
    commission = _create(cast)

    situations = {s.code: s for s in commission.situations.all()}
    assert set(situations) == {"A", "B"}
    assert situations["A"].title.startswith("Ciblage et prospection de clientèle")
    assert situations["A"].duration_minutes is None
    assert situations["B"].title == "Simulation"
    assert situations["B"].duration_minutes == 15
    assert commission.number == "12"


def test_the_responsible_becomes_a_member_carrying_the_responsibility(cast):
    commission = _create(cast)

    member = commission.members.get()
    assert member.user == cast.teacher
    assert member.role == MemberRole.TEACHER
    assert member.carries_responsibility


def test_it_writes_an_audit_entry(cast):
    commission = _create(cast)

    entry = AuditEntry.objects.get(action="commission.created")
    assert entry.object_id == str(commission.pk)
    assert entry.actor == cast.admin
    assert entry.establishment_id == cast.establishment.pk


def test_it_refuses_an_exam_that_is_not_assessed_in_ccf(cast):
    with pytest.raises(CommissionError, match="E4 et E6"):
        _create(cast, exam_code="E5")


def test_it_refuses_a_responsible_from_another_establishment(cast):
    with pytest.raises(CommissionError, match="enseignant·e de l'établissement"):
        _create(cast, responsible=cast.other_teacher)


def test_it_refuses_a_professional_as_responsible(cast):
    with pytest.raises(CommissionError):
        _create(cast, responsible=cast.professional)
    assert not Commission.objects.exists()


def test_it_refuses_a_session_the_cohort_does_not_sit(cast):
    with pytest.raises(CommissionError, match="passe la"):
        _create(cast, cohort=cast.first_year)


def test_it_refuses_a_second_commission_for_the_same_exam_and_cohort(cast):
    _create(cast)

    with pytest.raises(CommissionError, match="existe déjà"):
        _create(cast)
    assert Commission.objects.count() == 1


def test_e6_has_a_single_assessor(cast):
    commission = _create(cast, exam_code="E6")

    with pytest.raises(CommissionError, match="un seul évaluateur"):
        services.add_member(commission=commission, user=cast.teacher2, role=MemberRole.TEACHER, actor=cast.admin)
    with pytest.raises(CommissionError, match="un seul évaluateur"):
        services.add_member(commission=commission, user=cast.teacher2, role=MemberRole.ATELIER, actor=cast.admin)
    assert commission.members.count() == 1


def test_e6_takes_no_professional(cast):
    commission = _create(cast, exam_code="E6")

    with pytest.raises(CommissionError):
        services.add_member(
            commission=commission, user=cast.professional, role=MemberRole.PROFESSIONAL, actor=cast.admin
        )
    assert commission.members.count() == 1


def test_a_professional_never_carries_the_responsibility(cast):
    commission = _create(cast)

    # Even when the form asked for "teacher": a tutor has no other role than professional.
    member = services.add_member(
        commission=commission, user=cast.professional, role=MemberRole.TEACHER, actor=cast.admin
    )

    assert member.role == MemberRole.PROFESSIONAL
    assert member.carries_responsibility is False


def test_the_database_refuses_a_responsible_professional(cast):
    commission = _create(cast)

    with pytest.raises(IntegrityError):
        CommissionMember.objects.create(
            commission=commission, user=cast.professional, role=MemberRole.PROFESSIONAL, carries_responsibility=True
        )


def test_an_atelier_teacher_takes_part_without_carrying_the_responsibility(cast):
    commission = _create(cast)

    member = services.add_member(commission=commission, user=cast.teacher2, role=MemberRole.ATELIER, actor=cast.admin)

    assert member.carries_responsibility is False
    assert AuditEntry.objects.filter(action="commission.member_added").count() == 1


def test_a_second_teacher_in_charge_of_the_block_carries_it_in_e4(cast):
    commission = _create(cast)

    member = services.add_member(commission=commission, user=cast.teacher2, role=MemberRole.TEACHER, actor=cast.admin)

    assert member.carries_responsibility is True


def test_it_refuses_a_person_of_another_establishment(cast):
    commission = _create(cast)

    with pytest.raises(CommissionError, match="n'est pas enseignant·e de l'établissement"):
        services.add_member(commission=commission, user=cast.other_teacher, role=MemberRole.TEACHER, actor=cast.admin)


def test_it_refuses_a_professional_role_for_a_teacher_who_is_not_one(cast):
    commission = _create(cast)

    with pytest.raises(CommissionError, match="professionnel"):
        services.add_member(commission=commission, user=cast.teacher2, role=MemberRole.PROFESSIONAL, actor=cast.admin)


def test_it_refuses_the_same_person_twice(cast):
    commission = _create(cast)
    services.add_member(commission=commission, user=cast.teacher2, role=MemberRole.TEACHER, actor=cast.admin)

    with pytest.raises(CommissionError, match="déjà membre"):
        services.add_member(commission=commission, user=cast.teacher2, role=MemberRole.ATELIER, actor=cast.admin)


def test_the_responsible_cannot_be_removed(cast):
    commission = _create(cast)

    with pytest.raises(CommissionError, match="responsable"):
        services.remove_member(commission=commission, member=commission.members.get(), actor=cast.admin)


def test_a_member_is_removed_with_an_audit_entry(cast):
    commission = make_commission(cast)
    member = add_member(commission, cast.teacher2)

    services.remove_member(commission=commission, member=member, actor=cast.teacher)

    assert not commission.members.filter(user=cast.teacher2).exists()
    assert AuditEntry.objects.filter(action="commission.member_removed").exists()


def test_situation_a_may_have_several_dated_steps(cast):
    commission = make_commission(cast, with_steps=False)

    for day in (datetime.date(2027, 1, 15), datetime.date(2027, 5, 20)):
        services.create_step(commission=commission, situation_code="A", date=day, label="", actor=cast.teacher)

    assert SituationStep.objects.filter(situation__commission=commission, situation__code="A").count() == 2
    assert AuditEntry.objects.filter(action="commission.step_created").count() == 2


def test_it_refuses_two_steps_of_a_situation_on_the_same_day(cast):
    commission = make_commission(cast)

    with pytest.raises(CommissionError, match="déjà une étape"):
        services.create_step(
            commission=commission, situation_code="A", date=datetime.date(2027, 5, 20), label="", actor=cast.teacher
        )


def test_it_refuses_an_unknown_situation(cast):
    commission = make_commission(cast)

    with pytest.raises(CommissionError, match="pas de situation C"):
        services.create_step(
            commission=commission, situation_code="C", date=datetime.date(2027, 5, 20), label="", actor=cast.teacher
        )
