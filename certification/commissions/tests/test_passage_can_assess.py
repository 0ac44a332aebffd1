"""can_assess for a situation with passages: the passage's current convocation, sent before it starts, counts."""

import datetime

from certification.commissions.services.informed import assessment_block_reason, can_assess
from certification.models import Convocation
from tests.factories_certification_commissions import make_commission, step_of
from tests.factories_certification_planning import at, make_passage


def test_a_convoked_student_can_be_assessed_at_their_passage(cast):
    commission = make_commission(cast)
    passage = make_passage(commission, cast.student, at(14))

    assert can_assess(cast.student, passage) is True
    # The step of situation B is judged by the passage too.
    assert can_assess(cast.student, step_of(commission, "B")) is True


def test_without_convocation_the_passage_blocks_the_assessment(cast):
    passage = make_passage(make_commission(cast), cast.student, at(14), convoked=False)

    assert "n'a pas été convoqué·e officiellement à son passage du 03/06/2027 à 14:00" in str(
        assessment_block_reason(cast.student, passage)
    )


def test_a_convocation_sent_after_the_start_does_not_count(cast):
    passage = make_passage(make_commission(cast), cast.student, at(14))
    Convocation.objects.filter(passage=passage).update(informed_at=at(14) + datetime.timedelta(minutes=1))

    assert can_assess(cast.student, passage) is False


def test_situation_a_keeps_the_step_rule(cast):
    commission = make_commission(cast)
    make_passage(commission, cast.student, at(14))

    assert can_assess(cast.student, step_of(commission, "A")) is False
