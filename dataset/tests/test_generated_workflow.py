"""What the benchmarks rely on: every dossier deposited with frozen fiches, every grid complete, every candidate
marked inside the range of their profile."""

import pytest

from certification.evaluation.selectors.assessed import assessed_competencies
from certification.evaluation.selectors.marks import load_group
from certification.models import CandidateResult, Dossier, Grid, MarkRange, ResultStatus, SubjectSheet
from dataset.tests.helpers import generate
from referentiel.models import Criterion

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset():
    generate("--preset", "tiny", "--establishments", "2", "--cohorts-per-establishment", "2")


def test_every_dossier_is_submitted_with_its_two_e4_fiches_frozen(dataset):
    dossiers = Dossier.objects.prefetch_related("items__fiche__kind", "attestations")
    assert dossiers.count() == 2 * 2 * 3
    for dossier in dossiers:
        assert dossier.state == "submitted"
        assert dossier.submitted_at is not None
        items = list(dossier.items.all())
        assert sorted(item.fiche.kind.code for item in items) == ["evenement", "nego-vente"]
        assert all(item.version_id is not None and item.verso_id is not None for item in items)
        assert dossier.attestations.count() == 2


def test_every_grid_positions_every_line_of_the_competences_assessed_and_none_other(dataset):
    grids = Grid.objects.select_related("commission__exam").prefetch_related("lines__criterion")
    assert grids.count() == 12 * 4
    assessed = {}
    for commission in {grid.commission for grid in grids}:
        ids = list(commission.cohort.students.values_list("pk", flat=True))
        assessed.update({(commission.pk, pk): value for pk, value in assessed_competencies(commission, ids).items()})
    for grid in grids:
        kept = assessed[(grid.commission_id, grid.student_id)]
        assert kept is not None
        lines = list(grid.lines.all())
        expected = Criterion.objects.filter(competency_id__in=kept).count()
        assert len(lines) == expected
        assert all(line.level_id is not None and line.criterion.competency_id in kept for line in lines)
    assert grids.filter(member__isnull=True).count() == 12


def test_the_classes_are_split_between_negotiation_and_event(dataset):
    kinds = list(SubjectSheet.objects.values_list("dossier_fiche__fiche__kind__code", flat=True))
    assert len(kinds) == 12
    assert set(kinds) == {"nego-vente", "evenement"}


def test_every_candidate_is_marked_inside_the_range_of_their_profile(dataset):
    results = CandidateResult.objects.select_related("commission")
    assert results.count() == 12
    for result in results:
        assert result.status == ResultStatus.MARK
        page = load_group(result.commission)
        row = next(r for r in page.rows if r.student.pk == result.student_id)
        mark_range = MarkRange.objects.get(commission=result.commission, profile_key=row.key)
        assert mark_range.low is not None and mark_range.high is not None and result.mark is not None
        assert mark_range.low <= result.mark <= mark_range.high
        assert row.key.count("?") == 0
        assert row.key.count("NE") == 1  # the compétence of the fiche not chosen for situation B
