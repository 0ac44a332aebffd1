"""One reader for every official-form file of ``data/forms`` (fiches, grid, evaluation sheet, fiche sujet, NV).

Each file is named ``<name>-<forms session>.yaml`` (the session of the circulaire whose annexes it transcribes) and is
read once per process. Callers build their own typed views from the mapping it returns; they never open the files.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

FORMS_DIR = Path(__file__).resolve().parent.parent / "data" / "forms"
NAMES = ("fiches", "grid", "evaluation-sheet", "subject-sheet", "conformity", "word", "attestation")


class OfficialFormMissing(LookupError):
    """No file transcribes this form for this session's circulaire."""


@lru_cache(maxsize=32)
def official_form(name: str, forms_session: int) -> dict[str, Any]:
    """The parsed ``data/forms/<name>-<forms_session>.yaml`` (shared: callers must not modify it)."""
    if name not in NAMES:
        raise OfficialFormMissing(f"Formulaire officiel inconnu : {name}.")
    path = FORMS_DIR / f"{name}-{forms_session}.yaml"
    if not path.is_file():
        raise OfficialFormMissing(f"Aucun formulaire « {name} » pour la circulaire de la session {forms_session}.")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def latest_official_form_session(name: str) -> int:
    """The most recent circulaire session for which ``data/forms`` transcribes the form ``name``."""
    if name not in NAMES:
        raise OfficialFormMissing(f"Formulaire officiel inconnu : {name}.")
    years = [int(path.stem.rsplit("-", 1)[1]) for path in FORMS_DIR.glob(f"{name}-[0-9]*.yaml")]
    if not years:
        raise OfficialFormMissing(f"Aucun formulaire « {name} ».")
    return max(years)
