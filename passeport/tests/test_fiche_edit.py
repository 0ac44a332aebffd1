import html

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from passeport.models import FicheComment, FicheVersion
from passeport.rubrics import fiche_definition
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db


def _url(fiche):
    return reverse("passeport:fiche_edit", args=[fiche.pk])


def _post_data(fiche, text="Texte {code}", *, base=None, title="Titre"):
    form = fiche_definition(fiche.forms_session, fiche.exam.code)
    data = {"base_version": base or fiche.version, "title": title, "kind": fiche.kind_id}
    data.update({f"recto__{r.code}": text.format(code=r.code) for r in form.part("recto")})
    for verso in fiche.versos.all():
        data.update({f"verso_{verso.order}__{r.code}": text.format(code=r.code) for r in form.part("verso")})
    return data


def test_the_student_gets_one_field_per_rubric_with_its_official_label(cast, login):
    fiche = make_fiche(cast.student)
    form = fiche_definition(fiche.forms_session, "E4")

    response = login(cast.student).get(_url(fiche))

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    for rubric in form.rubrics:
        assert f">{rubric.label}</label>" in page
        name = f"recto__{rubric.code}" if rubric.part == "recto" else f"verso_1__{rubric.code}"
        assert f'name="{name}"' in page
    for section, _rubrics in form.sections("recto") + form.sections("verso"):
        assert f"<legend>{section}</legend>" in page
    assert "Verso 1" in page


def test_the_sections_follow_the_official_order(cast, login):
    fiche = make_fiche(cast.student)
    form = fiche_definition(fiche.forms_session, "E4")

    page = html.unescape(login(cast.student).get(_url(fiche)).content.decode())

    positions = [
        page.index(f"<legend>{title}</legend>") for title, _ in form.sections("recto") + form.sections("verso")
    ]
    assert positions == sorted(positions)


def test_an_e6_fiche_shows_its_rubrics_and_the_real_lived_question(cast, login):
    fiche = make_fiche(cast.student, exam_code="E6", kind_code="distributeurs", real_lived=True)
    form = fiche_definition(fiche.forms_session, "E6")

    page = html.unescape(login(cast.student).get(_url(fiche)).content.decode())

    for rubric in form.rubrics:
        assert f">{rubric.label}</label>" in page
    assert "Activité(s) réelle(s) vécue(s) : OUI / NON" in page
    assert "Verso" not in page


def test_it_lists_the_empty_rubrics_with_links_to_their_fields(cast, login):
    fiche = make_fiche(cast.student)
    fiche.recto["historique"] = ""
    fiche.save()

    page = html.unescape(login(cast.student).get(_url(fiche)).content.decode())

    assert '<a href="#id_recto__historique">Recto – Historique/Problématique de l’activité</a>' in page
    assert "1 rubrique à renseigner" in page


def test_it_links_the_pdf_of_each_verso_and_loads_the_fit_check(cast, login):
    fiche = make_fiche(cast.student)
    fiche.versos.create(order=2, content={})
    pdf = reverse("passeport:fiche_pdf", args=[fiche.pk])
    fit = reverse("passeport:fiche_fit", args=[fiche.pk])

    page = login(cast.student).get(_url(fiche)).content.decode()

    assert f'href="{pdf}?verso=1"' in page and f'href="{pdf}?verso=2"' in page
    assert f'hx-get="{fit}"' in page
    assert 'hx-trigger="load, fiche-saved from:body"' in page
    assert f'<a href="{fit}">' in page


def test_a_teacher_reads_the_fiche_without_a_form(cast, login):
    fiche = make_fiche(cast.student, text="Rédigé par Emma ({code})")

    response = login(cast.teacher).get(_url(fiche))

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert 'id="fiche-editor"' not in page and 'name="recto__' not in page
    assert "Rédigé par Emma (historique)" in page
    assert reverse("passeport:fiche_versions", args=[fiche.pk]) in page


def test_comments_are_shown_under_their_rubric(cast, login):
    fiche = make_fiche(cast.student)
    FicheComment.objects.create(fiche=fiche, rubric="acteurs", author=cast.teacher, text="Précisez les motivations.")

    page = html.unescape(login(cast.student).get(_url(fiche)).content.decode())

    assert "Précisez les motivations." in page
    assert page.index("Précisez les motivations.") > page.index('name="recto__acteurs"')
    assert page.index("Précisez les motivations.") < page.index('name="recto__objectifs_operationnels"')


def test_another_student_gets_a_404(cast, login):
    fiche = make_fiche(cast.student)

    assert login(cast.student2).get(_url(fiche)).status_code == 404
    assert login(cast.student2).post(_url(fiche), _post_data(fiche)).status_code == 404


def test_a_teacher_cannot_save(cast, login):
    fiche = make_fiche(cast.student)

    response = login(cast.teacher).post(_url(fiche), _post_data(fiche, "Texte du prof"))

    assert response.status_code == 403
    fiche.refresh_from_db()
    assert fiche.version == 1


def test_saving_writes_the_rubrics_and_redirects_to_the_editor(cast, login):
    fiche = make_fiche(cast.student)

    response = login(cast.student).post(_url(fiche), _post_data(fiche, "Nouveau {code}"))

    assert response.status_code == 302 and response.url == _url(fiche)
    fiche.refresh_from_db()
    assert fiche.version == 2
    assert fiche.recto["lieu"] == "Nouveau lieu"
    assert fiche.versos.get().content["contribution"] == "Nouveau contribution"
    assert AuditEntry.objects.filter(action="fiche.saved").exists()


def test_a_stale_save_shows_the_conflict_and_the_refused_text(cast, login):
    fiche = make_fiche(cast.student, text="Original {code}")
    client = login(cast.student)
    client.post(_url(fiche), _post_data(fiche, "Onglet un {code}"))

    response = client.post(_url(fiche), _post_data(fiche, "Onglet deux <b>{code}</b>", base=1))

    page = response.content.decode()
    assert response.status_code == 409
    assert "Cette fiche a été modifiée ailleurs (autre onglet ou autre appareil)" in html.unescape(page)
    assert "Votre texte n'a pas été perdu" in page
    assert "Onglet deux &lt;b&gt;historique&lt;/b&gt;" in page
    assert "Onglet un historique</textarea>" in page
    copy = FicheVersion.objects.get(fiche=fiche, is_conflict=True)
    assert copy.recto["historique"] == "Onglet deux <b>historique</b>"
    assert reverse("passeport:fiche_version_diff", args=[fiche.pk, copy.pk]) in page
    assert 'name="base_version" value="2"' in page


def test_an_identical_double_submit_is_not_a_conflict(cast, login):
    fiche = make_fiche(cast.student)
    client = login(cast.student)
    data = _post_data(fiche, "Même {code}")
    client.post(_url(fiche), data)

    response = client.post(_url(fiche), data)

    assert response.status_code == 302
    assert not FicheVersion.objects.filter(is_conflict=True).exists()


def test_a_form_without_base_version_is_refused_with_a_message(cast, login):
    fiche = make_fiche(cast.student)
    data = _post_data(fiche)
    del data["base_version"]

    response = login(cast.student).post(_url(fiche), data)

    assert response.status_code == 200
    assert "Version de départ manquante" in response.content.decode()
    fiche.refresh_from_db()
    assert fiche.version == 1


def test_a_teacher_gets_a_comment_form_under_each_rubric(cast, login):
    fiche = make_fiche(cast.student)
    comment_url = reverse("passeport:fiche_comment", args=[fiche.pk])

    page = login(cast.teacher).get(_url(fiche)).content.decode()

    rubrics = fiche_definition(fiche.forms_session, "E4").rubrics
    assert page.count(f'action="{comment_url}"') == len(rubrics)
    assert 'id="rubric-historique"' in page


def test_a_professional_reads_without_commenting(cast, login):
    fiche = make_fiche(cast.student)

    response = login(cast.professional).get(_url(fiche))

    assert response.status_code == 200
    assert reverse("passeport:fiche_comment", args=[fiche.pk]) not in response.content.decode()


def test_an_e6_save_updates_the_network_kind_and_the_real_lived_answer(cast, login):
    fiche = make_fiche(cast.student, exam_code="E6", kind_code="distributeurs", real_lived=True)
    other_kind = fiche.exam.fiche_kinds.get(code="partenaires")
    data = _post_data(fiche, "Réseau {code}")
    data.update({"kind": other_kind.pk, "real_lived": "non"})

    response = login(cast.student).post(_url(fiche), data)

    assert response.status_code == 302
    fiche.refresh_from_db()
    assert fiche.kind == other_kind
    assert fiche.real_lived is False
    assert fiche.recto["diagnostic"] == "Réseau diagnostic"


def test_each_fiche_has_its_own_page_title(cast, login):
    # Tabs and screen readers tell fiches apart by the title: the fiche's own title and whose it is.
    fiche = make_fiche(cast.student, title="Salon de l'habitat")
    other = make_fiche(cast.student2, title="Négociation Régie Fourvière")

    mine = login(cast.teacher).get(_url(fiche)).content.decode()
    theirs = login(cast.teacher).get(_url(other)).content.decode()

    title = html.unescape(mine.split("<title>")[1].split("</title>")[0])
    assert title.startswith(f"Salon de l'habitat – fiche E4 n° {fiche.number} – {cast.student.user.display_name}")
    assert "Négociation Régie Fourvière" in theirs.split("</title>")[0]


SCRIPT = "<script>alert('x')</script> & \"guillemets\""


def test_the_editor_escapes_the_text_and_keeps_ids_labels_and_comments(cast, login):
    fiche = make_fiche(cast.student, text=SCRIPT + " {code}")
    verso2 = fiche.versos.create(order=2, content={"contribution": "Second <b>verso</b>"})
    FicheComment.objects.create(fiche=fiche, rubric="acteurs", author=cast.teacher, text="Ligne 1\nLigne <2>")
    FicheComment.objects.create(fiche=fiche, verso=verso2, rubric="contribution", author=cast.teacher, text="V2")

    page = login(cast.student).get(reverse("passeport:fiche_edit", args=[fiche.pk])).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;guillemets&quot; acteurs</textarea>" in page
    assert '<div class="field fiche-rubric" id="rubric-acteurs">' in page
    assert '<div class="field fiche-rubric" id="rubric-contribution-2">' in page
    assert '<label for="id_recto__acteurs">' in page
    assert 'name="verso_2__contribution"' in page and 'id="id_verso_2__contribution"' in page
    assert "Second &lt;b&gt;verso&lt;/b&gt;</textarea>" in page
    assert "Ligne 1<br>Ligne &lt;2&gt;" in page
    assert html.unescape(page).count("<legend>") >= 4


def test_each_comment_form_of_the_read_only_fiche_carries_the_csrf_token(cast, login):
    # The form is included with « only »: the token must be passed explicitly, or every comment would be refused.
    fiche = make_fiche(cast.student)
    page = login(cast.teacher).get(reverse("passeport:fiche_edit", args=[fiche.pk])).content.decode()
    forms = page.split('class="rubric-comment"')[1:]
    assert len(forms) >= 20
    assert all('name="csrfmiddlewaretoken" value="' in form.split("</form>")[0] for form in forms)
