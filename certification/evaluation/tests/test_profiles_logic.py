"""Marking by profile (pure logic): proposal, key, dominance, order and warnings. No mark is ever computed."""

from decimal import Decimal

from certification.evaluation.services.profiles import (
    Marked,
    Range,
    dominates,
    key_dominates,
    order_keys,
    order_profiles,
    profile_key,
    propose_profile,
    warnings,
)

COMPETENCIES = [1, 2, 3, 4]


def test_proposal_is_the_median_level_of_each_competency():
    proposal = propose_profile({1: ["S", "TS", "TS"], 2: ["I", "I", "S"]})
    assert proposal == {"1": "TS", "2": "I"}


def test_proposal_rounds_toward_the_lower_level_on_ties():
    assert propose_profile({1: ["S", "TS"], 2: ["TI", "I", "S", "TS"]}) == {"1": "S", "2": "I"}


def test_every_competency_counts_whatever_its_number_of_lines():
    # Four lines at TS do not outweigh a single line at I: each compétence gets its own position.
    proposal = propose_profile({1: ["TS", "TS", "TS", "TS"], 2: ["I"]})
    assert proposal == {"1": "TS", "2": "I"}


def test_lines_not_positioned_are_ignored_and_empty_competencies_get_no_proposal():
    assert propose_profile({1: [None, "S", None], 2: [None, None]}) == {"1": "S"}


def test_profile_key_follows_the_competencies_order_and_marks_gaps():
    profile = {"2": "TS", "1": "S", "4": "S"}
    assert profile_key(profile, COMPETENCIES) == "S-TS-?-S"
    assert profile_key({1: "I", 2: "I", 3: "I", 4: "I"}, COMPETENCIES) == "I-I-I-I"


def test_a_profile_dominates_when_higher_or_equal_everywhere_and_higher_somewhere():
    assert dominates({"1": "TS", "2": "S"}, {"1": "S", "2": "S"})
    assert not dominates({"1": "S", "2": "S"}, {"1": "S", "2": "S"})
    assert not dominates({"1": "TS", "2": "I"}, {"1": "S", "2": "S"})
    assert not dominates({"1": "S", "2": "S"}, {"1": "TS", "2": "S"})


def test_incomplete_profiles_are_not_comparable():
    assert not dominates({"1": "TS"}, {"1": "S", "2": "S"}, ["1", "2"])
    assert not key_dominates("TS-?", "S-I")


def test_order_puts_dominant_profiles_first_and_incomparable_ones_in_the_same_layer():
    keys = ["I-I-I-I", "S-S-S-S", "TS-I-S-S", "S-TS-S-S", "TS-TS-TS-TS", "S-?-S-S"]
    ordered = order_keys(keys)
    assert ordered[0] == "TS-TS-TS-TS"
    # TS-I-S-S and S-TS-S-S are incomparable: same layer, before S-S-S-S which only one dominates.
    assert ordered.index("S-TS-S-S") < ordered.index("S-S-S-S")
    assert ordered.index("TS-I-S-S") < ordered.index("I-I-I-I")
    assert ordered[-1] == "S-?-S-S"
    for i, a in enumerate(ordered):
        for b in ordered[:i]:
            assert not key_dominates(a, b), f"{a} shown after… but dominates {b}"


def test_inside_a_layer_the_display_order_is_by_sum_of_ranks_then_key():
    # Neither dominates the other; TS-TI (4+1) before I-I (2+2) by the display order only.
    assert order_keys(["I-I", "TS-TI"]) == ["TS-TI", "I-I"]
    assert order_keys(["I-S", "S-I"]) == ["I-S", "S-I"]


def test_order_profiles_keeps_one_profile_per_key():
    profiles = [{"1": "S", "2": "S"}, {"1": "TS", "2": "S"}, {"1": "S", "2": "S"}]
    assert order_profiles(profiles, ["1", "2"]) == [{"1": "TS", "2": "S"}, {"1": "S", "2": "S"}]


def _marked(name, key, mark, status="mark", nv=False):
    return Marked(name=name, key=key, mark=Decimal(mark) if mark is not None else None, status=status, dossier_nv=nv)


def test_contradicting_marks_raise_the_profile_warning():
    results = [_marked("Emma", "TS-S-S-S", "11"), _marked("Lucas", "S-S-S-S", "13")]
    found = warnings(results, {})
    assert found == [
        "Emma a un profil qui domine celui de Lucas mais une note inférieure (TS-S-S-S : 11 ; S-S-S-S : 13)."
    ]


def test_consistent_marks_and_incomparable_profiles_raise_nothing():
    results = [
        _marked("Emma", "TS-S-S-S", "14"),
        _marked("Lucas", "S-S-S-S", "12.5"),
        _marked("Zoé", "I-TS-S-S", "15"),  # incomparable with Emma's: no warning either way
    ]
    assert warnings(results, {"S-S-S-S": Range(Decimal(12), Decimal(13))}) == []


def test_a_mark_outside_its_profile_range_is_reported():
    found = warnings([_marked("Emma", "S-S-S-S", "15.5")], {"S-S-S-S": Range(Decimal(12), Decimal(14))})
    assert found == ["Emma : la note 15,5 est hors de la plage 12–14 fixée pour le profil S-S-S-S."]


def test_a_dominant_profile_with_a_lower_range_is_reported():
    ranges = {"TS-S-S-S": Range(Decimal(10), Decimal(11)), "S-S-S-S": Range(Decimal(12), Decimal(14))}
    found = warnings([], ranges)
    assert len(found) == 1
    assert "TS-S-S-S (10–11) est en dessous de celle du profil S-S-S-S (12–14)" in found[0]


def test_statuses_other_than_a_mark_are_not_compared():
    results = [_marked("Emma", "TS-S-S-S", None, status="absent"), _marked("Lucas", "S-S-S-S", "13")]
    assert warnings(results, {}) == []


def test_an_nv_dossier_without_the_nv_status_is_reported():
    found = warnings([_marked("Emma", "S-S-S-S", "12", nv=True), _marked("Lucas", "S-S-S-S", None, "nv", True)], {})
    assert found == ["Emma : le dossier a été déclaré non valide (NV), mais le statut n'est pas « NV »."]
