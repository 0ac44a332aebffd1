"""Long rubrics (issue 13): a length limit that loses nothing, and diff / authorship pages that always answer.

Timings are not asserted here (bench/bench_diff.py measures them): these tests go through HTTP with 5,000-word and
hostile repetitive rubrics, pages that difflib never finished, and check what the pages say.
"""

import html
import random

import pytest
from django.urls import reverse

from passeport import textdiff
from passeport.models import FicheVersion
from passeport.rubrics import fiche_definition
from passeport.services.fiches import save_fiche
from passeport.views_fiches import _word_diff
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db

WORDS = (
    "le la les un une des de du et pour avec dans sur client clients prospect entreprise vente offre salon stand "
    "contact relance fichier ciblage objectif résultat tuteur équipe négociation besoin réseau partenaire veille "
    "outil suivi bilan nous avons réalisé préparé contacté proposé obtenu nouveau chaque semaine mois Lyon"
).split()


def prose(words: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    out = []
    for index in range(words):
        out.append(rng.choice(WORDS) + ("." if index % 17 == 16 else ""))
    return " ".join(out)


def _limit(fiche, code="historique") -> int:
    form = fiche_definition(fiche.forms_session, fiche.exam.code)
    return next(r.max_chars for r in form.rubrics if r.code == code)


def _edit_data(fiche, **rubrics):
    form = fiche_definition(fiche.forms_session, fiche.exam.code)
    data = {"base_version": fiche.version, "title": fiche.title, "kind": fiche.kind_id}
    data.update({f"recto__{r.code}": fiche.recto.get(r.code, "") for r in form.part("recto")})
    for verso in fiche.versos.all():
        data.update({f"verso_{verso.order}__{r.code}": verso.content.get(r.code, "") for r in form.part("verso")})
    data.update({f"recto__{code}": text for code, text in rubrics.items()})
    return data


def _save_twice_through_the_service(fiche, user, first, second):
    """Rubrics written before the limit existed (or restored from then): still stored, still compared."""
    for text in (first, second):
        fiche.refresh_from_db()
        result = save_fiche(
            fiche=fiche,
            author=user,
            base_version=fiche.version,
            title=fiche.title,
            recto=dict(fiche.recto, historique=text),
            versos=[v.content for v in fiche.versos.order_by("order")],
        )
        assert result.status == "saved"
    return fiche.versions.filter(is_conflict=False).order_by("-created_at", "-pk").first()


def _diff_url(fiche, version):
    return reverse("passeport:fiche_version_diff", args=[fiche.pk, version.pk]) + "?avec=precedente"


# The length limit -------------------------------------------------------------------------------------------------


def test_every_rubric_has_the_limit_of_the_forms_file():
    for exam in ("E4", "E6"):
        form = fiche_definition(2025, exam)
        assert {r.max_chars for r in form.rubrics} == {8000}


def test_an_over_long_rubric_is_refused_in_french_and_the_text_stays_in_the_form(cast, login):
    fiche = make_fiche(cast.student)
    too_long = prose(5000)
    assert len(too_long) > _limit(fiche)

    response = login(cast.student).post(
        reverse("passeport:fiche_edit", args=[fiche.pk]), _edit_data(fiche, historique=too_long, lieu="Lyon 7e")
    )

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Recto, rubrique « Historique/Problématique de l’activité »" in page
    length = f"{len(too_long):,}".replace(",", "\u202f")
    assert f"{length} caractères, pour une limite de 8\u202f000" in page
    assert "Votre texte est conservé tel quel" in page
    assert too_long in page  # in its textarea, whole: nothing to type again
    assert "Lyon 7e" in page  # and the other rubrics' unsaved text too
    assert 'name="recto__historique" maxlength' not in page  # a browser would cut a pasted text silently
    assert 'data-max-chars="8000"' in page
    fiche.refresh_from_db()
    assert fiche.version == 1 and fiche.recto["historique"] != too_long


def test_an_over_long_autosave_answers_the_french_message_and_saves_nothing(cast, login):
    fiche = make_fiche(cast.student)
    too_long = "x" * (_limit(fiche) + 1)

    response = login(cast.student).post(
        reverse("passeport:fiche_autosave", args=[fiche.pk]), _edit_data(fiche, historique=too_long)
    )

    body = response.json()
    assert response.status_code == 400
    assert body["status"] == "error"
    assert "Historique/Problématique de l’activité" in body["message"]
    assert "limite de 8\u202f000" in body["message"]
    fiche.refresh_from_db()
    assert fiche.version == 1  # the editor keeps the text in its field and its local copy (fiche-editor.js)


def test_a_rubric_at_the_limit_is_saved_line_breaks_counting_one(cast, login):
    fiche = make_fiche(cast.student)
    limit = _limit(fiche)
    text = ("a" * 99 + "\r\n") * (limit // 100)  # CRLF as browsers send it: LF once stored
    assert len(text.replace("\r\n", "\n")) <= limit < len(text)

    response = login(cast.student).post(
        reverse("passeport:fiche_edit", args=[fiche.pk]), _edit_data(fiche, historique=text)
    )

    assert response.status_code == 302
    fiche.refresh_from_db()
    assert fiche.recto["historique"] == text.replace("\r\n", "\n")


# The version diff ------------------------------------------------------------------------------------------------


def test_the_diff_of_a_5000_word_rubric_saved_twice_answers_with_the_change(cast, login):
    fiche = make_fiche(cast.student)
    first = prose(5000)
    words = first.split(" ")
    words[2500] = "REFORMULÉ"
    version = _save_twice_through_the_service(fiche, cast.student.user, first, " ".join(words))

    response = login(cast.student).get(_diff_url(fiche, version))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<ins>REFORMULÉ</ins>" in page
    diff = page.split('class="fiche-diff"', 1)[1]  # after the legend, which has its own <del> and <ins>
    assert diff.count("<ins>") == 1 and diff.count("<del>") == 1  # one word changed: one word marked
    assert "Recto – Historique" in html.unescape(page)


def test_the_diff_of_hostile_repetitive_rubrics_saved_through_the_editor_answers(cast, login):
    fiche = make_fiche(cast.student)
    limit = _limit(fiche)
    client = login(cast.student)
    url = reverse("passeport:fiche_edit", args=[fiche.pk])
    first = ("le client " * limit)[: limit - 10].strip()
    second = ("client le " * limit)[: limit - 10].strip()
    for text in (first, second):
        fiche.refresh_from_db()
        assert client.post(url, _edit_data(fiche, historique=text)).status_code == 302
    version = FicheVersion.objects.filter(fiche=fiche).order_by("-created_at", "-pk").first()

    response = client.get(_diff_url(fiche, version))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<del>" in page and "<ins>" in page


def test_past_the_deadline_the_diff_is_coarser_but_still_rebuilds_both_texts():
    old, new = prose(3000, 1), prose(3000, 2)
    deadline = textdiff.Deadline(0)

    segments = _word_diff(old, new, deadline)

    assert deadline.hit
    assert "".join(t for op, t in segments if op != "ins") == old
    assert "".join(t for op, t in segments if op != "del") == new


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", "abc"),
        ("a b c", ""),
        ("le client le client", "client le client le"),
        (prose(400, 1), prose(400, 2)),
        (prose(300, 1), prose(300, 1).replace("client", "prospect")),
    ],
)
def test_the_bounded_diff_rebuilds_both_texts(old, new):
    segments = _word_diff(old, new)
    assert "".join(t for op, t in segments if op != "ins") == old
    assert "".join(t for op, t in segments if op != "del") == new


# The authorship comparison ---------------------------------------------------------------------------------------


def test_the_authorship_page_compares_two_5000_word_rubrics(cast, login):
    copied = prose(5000, 3)
    fiches = []
    for student, text in ((cast.student, copied), (cast.student2, copied.replace("Lyon", "Villeurbanne"))):
        fiche = make_fiche(student, text="{code}")
        fiche.recto["historique"] = text
        fiche.save(update_fields=["recto"])
        fiches.append(fiche)

    response = login(cast.teacher).get(reverse("passeport:fiche_compare", args=[fiches[0].pk, fiches[1].pk]))

    assert response.status_code == 200
    assert "quasi identique" in response.content.decode()
    [row] = [r for part in response.context["parts"] for _, rows in part.sections for r in rows if r.flagging]
    assert row.comparison.rubric.code == "historique"
    assert any(segment.shared for segment in row.left_segments)


def test_the_cohort_page_answers_with_hostile_rubrics(cast, login):
    for student, text in ((cast.student, "le client " * 2500), (cast.student2, "client le " * 2500)):
        fiche = make_fiche(student, text="{code}")
        fiche.recto["historique"] = text
        fiche.save(update_fields=["recto"])

    response = login(cast.teacher).get(reverse("passeport:cohort_authorship", args=[cast.cohort.pk]))

    assert response.status_code == 200
