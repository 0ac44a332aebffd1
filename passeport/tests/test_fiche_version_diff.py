import pytest
from django.urls import reverse

from passeport.models import FicheVersion
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db


def _version(fiche, user, phases, **fields):
    recto = dict(fiche.recto, phases=phases)
    versos = [v.content for v in fiche.versos.order_by("order")]
    return FicheVersion.objects.create(
        fiche=fiche,
        number=fields.pop("number", 1),
        title=fiche.title,
        recto=recto,
        versos=versos,
        author=user,
        **fields,
    )


def _url(fiche, version):
    return reverse("passeport:fiche_version_diff", args=[fiche.pk, version.pk])


def test_it_marks_removed_and_added_words_of_the_changed_rubrics(cast, login):
    fiche = make_fiche(cast.student)
    fiche.recto["phases"] = "Accueil du client puis découverte des besoins"
    fiche.save()
    version = _version(fiche, cast.student.user, "Accueil du prospect puis découverte des besoins")

    response = login(cast.teacher).get(_url(fiche, version))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Recto – Phases" in page
    assert "<del>prospect</del><ins>client</ins>" in page
    assert "Recto – Lieu" not in page
    assert "rubriques identiques" in page


def test_user_text_is_escaped(cast, login):
    fiche = make_fiche(cast.student)
    version = _version(fiche, cast.student.user, "<script>alert(1)</script>")

    page = login(cast.student).get(_url(fiche, version)).content.decode()

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_compares_with_the_previous_version(cast, login):
    fiche = make_fiche(cast.student)
    _version(fiche, cast.student.user, "Premier texte", number=1)
    second = _version(fiche, cast.student.user, "Premier texte revu", number=2)

    page = login(cast.student).get(_url(fiche, second) + "?avec=precedente").content.decode()

    assert "Premier texte<ins> revu</ins>" in page


def test_only_the_student_sees_the_restore_button(cast, login):
    fiche = make_fiche(cast.student)
    version = _version(fiche, cast.student.user, "Ancien")

    assert "Restaurer cette version" in login(cast.student).get(_url(fiche, version)).content.decode()
    assert "Restaurer cette version" not in login(cast.teacher).get(_url(fiche, version)).content.decode()


def test_restoring_makes_the_version_current(cast, login):
    fiche = make_fiche(cast.student)
    version = _version(fiche, cast.student.user, "Ancien texte", is_conflict=True)

    response = login(cast.student).post(_url(fiche, version), {"base_version": 1})

    assert response.status_code == 302
    assert response.url == reverse("passeport:fiche_edit", args=[fiche.pk])
    fiche.refresh_from_db()
    assert fiche.recto["phases"] == "Ancien texte"
    assert fiche.version == 2


def test_restoring_from_a_stale_page_changes_nothing(cast, login):
    fiche = make_fiche(cast.student, text="Actuel")
    version = _version(fiche, cast.student.user, "Ancien texte")
    fiche.version = 3
    fiche.save()

    response = login(cast.student).post(_url(fiche, version), {"base_version": 2}, follow=True)

    assert "rien n&#x27;a été restauré" in response.content.decode()
    fiche.refresh_from_db()
    assert fiche.recto["phases"] == "Actuel"


def test_a_teacher_cannot_restore(cast, login):
    fiche = make_fiche(cast.student, text="Actuel")
    version = _version(fiche, cast.student.user, "Ancien texte")

    assert login(cast.teacher).post(_url(fiche, version), {"base_version": 1}).status_code == 403
    fiche.refresh_from_db()
    assert fiche.recto["phases"] == "Actuel"


def test_a_version_of_another_fiche_is_a_404(cast, login):
    fiche = make_fiche(cast.student)
    other = make_fiche(cast.student)
    version = _version(other, cast.student.user, "x")

    assert login(cast.student).get(_url(fiche, version)).status_code == 404
