"""Which rubrics the authorship check flags, and between which fiches (passeport.authorship)."""

import datetime
from typing import Any

import pytest

from passeport.authorship import (
    MIN_CHARS,
    PARTICIPANTS,
    SAME_FICHE,
    SAME_STUDENT,
    cohort_flagged_pairs,
    marked_segments,
    normalise,
    similarity,
)
from passeport.models import FicheVerso
from tests.factories import make_activity, make_fiche

HISTORIQUE = (
    "Le salon Pro'Bureau de Lyon réunit chaque année les acheteurs des PME de la région. L'entreprise y participait "
    "sans objectif précis et repartait avec peu de contacts qualifiés. Cette année, ma tutrice souhaitait faire du "
    "stand un outil de prospection : relancer les clients inactifs depuis un an et rencontrer de nouveaux prospects "
    "du secteur tertiaire."
)
# The same text lightly retouched: a name added, punctuation and a possessive changed.
HISTORIQUE_RETOUCHED = (
    "Le salon Pro Bureau de Lyon réunit chaque année les acheteurs des PME de la région ; l'entreprise y participait "
    "sans objectif précis et repartait avec peu de contacts qualifiés ! Cette année, mon tuteur M. Garnier souhaitait "
    "faire du stand un outil de prospection : relancer les clients inactifs depuis un an et rencontrer de nouveaux "
    "prospects du secteur tertiaire."
)
# The same facts, in another student's own words.
HISTORIQUE_OWN_WORDS = (
    "Depuis cinq ans, Bureau Plus expose au salon Pro'Bureau à Lyon, mais les retombées restaient faibles faute de "
    "préparation : peu de contacts qualifiés et aucun suivi après l'événement. Pour l'édition 2026, Mme Garnier nous a "
    "demandé de transformer la participation en action de prospection, avec deux cibles : les clients qui n'ont pas "
    "commandé depuis douze mois et les PME tertiaires encore jamais démarchées."
)
OFFRE = (
    "Fournitures de bureau, mobilier, consommables d'impression et services de livraison en 24 heures pour les "
    "entreprises et les administrations de la métropole lyonnaise."
)
FAIR: dict[str, Any] = {"start_date": datetime.date(2026, 3, 17), "end_date": datetime.date(2026, 3, 19)}


def _fiche(student, activity, *, kind_code="evenement", **rubrics):
    # "{code}" alone is too short to be compared: only the rubrics given here count.
    fiche = make_fiche(student, activity=activity, kind_code=kind_code, text="{code}")
    fiche.recto.update(rubrics)
    fiche.save(update_fields=["recto"])
    return fiche


def _fair_for_both(cast, *, listed_back=False, **dates):
    mine = make_activity(cast.student, "Salon Pro'Bureau", **FAIR)
    mine.participants.add(cast.student2)
    theirs = make_activity(cast.student2, "Salon professionnel", **(dates or FAIR))
    if listed_back:
        theirs.participants.add(cast.student)
    return mine, theirs


def test_it_normalises_case_accents_punctuation_and_spaces():
    assert normalise("  L’Événement,   très « réussi » !\n") == "l evenement tres reussi"


def test_a_lightly_retouched_copy_is_near_identical_and_own_words_are_not():
    retouched, own_words = similarity(HISTORIQUE, HISTORIQUE_RETOUCHED), similarity(HISTORIQUE, HISTORIQUE_OWN_WORDS)
    assert retouched is not None and retouched >= 0.9
    assert own_words is not None and own_words < 0.4


def test_it_does_not_compare_rubrics_too_short_to_mean_anything():
    assert len(normalise("Bureau Plus Rhône, Lyon 7e")) < MIN_CHARS
    assert similarity("Bureau Plus Rhône, Lyon 7e", "Bureau Plus Rhône, Lyon 7e") is None


def test_it_flags_the_copied_rubric_between_participants(cast):
    mine, theirs = _fair_for_both(cast)
    emma = _fiche(cast.student, mine, historique=HISTORIQUE)
    lucas = _fiche(cast.student2, theirs, historique=HISTORIQUE_RETOUCHED)

    [pair] = cohort_flagged_pairs(cast.cohort)

    assert pair.check == PARTICIPANTS
    assert {pair.left, pair.right} == {emma, lucas}
    assert [m.rubric.code for m in pair.matches] == ["historique"]
    assert pair.matches[0].rubric.label == "Historique/Problématique de l’activité"
    assert (pair.matches[0].percent or 0) >= 90


def test_it_does_not_flag_participants_who_wrote_in_their_own_words(cast):
    mine, theirs = _fair_for_both(cast)
    _fiche(cast.student, mine, historique=HISTORIQUE)
    _fiche(cast.student2, theirs, historique=HISTORIQUE_OWN_WORDS)

    assert cohort_flagged_pairs(cast.cohort) == []


def test_it_does_not_flag_identical_short_rubrics_nor_the_organisations_description(cast):
    mine, theirs = _fair_for_both(cast)
    _fiche(cast.student, mine, organisation="Bureau Plus Rhône", offre_commerciale=OFFRE, historique=HISTORIQUE)
    _fiche(
        cast.student2,
        theirs,
        organisation="Bureau Plus Rhône",
        offre_commerciale=OFFRE,
        historique=HISTORIQUE_OWN_WORDS,
    )

    assert cohort_flagged_pairs(cast.cohort) == []


def test_it_lists_the_organisations_description_alongside_a_flagged_rubric(cast):
    mine, theirs = _fair_for_both(cast)
    _fiche(cast.student, mine, offre_commerciale=OFFRE, historique=HISTORIQUE)
    _fiche(cast.student2, theirs, offre_commerciale=OFFRE, historique=HISTORIQUE)

    [pair] = cohort_flagged_pairs(cast.cohort)

    assert [m.rubric.code for m in pair.matches] == ["offre_commerciale", "historique"]


def test_a_participants_activity_listing_the_author_back_is_enough_whatever_its_dates(cast):
    mine, theirs = _fair_for_both(cast, listed_back=True, start_date=datetime.date(2026, 4, 2))
    _fiche(cast.student, mine, historique=HISTORIQUE)
    _fiche(cast.student2, theirs, historique=HISTORIQUE)

    assert [p.check for p in cohort_flagged_pairs(cast.cohort)] == [PARTICIPANTS]


def test_it_does_not_compare_students_not_linked_by_participation(cast):
    # Same dates, same text, but nobody lists the other: the rule stays predictable (and cheap).
    _fiche(cast.student, make_activity(cast.student, **FAIR), historique=HISTORIQUE)
    _fiche(cast.student2, make_activity(cast.student2, **FAIR), historique=HISTORIQUE)

    assert cohort_flagged_pairs(cast.cohort) == []


def test_it_does_not_compare_a_participants_fiche_on_another_activity(cast):
    mine, _ = _fair_for_both(cast)
    elsewhere = make_activity(
        cast.student2, "Vente en boutique", start_date=datetime.date(2026, 6, 1), end_date=datetime.date(2026, 6, 2)
    )
    _fiche(cast.student, mine, historique=HISTORIQUE)
    _fiche(cast.student2, elsewhere, historique=HISTORIQUE)

    assert cohort_flagged_pairs(cast.cohort) == []


def test_it_flags_a_second_fiche_of_the_same_student_copying_the_recto(cast):
    first = _fiche(cast.student, make_activity(cast.student), kind_code="nego-vente", historique=HISTORIQUE)
    second = _fiche(cast.student, make_activity(cast.student), historique=HISTORIQUE_RETOUCHED)

    [pair] = cohort_flagged_pairs(cast.cohort)

    assert (pair.check, pair.left, pair.right) == (SAME_STUDENT, first, second)
    assert [m.rubric.code for m in pair.matches] == ["historique"]


def test_it_does_not_compare_fiches_of_different_exams(cast):
    _fiche(cast.student, make_activity(cast.student), historique=HISTORIQUE, contexte=HISTORIQUE)
    e6 = make_fiche(cast.student, exam_code="E6", kind_code="partenaires", text="{code}")
    e6.recto["contexte"] = HISTORIQUE
    e6.save(update_fields=["recto"])

    assert cohort_flagged_pairs(cast.cohort) == []


def test_it_flags_a_second_verso_copying_the_first(cast):
    fiche = make_fiche(cast.student, text="{code}")
    first = fiche.versos.get()
    first.content["demarche"] = HISTORIQUE
    first.save(update_fields=["content"])
    FicheVerso.objects.create(fiche=fiche, order=2, content={**first.content, "demarche": HISTORIQUE_RETOUCHED})

    [pair] = cohort_flagged_pairs(cast.cohort)

    assert (pair.check, pair.left, pair.right, pair.left_verso, pair.right_verso) == (SAME_FICHE, fiche, fiche, 1, 2)
    assert [m.rubric.code for m in pair.matches] == ["demarche"]


def test_it_does_not_flag_a_second_verso_written_anew(cast):
    fiche = make_fiche(cast.student, text="{code}")
    first = fiche.versos.get()
    first.content["demarche"] = HISTORIQUE
    first.save(update_fields=["content"])
    FicheVerso.objects.create(fiche=fiche, order=2, content={**first.content, "demarche": HISTORIQUE_OWN_WORDS})

    assert cohort_flagged_pairs(cast.cohort) == []


def test_it_flags_a_participants_copied_verso(cast):
    mine, theirs = _fair_for_both(cast)
    emma = _fiche(cast.student, mine)
    lucas = _fiche(cast.student2, theirs)
    for fiche, text in ((emma, HISTORIQUE), (lucas, HISTORIQUE_RETOUCHED)):
        verso = fiche.versos.get()
        verso.content["activites_realisees"] = text
        verso.save(update_fields=["content"])

    [pair] = cohort_flagged_pairs(cast.cohort)

    assert (pair.left_verso, pair.right_verso) == (1, 1)
    assert [m.rubric.code for m in pair.matches] == ["activites_realisees"]


@pytest.mark.parametrize(("left", "right"), [(HISTORIQUE, HISTORIQUE_RETOUCHED), ("", HISTORIQUE), ("a < b", "")])
def test_marked_segments_rebuild_both_texts(left, right):
    left_segments, right_segments = marked_segments(left, right)

    assert "".join(s.text for s in left_segments) == left
    assert "".join(s.text for s in right_segments) == right


def test_marked_segments_mark_the_shared_passages_only():
    left_segments, right_segments = marked_segments(
        "Nous avons relancé les clients inactifs depuis un an grâce au fichier CRM.",
        "Ensuite j'ai relancé les clients inactifs depuis un an, par courriel.",
    )

    assert [s.text for s in left_segments if s.shared] == ["relancé les clients inactifs depuis un an"]
    assert [s.text for s in right_segments if s.shared] == ["relancé les clients inactifs depuis un an"]
