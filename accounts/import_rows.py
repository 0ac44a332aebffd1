"""Checking one row of a student list on its own: names, email, candidate number, route, INE, duplicates in the file."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.import_columns import normalise
from accounts.models import Route


@dataclass(frozen=True)
class RawRow:
    """One line of the file, cleaned of stray spaces but not validated. ``line`` is the spreadsheet row number
    (for a SIECLE file, the student's rank in the file). Every field but the names may be empty."""

    line: int
    last_name: str
    first_name: str
    email: str = ""
    candidate_number: str = ""
    route: str = ""
    ine: str = ""
    birth_name: str = ""  # SIECLE's « nom de famille » when the « nom d'usage » is the last_name
    siecle_id: str = ""


RAW_FIELDS = {"last_name", "first_name", "email", "candidate_number", "route", "ine"}


ROUTE_WORDS: dict[str, str] = {
    "scolaire": Route.SCOLAIRE,
    "sco": Route.SCOLAIRE,
    "statut scolaire": Route.SCOLAIRE,
    "voie scolaire": Route.SCOLAIRE,
    "apprenti": Route.APPRENTI,
    "apprentie": Route.APPRENTI,
    "apprentis": Route.APPRENTI,
    "apprenti e": Route.APPRENTI,
    "apprentissage": Route.APPRENTI,
    "app": Route.APPRENTI,
    "contrat d apprentissage": Route.APPRENTI,
    "formation continue": Route.CONTINUE,
    "continue": Route.CONTINUE,
    "fc": Route.CONTINUE,
    "stagiaire de la formation continue": Route.CONTINUE,
    "stagiaire formation continue": Route.CONTINUE,
    "formation professionnelle continue": Route.CONTINUE,
}

CANDIDATE_RE = re.compile(r"^[A-Za-z0-9-]{1,20}$")
NAME_MAX = 150
EMAIL_MAX = 254


def parse_route(value: str) -> str | None:
    return ROUTE_WORDS.get(normalise(value))


def _column(columns: dict[str, str] | None, name: str) -> str:
    """« (colonne « Régime ») » after a bad value, so the importer knows which column to fix or unmap."""
    title = (columns or {}).get(name)
    return f" (colonne « {title} »)" if title else ""


def field_reasons(row: RawRow, columns: dict[str, str] | None = None) -> list[str]:
    reasons: list[str] = []
    for attr, label in (("last_name", "nom"), ("first_name", "prénom")):
        value = getattr(row, attr)
        if not value:
            reasons.append(f"{label} manquant{_column(columns, attr)}")
        elif len(value) > NAME_MAX:
            reasons.append(f"{label} trop long ({NAME_MAX} caractères au plus)")
    if row.email and not _is_email(row.email):
        reasons.append(f"adresse électronique « {row.email} » invalide{_column(columns, 'email')}")
    if row.candidate_number and not CANDIDATE_RE.match(clean_candidate(row.candidate_number)):
        reasons.append(
            f"n° candidat « {row.candidate_number} » invalide{_column(columns, 'candidate_number')} (lettres, "
            "chiffres et tirets, 20 caractères au plus)"
        )
    if row.route and parse_route(row.route) is None:
        reasons.append(
            f"voie « {row.route} » inconnue{_column(columns, 'route')} (attendu : scolaire, apprenti ou formation "
            "continue ; si cette colonne dit autre chose, choisissez « Ignorée » pour elle)"
        )
    if row.ine and not INE_RE.match(clean_ine(row.ine)):
        reasons.append(f"INE « {row.ine} » invalide{_column(columns, 'ine')} (11 chiffres et lettres)")
    return reasons


INE_RE = re.compile(r"^[0-9A-Z]{11}$")


def clean_ine(value: str) -> str:
    return "".join(value.split()).upper()


def _is_email(value: str) -> bool:
    if len(value) > EMAIL_MAX:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def clean_candidate(value: str) -> str:
    return "".join(value.split())


def name_key(last_name: str, first_name: str) -> tuple[str, str]:
    return normalise(last_name.translate(LIGATURES)), normalise(first_name.translate(LIGATURES))


def in_file_duplicates(rows: list[RawRow]) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = {}
    firsts: dict[str, dict[str, int]] = {"email": {}, "number": {}, "ine": {}}
    labels = {"email": "adresse électronique", "number": "n° candidat", "ine": "INE"}
    for row in rows:
        keys = {"email": row.email.lower(), "number": clean_candidate(row.candidate_number), "ine": clean_ine(row.ine)}
        for kind, key in keys.items():
            if key and key in firsts[kind]:
                shown = row.email if kind == "email" else key
                reasons.setdefault(row.line, []).append(
                    f"{labels[kind]} « {shown} » déjà présent{'e' if kind == 'email' else ''} ligne {firsts[kind][key]}"
                )
            if key:
                firsts[kind].setdefault(key, row.line)
    return reasons


# Letters that NFKD does not decompose: transliterated, never dropped (« CŒUR » gives « coeur », not « cur »).
LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"}
)
