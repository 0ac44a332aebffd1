from pathlib import Path

import pytest

from referentiel.loader import DATA_DIR

ANNEX_TEXT = DATA_DIR / "referentiel" / "source" / "circulaire-2025-annexes-E4-E6.txt"
VERSION_FILE = DATA_DIR / "referentiel" / "ndrc-2018-maj-2025.yaml"


def annex_text() -> str:
    """The circulaire's annexes with non-breaking spaces and line breaks flattened to plain spaces."""
    text = Path(ANNEX_TEXT).read_text(encoding="utf-8").replace("\u00a0", " ")
    return " ".join(text.split())


def annex_section(start: str, end: str) -> str:
    text = annex_text()
    return text[text.index(start) : text.index(end)]


@pytest.fixture
def reader(db):
    from accounts.models import User

    return User.objects.create_user(username="lecteur", password="irrelevant-Pass-1", first_name="Léa")
