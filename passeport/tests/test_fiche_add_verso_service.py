import pytest

from audit.models import AuditEntry
from passeport.services.fiches import add_verso
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db


def test_a_new_verso_is_empty_and_changes_the_version(cast):
    fiche = make_fiche(cast.student, text="Texte {code}")

    verso = add_verso(fiche=fiche, author=cast.student.user)

    fiche.refresh_from_db()
    assert verso.order == 2
    assert not any(verso.content.values())
    assert fiche.version == 2
    assert len(fiche.versions.get().versos) == 2
    assert AuditEntry.objects.filter(action="fiche.verso_added").exists()


def test_an_e6_fiche_gets_no_verso(cast):
    fiche = make_fiche(cast.student, exam_code="E6", kind_code="partenaires", real_lived=False)

    with pytest.raises(ValueError, match="E4"):
        add_verso(fiche=fiche, author=cast.student.user)

    assert not fiche.versos.exists()
