"""The dossier demo data (certification.dossiers.demo.load_demo)."""

import pytest

from accounts import demo as accounts_demo
from certification.dossiers import demo
from certification.dossiers.selectors import is_late
from certification.models import Dossier, DossierState
from passeport import demo as passeport_demo


@pytest.fixture
def loaded(db, settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path
    accounts_demo.load_demo()
    passeport_demo.load_demo()
    return demo.load_demo()


def test_emma_has_a_deposited_e4_dossier_in_time(loaded):
    dossier = Dossier.objects.get(student__user__username="etudiant", exam__code="E4")

    assert dossier.state == DossierState.SUBMITTED
    assert sorted(i.fiche.kind.code for i in dossier.items.all()) == ["evenement", "nego-vente"]
    assert all(item.version is not None and item.version.recto == item.fiche.recto for item in dossier.items.all())
    assert dossier.attestations.count() == 2
    assert not is_late(dossier)


def test_emma_has_an_e6_dossier_in_preparation(loaded):
    dossier = Dossier.objects.get(student__user__username="etudiant", exam__code="E6")

    assert dossier.state == DossierState.DRAFT
    assert dossier.items.count() == 3
    assert not dossier.items.filter(version__isnull=False).exists()


def test_the_class_deposits_its_e4_dossiers_with_one_fiche_of_each_kind_but_one_missing(loaded):
    dossiers = Dossier.objects.filter(exam__code="E4", state=DossierState.SUBMITTED).prefetch_related("items__fiche")
    assert dossiers.count() == 23  # 24 students, etudiant24's dossier is missing
    assert not Dossier.objects.filter(student__user__username=demo.WITHOUT_DOSSIER).exists()
    for dossier in dossiers:
        assert sorted(item.fiche.kind.code for item in dossier.items.all()) == ["evenement", "nego-vente"]
        assert all(item.version_id is not None for item in dossier.items.all())


def test_loading_twice_creates_nothing_the_second_time(loaded):
    assert loaded == {"dossiers déposés": 23, "dossiers en préparation": 1}
    assert set(demo.load_demo().values()) == {0}
    assert Dossier.objects.count() == 24
