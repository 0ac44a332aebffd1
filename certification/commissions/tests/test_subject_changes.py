"""The word-level measure of a fiche sujet's changes (pure functions) and its bound on the work done."""

import time

from certification.commissions.services.subject_changes import (
    MAX_PAIRS,
    MAX_WORDS,
    measure,
    same_words,
    word_change,
    words,
)


def test_words_set_case_accents_and_punctuation_aside():
    assert words("Salle « Événement », 2ᵉ étage ; côté RUE.") == ["salle", "evenement", "2e", "etage", "cote", "rue"]
    assert words("l’offre d'été") == ["l", "offre", "d", "ete"]
    assert words(None) == words("") == []


def test_a_full_stop_or_a_capital_is_no_change():
    assert same_words("Showroom de Lyon", "showroom de Lyon.")
    assert word_change("lieu", "Showroom de Lyon", "Showroom  de LYON.").changed == 0


def test_a_word_replaced_added_or_removed_counts_one():
    assert word_change("lieu", "Showroom de Lyon", "Showroom de Grenoble").changed == 1
    assert word_change("lieu", "Showroom de Lyon", "Grand showroom de Lyon").changed == 1
    assert word_change("lieu", "Showroom de Lyon", "Showroom Lyon").changed == 1


def test_another_offer_changes_most_of_the_objet():
    change = word_change("objet", "Négociation d'un contrat d'entretien", "Vente d'une chaudière à condensation")
    assert (change.size, change.changed) == (6, 5)
    assert change.percent > 70


def test_the_measure_sums_the_rubrics():
    originals = {"lieu": "Showroom de Lyon", "objet": "Contrat d'entretien annuel"}
    texts = {"lieu": "Showroom de Lyon.", "objet": "Contrat d'entretien pluriannuel"}
    measured = measure(["lieu", "objet", "dates"], originals, texts)
    assert (measured.changed_words, measured.size, measured.changed_rubrics) == (1, 7, 1)
    assert [r.code for r in measured.replaced(["objet", "lieu"], 30)] == []
    assert [r.code for r in measured.replaced(["objet"], 20)] == ["objet"]


def test_texts_are_cut_to_max_words():
    assert len(words("mot " * (MAX_WORDS + 500))) == MAX_WORDS


def test_repetitive_texts_cannot_pin_a_cpu():
    # Two periodic texts of MAX_WORDS words: SequenceMatcher alone takes tens of seconds on these (cubic).
    before = " ".join(["a", "b", "c"] * MAX_WORDS)
    after = " ".join(["a", "c", "b"] * MAX_WORDS)
    lopsided = " ".join(["a"] * 9 + ["b"]) * MAX_WORDS
    started = time.perf_counter()
    for old, new in [(before, after), ("a " * MAX_WORDS, lopsided)]:
        word_change("historique", old, new)
    assert time.perf_counter() - started < 1.0


def test_small_middles_keep_the_word_order():
    # Under MAX_PAIRS the comparison is in order: the same words swapped are changes.
    assert 100 * 100 <= MAX_PAIRS
    assert word_change("x", "alpha beta gamma", "gamma beta alpha").changed == 2
