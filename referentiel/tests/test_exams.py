"""The one model of what an exam is: read from data/referentiel, refusing malformed data in French."""

import pytest

from referentiel.exams import ExamDefinitionError, definitions, parse_definition
from referentiel.models import Exam


@pytest.mark.django_db
def test_the_e4_definition_reads_the_choice_of_situation_b_from_the_data():
    exam = Exam.objects.get(version__code="ndrc-2018-maj-2025", code="E4")
    definition = exam.definition
    b = definition.situation("B")
    assert b.subject_sheet and b.simulation_kind and b.has_choice
    assert definition.assessed_orders({"B": "nego-vente"}) == (1, 2, 4)
    assert definition.assessed_orders({"B": "evenement"}) == (1, 3, 4)
    # The choice not known yet: the profile's shape is not known, it is never « à compléter ».
    assert definition.assessed_orders({}) is None
    assert definition.choice_orders() == (2, 3)
    assert not definition.single_assessor and definition.professionals_allowed


@pytest.mark.django_db
def test_e6_has_a_single_assessor_and_real_lived_fiches_and_e5_has_no_definition():
    e6 = Exam.objects.get(version__code="ndrc-2018-maj-2025", code="E6")
    assert e6.definition.single_assessor and e6.definition.fiche.real_lived
    assert e6.definition.assessed_orders({}) == (1, 2, 3)
    assert e6.definition.subject_situation is None
    assert Exam.objects.get(version__code="ndrc-2018-maj-2025", code="E5").definition is None


def test_every_ccf_exam_of_the_data_has_a_definition():
    assert set(definitions("ndrc-2018-maj-2025")) == {"E4", "E6"}


@pytest.mark.parametrize(
    "data",
    [
        {"assessors": "jury"},
        {"situations": []},
        {"situations": [{"code": "A", "fiches": "some"}]},
        {"situations": [{"code": "A", "assesses": ["un"]}]},
        {"situations": [{"code": "A"}, {"code": "A"}]},
        {"fiche": {"pages": 0}, "situations": [{"code": "A"}]},
        {"situations": [{"code": "A", "unknown": 1}]},
    ],
)
def test_a_malformed_definition_is_refused_in_french(data):
    with pytest.raises(ExamDefinitionError, match="attendue|vaut|même code|pages|clés"):
        parse_definition("EX", data)
