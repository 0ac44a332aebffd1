import pytest

from dataset.fingerprint import fiche_hashes, results_hash
from dataset.tests.helpers import generate

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[dict[str, str], str]:
    generate("--preset", "tiny", "--flush-existing-dataset", *args)
    return fiche_hashes(), results_hash()


def test_the_same_seed_gives_the_same_content():
    first = _run("--seed", "7")
    second = _run("--seed", "7")

    assert len(first[0]) == 3 * 4
    assert first == second


def test_another_seed_gives_other_content():
    first = _run("--seed", "7")
    other = _run("--seed", "8")

    assert first[0].keys() == other[0].keys()
    assert first[0] != other[0]
