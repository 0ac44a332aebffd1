"""Which column of an export says what: guessing from header names, the importer's corrections, remembered.

School software exports (Pronote, SIECLE's CSV extractions, EcoleDirecte and the like) carry many columns the
product does not need — « Régime » (externe, demi-pensionnaire…), « Date de naissance », « Options »… — and name the
useful ones in their own words. A column is therefore mapped to at most one field; every column the guess does not
recognise is ignored and listed, and the importer corrects the guess with one select box per column before any line
is checked. Only the mapped columns are validated, so a « Régime » column can no longer be read as the « voie ».

The mapping an establishment confirms is remembered by header name (``ImportMapping``), so its next export is read
the same way without asking again.
"""

import re
import unicodedata
from collections.abc import Callable

# Fields an import can fill, in the order the select boxes offer them.
FIELDS: dict[str, str] = {
    "last_name": "Nom",
    "first_name": "Prénom",
    "email": "Adresse électronique",
    "candidate_number": "N° candidat",
    "route": "Voie de formation (scolaire, apprenti, formation continue)",
    "ine": "INE",
    "division": "Division / classe (pour choisir les élèves de la classe)",
}
IGNORED = ""
REQUIRED_FIELDS = ("last_name", "first_name")

# Header names as exports write them, compared once normalised (see ``header_key``).
GUESSES: dict[str, set[str]] = {
    "last_name": {
        "nom",
        "noms",
        "nom de famille",
        "nom d usage",
        "nom usage",
        "nom patronymique",
        "nom eleve",
        "nom de l eleve",
        "nom etudiant",
        "nom de l etudiant",
        "nom apprenant",
        "nom de l apprenant",
    },
    "first_name": {
        "prenom",
        "prenoms",
        "prenom usuel",
        "premier prenom",
        "prenom 1",
        "prenom eleve",
        "prenom de l eleve",
        "prenom etudiant",
        "prenom de l etudiant",
        "prenom apprenant",
    },
    "email": {
        "email",
        "e mail",
        "mail",
        "mel",
        "courriel",
        "adresse electronique",
        "adresse email",
        "adresse e mail",
        "adresse mail",
        "adresse mel",
        "adresse courriel",
        "email eleve",
        "email etudiant",
        "mel eleve",
        "mail eleve",
        "courriel eleve",
        "courriel etudiant",
    },
    "candidate_number": {
        "n candidat",
        "no candidat",
        "num candidat",
        "numero candidat",
        "n de candidat",
        "no de candidat",
        "num de candidat",
        "numero de candidat",
        "n du candidat",
        "numero du candidat",
    },
    "route": {"voie", "voie de formation", "statut de formation", "regime de formation"},
    "ine": {
        "ine",
        "n ine",
        "no ine",
        "numero ine",
        "identifiant national",
        "id national",
        "identifiant national eleve",
    },
    "division": {"division", "divisions", "classe", "classes", "classe s", "code division", "division de l eleve"},
}

# « Régime » is, in school software, the canteen status (externe, demi-pensionnaire, interne), and « Statut » may
# be anything; a spreadsheet typed by a teacher may use either for the route. Such a column is taken as the route
# only when every value in it reads as one (scolaire, apprenti, formation continue).
MAYBE_ROUTE = {"regime", "statut", "statut eleve", "regime eleve"}

# Columns recognised as useless here: ignored silently (no « colonne inconnue » note), still listed as ignored.
KNOWN_UNUSED = {
    "date de naissance",
    "ne e le",
    "ne le",
    "nee le",
    "naissance",
    "sexe",
    "genre",
    "options",
    "option",
    "option 1",
    "option 2",
    "groupes",
    "groupe",
    "mef",
    "formation",
    "telephone",
    "portable",
    "adresse",
    "code postal",
    "ville",
    "responsable",
    "responsables",
    "date d entree",
    "date de sortie",
    "doublement",
    "boursier",
    "nationalite",
}


def normalise(value: str) -> str:
    """Lower case, accents removed, punctuation as spaces: « N° Candidat » → « n candidat »."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split())


def header_key(header: str) -> str:
    """The key a header is recognised and remembered by: spaces dropped too (« N°candidat », « E mail »)."""
    return normalise(header).replace(" ", "")


_GUESS_KEYS = {variant.replace(" ", ""): name for name, variants in GUESSES.items() for variant in variants}
_UNUSED_KEYS = {variant.replace(" ", "") for variant in KNOWN_UNUSED}


def guess_field(header: str) -> str:
    return _GUESS_KEYS.get(header_key(header), IGNORED)


def is_known_unused(header: str) -> bool:
    return header_key(header) in _UNUSED_KEYS or header_key(header) in _MAYBE_ROUTE_KEYS


_MAYBE_ROUTE_KEYS = {variant.replace(" ", "") for variant in MAYBE_ROUTE}


def guess_mapping(
    header: list[str], remembered: dict[str, str] | None = None, route_like: Callable[[int], bool] | None = None
) -> list[str]:
    """One field (or ``IGNORED``) per column: what the establishment confirmed before, else the guess.

    ``route_like(index)`` says whether every value of a column reads as a route (see ``MAYBE_ROUTE``). A field goes
    to the first column that claims it; a later column with the same guess stays ignored.
    """
    remembered = remembered or {}
    taken: set[str] = set()
    mapping: list[str] = []
    for index, cell in enumerate(header):
        key = header_key(cell)
        name = remembered.get(key, guess_field(cell)) if key else IGNORED
        if key in _MAYBE_ROUTE_KEYS and key not in remembered and route_like is not None and route_like(index):
            name = "route"
        if name not in FIELDS or name in taken:
            name = IGNORED
        taken.add(name)
        mapping.append(name)
    return mapping


def recognised_count(header: list[str]) -> int:
    return len({guess_field(c) for c in header} - {IGNORED})


def names_required_fields(header: list[str]) -> bool:
    fields = {guess_field(c) for c in header}
    return all(f in fields for f in REQUIRED_FIELDS)


def mapping_problems(header: list[str], mapping: list[str]) -> list[str]:
    """French sentences saying why ``mapping`` cannot be used (a required field missing, a field used twice)."""
    problems: list[str] = []
    for name in REQUIRED_FIELDS:
        if name not in mapping:
            problems.append(f"Aucune colonne n'est associée à « {FIELDS[name]} » : choisissez-la ci-dessous.")
    seen: dict[str, int] = {}
    for index, name in enumerate(mapping):
        if name == IGNORED:
            continue
        if name in seen:
            problems.append(
                f"« {FIELDS[name]} » est associé à deux colonnes, « {column_title(header, seen[name])} » et "
                f"« {column_title(header, index)} » : n'en gardez qu'une."
            )
        seen.setdefault(name, index)
    return problems


def column_title(header: list[str], index: int) -> str:
    title = header[index] if index < len(header) else ""
    return title or f"colonne {index + 1}"


def remembered_update(header: list[str], mapping: list[str]) -> dict[str, str]:
    """What to remember from a confirmed mapping: header key → field, ignored columns included."""
    return {header_key(cell): name for cell, name in zip(header, mapping, strict=False) if header_key(cell)}
