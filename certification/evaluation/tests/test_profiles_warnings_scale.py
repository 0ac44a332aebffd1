"""The profiles warnings compare distinct profiles, not every pair of candidates: the same messages as the pairwise
rule, in the same order, and a number of profile comparisons that does not grow with the class."""

import random
from decimal import Decimal

import pytest

from certification.evaluation.services import profiles
from certification.evaluation.services.profiles import Marked, fmt, warnings

KEYS = ["S-S-S-S", "TS-S-S-S", "TS-TS-S-S", "I-S-S-S", "S-I-TS-S", "I-I-I-I", "TS-TS-TS-TS"]
STATUSES = ["mark", "mark", "mark", "pending", "absent"]


def _class(size: int, seed: int) -> list[Marked]:
    draw = random.Random(seed)  # noqa: S311 - test data, not a secret
    return [
        Marked(
            name=f"Candidat {index:03d}",
            key=draw.choice(KEYS),
            mark=Decimal(draw.randrange(0, 41)) / 2 if draw.random() < 0.9 else None,
            status=draw.choice(STATUSES),
        )
        for index in range(size)
    ]


def _pairwise(results: list[Marked]) -> list[str]:
    """The rule as the commission states it: every pair of marked candidates, in order."""
    dominates = profiles.dominance()
    marked = [r for r in results if r.mark is not None and r.status == "mark"]
    found: list[str] = []
    for a in marked:
        for b in marked:
            message = (
                f"{a.name} a un profil qui domine celui de {b.name} mais une note inférieure "
                f"({a.key} : {fmt(a.mark)} ; {b.key} : {fmt(b.mark)})."
            )
            lower = a.mark is not None and b.mark is not None and a.mark < b.mark
            if lower and dominates(a.key, b.key) and message not in found:
                found.append(message)
    return found


@pytest.mark.parametrize(("size", "seed"), [(12, 1), (12, 2), (90, 3), (90, 4)])
def test_the_warnings_are_those_of_every_pair_in_the_same_order(size, seed):
    results = _class(size, seed)
    found = warnings(results, {})
    assert [message for message in found if "domine celui de" in message] == _pairwise(results)
    assert found  # random classes this size always hold a contradiction: the comparison is not vacuous


def _comparisons(monkeypatch, results: list[Marked]) -> int:
    calls = []
    real = profiles.dominance

    def counting(*args, **kwargs):
        check = real(*args, **kwargs)

        def counted(a: str, b: str) -> bool:
            calls.append((a, b))
            return check(a, b)

        return counted

    monkeypatch.setattr(profiles, "dominance", counting)
    warnings(results, {})
    return len(calls)


def test_the_profile_comparisons_do_not_grow_with_the_class(monkeypatch):
    small = [Marked(f"A{i}", KEYS[i % len(KEYS)], Decimal(10 + i % 5), "mark") for i in range(len(KEYS))]
    large = [Marked(f"B{i}", KEYS[i % len(KEYS)], Decimal(10 + i % 5), "mark") for i in range(20 * len(KEYS))]
    assert _comparisons(monkeypatch, small) == _comparisons(monkeypatch, large) == len(KEYS) ** 2
