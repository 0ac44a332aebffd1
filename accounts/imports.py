"""Importing a cohort's students from a CSV or XLSX file: parse, preview, then apply all or nothing.

The flow is two requests: the upload parses the file and previews what would happen; the confirmation
re-validates the same rows against the database and applies them in one transaction. Between the two, the
rows live in the user's session (see ``store_pending_import``), never in a table.

An import only ever changes students within the importer's reach (``ImportScope``): an administrator, the whole
establishment; a teacher, the classes they teach. A line designating a student of another class is shown as
ignored and never applied, and only an administrator may change the address of an existing account (the address
is where a password reset goes). Every change applied is written to the audit log field by field, old → new.
"""

import csv
import io
import itertools
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import reduce
from operator import or_
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts import permissions
from accounts.models import Cohort, Route, Student, User
from audit.models import AuditEntry
from audit.services import log_action

MAX_ROWS = 1000  # students in one file
# What a file may hold at most, blank lines and unused columns included: the reading stops (and refuses) there,
# whatever the file declares. A class list fits many times over.
MAX_LINES = 3000
MAX_COLUMNS = 100
XLSX_MAX_UNCOMPRESSED = 20 * 1024 * 1024  # bytes once inflated, all files of the archive together
XLSX_MAX_MEMBERS = 300
XLSX_MAX_XML_ELEMENTS = 300_000  # a 1,000-student, 20-column sheet is about 50,000
HEADER_SEARCH_ROWS = 10  # a title line or two may precede the column names
PENDING_TTL_SECONDS = 60 * 60
SESSION_PREFIX = "student_import"

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

# Column names are compared once normalised: lower case, no accents, punctuation turned into spaces.
COLUMNS: dict[str, set[str]] = {
    "last_name": {
        "nom",
        "nom de famille",
        "nom d usage",
        "nom patronymique",
        "nom eleve",
        "nom de l eleve",
        "nom etudiant",
        "nom de l etudiant",
        "nom apprenant",
    },
    "first_name": {
        "prenom",
        "prenoms",
        "prenom usuel",
        "premier prenom",
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
        "adresse courriel",
        "email eleve",
        "email etudiant",
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
    "route": {"voie", "voie de formation", "regime", "regime de formation", "statut", "statut de formation"},
}
COLUMN_LABELS = {
    "last_name": "Nom",
    "first_name": "Prénom",
    "email": "Email",
    "candidate_number": "N° candidat",
    "route": "Voie",
}
REQUIRED_COLUMNS = ("last_name", "first_name", "email")

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


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is meant for the user."""


ALREADY_DONE_MESSAGE = "Cet import a déjà été effectué ou a expiré : déposez à nouveau le fichier."


class ImportStale(Exception):
    """The rows validated at preview time no longer validate against the database: nothing was applied."""

    def __init__(self, errors: list["RowError"] | None = None):
        self.errors = errors or []
        detail = " ".join(str(e) for e in self.errors[:5])
        super().__init__(
            "Les données ont changé depuis la prévisualisation : rien n'a été importé. "
            + (detail + " " if detail else "")
            + "Déposez à nouveau le fichier."
        )


class ImportAlreadyApplied(ImportStale):
    """This very preview was already confirmed (a double submission that slipped past the session)."""

    def __init__(self):
        Exception.__init__(self, ALREADY_DONE_MESSAGE)
        self.errors = []


@dataclass(frozen=True)
class RawRow:
    """One line of the file, cleaned of stray spaces but not validated. ``line`` is the spreadsheet row number."""

    line: int
    last_name: str
    first_name: str
    email: str
    candidate_number: str = ""
    route: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    reasons: list[str]

    @property
    def message(self) -> str:
        return " ; ".join(self.reasons)

    def __str__(self) -> str:
        return f"Ligne {self.line} : {self.message}."


@dataclass
class PlannedRow:
    row: RawRow
    route: str
    action: str
    student: Student | None = None
    changes: list[str] = field(default_factory=list)
    # Changes the file asks for but that this importer may not make (an existing account's address): shown, not made.
    kept: list[str] = field(default_factory=list)
    email_allowed: bool = True

    @property
    def route_label(self) -> str:
        return Route(self.route).label


@dataclass
class ImportPreview:
    rows: list[PlannedRow]
    errors: list[RowError]
    # Lines designating a student outside the importer's reach: they do not block the import, they are skipped.
    refused: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for p in self.rows if p.action == action)

    @property
    def to_create(self) -> int:
        return self.count(CREATE)

    @property
    def to_update(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    refused: int = 0
    emails_kept: int = 0


@dataclass(frozen=True)
class ImportScope:
    """Whose accounts an import may change.

    An administrator of the establishment: every student of the establishment, addresses included. A teacher: the
    students of the classes they teach, never an existing account's address (a password reset is sent there).
    """

    establishment_id: int
    is_admin: bool
    cohort_ids: frozenset[int]

    @classmethod
    def of(cls, actor: User | None, cohort: Cohort) -> "ImportScope":
        if actor is None or not actor.is_authenticated:
            raise PermissionDenied(NOT_YOURS)
        if cohort.establishment_id in permissions.admin_establishment_ids(actor):
            return cls(cohort.establishment_id, True, frozenset())
        taught = Cohort.objects.filter(establishment_id=cohort.establishment_id, teachers=actor)
        cohort_ids = frozenset(taught.values_list("pk", flat=True))
        if cohort.pk not in cohort_ids or cohort.establishment_id not in permissions.staff_establishment_ids(actor):
            raise PermissionDenied(NOT_YOURS)
        return cls(cohort.establishment_id, False, cohort_ids)

    def covers(self, student: Student) -> bool:
        if student.cohort.establishment_id != self.establishment_id:
            return False
        return self.is_admin or student.cohort_id in self.cohort_ids

    @property
    def may_change_emails(self) -> bool:
        return self.is_admin


NOT_YOURS = "Seuls l'administration et les enseignants de la classe peuvent y importer des étudiants."
EMAIL_KEPT = "seule l'administration de l'établissement peut changer l'adresse d'un compte existant"


# --- Parsing ------------------------------------------------------------------------------------


def parse_student_file(uploaded_file: Any) -> list[RawRow]:
    """Read an uploaded CSV or XLSX file into rows, or raise ``ImportFileError`` with a French message."""
    name = getattr(uploaded_file, "name", "") or "fichier"
    limit = settings.STUDENT_IMPORT_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ImportFileError(_too_big(name, limit))
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ImportFileError(_too_big(name, limit))
    if not data.strip():
        raise ImportFileError(f"Le fichier « {name} » est vide.")
    table = _read_table(name, data)
    return _rows_from_table(name, table)


def _too_big(name: str, limit: int) -> str:
    return f"Le fichier « {name} » dépasse la taille maximale de {limit // (1024 * 1024) or 1} Mo."


def _read_table(name: str, data: bytes) -> list[list[str]]:
    lower = name.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0") or lower.endswith(".xls"):
        raise ImportFileError(
            f"« {name} » est au format Excel ancien (.xls) : enregistrez-le au format XLSX ou CSV, puis déposez-le."
        )
    if lower.endswith(".ods"):
        raise ImportFileError(
            f"« {name} » est au format OpenDocument (.ods) : enregistrez-le au format XLSX ou CSV, puis déposez-le."
        )
    if data.startswith(b"PK\x03\x04") or lower.endswith(".xlsx"):
        return _read_xlsx(name, data)
    return _read_csv(name, data)


def _read_xlsx(name: str, data: bytes) -> list[list[str]]:
    """The first sheet, read in streaming mode and only as far as its content goes, within the caps.

    ``_inspect_xlsx`` first measures the archive without building anything (a 1.5 KB file may declare a million
    rows, or inflate to gigabytes); openpyxl then reads exactly the rows and columns that hold data, no further.
    """
    from openpyxl import load_workbook  # imported here: only the XLSX path pays for it

    extents = _inspect_xlsx(name, data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a damaged file
        raise ImportFileError(_unreadable_xlsx(name)) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportFileError(_unreadable_xlsx(name))
        path = getattr(sheet, "_worksheet_path", "")
        extent = extents.get(path) or _SheetExtent.widest(extents.values())
        if extent.max_row > MAX_LINES:
            raise ImportFileError(_too_many_lines(name, extent.max_row))
        if extent.max_column > MAX_COLUMNS:
            raise ImportFileError(_too_many_columns(name, _column_letter(extent.max_column)))
        table: list[list[str]] = []
        if extent.max_row == 0:
            return table
        filled = 0
        rows = sheet.iter_rows(min_row=1, max_row=extent.max_row, max_col=max(extent.max_column, 1), values_only=True)
        # islice: never ask openpyxl for the row after the last one with data (it would parse the rest of the sheet).
        for values in itertools.islice(rows, extent.max_row):
            cells = [_cell_text(v) for v in values]
            table.append(cells)
            filled += any(cells)
            if filled > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(_unreadable_xlsx(name)) from None
    finally:
        workbook.close()
    return table


def _unreadable_xlsx(name: str) -> str:
    return (
        f"Le fichier « {name} » n'est pas un classeur XLSX lisible (fichier endommagé ou d'un autre format). "
        "Enregistrez-le à nouveau depuis votre tableur au format XLSX ou CSV."
    )


def _oversized_xlsx(name: str) -> str:
    return (
        f"Le classeur « {name} » est anormalement volumineux une fois décompressé pour une liste d'au plus "
        f"{MAX_ROWS} étudiants. Copiez seulement la liste de la classe dans un nouveau classeur (XLSX) ou "
        "enregistrez-la au format CSV, puis déposez ce fichier."
    )


def _too_many_lines(name: str, last: int) -> str:
    return (
        f"Le fichier « {name} » contient des données jusqu'à la ligne {_number(last)} : l'import lit au plus "
        f"{_number(MAX_LINES)} lignes, lignes vides comprises. Supprimez ce qui se trouve sous la liste des "
        "étudiants (ou copiez la liste dans un nouveau fichier), puis déposez-le à nouveau."
    )


def _too_many_columns(name: str, last: str) -> str:
    return (
        f"Le fichier « {name} » contient des données jusqu'à la colonne {last} : l'import lit au plus "
        f"{MAX_COLUMNS} colonnes (jusqu'à la colonne {_column_letter(MAX_COLUMNS)}). Supprimez les colonnes "
        "en trop (ou copiez la liste dans un nouveau fichier), puis déposez-le à nouveau."
    )


def _number(n: int) -> str:
    """1048576 → « 1 048 576 » (French thousands separator, a non-breaking space)."""
    return f"{n:,}".replace(",", "\u00a0")


def _column_index(letters: str) -> int:
    """« A » → 1, « CV » → 100, « XFD » → 16384."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index


def _column_letter(index: int) -> str:
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass
class _SheetExtent:
    """Where the data of a worksheet ends: the last row and column holding a value (0 when empty)."""

    max_row: int = 0
    max_column: int = 0

    @classmethod
    def widest(cls, extents: Iterable["_SheetExtent"]) -> "_SheetExtent":
        extents = list(extents)
        return cls(max((e.max_row for e in extents), default=0), max((e.max_column for e in extents), default=0))


class _XlsxRefused(Exception):
    pass


_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


def _inspect_xlsx(name: str, data: bytes) -> dict[str, _SheetExtent]:
    """Measure an XLSX archive before openpyxl builds anything from it; return each worksheet's data extent.

    Refuses, with a French message: more than XLSX_MAX_MEMBERS files, more than XLSX_MAX_UNCOMPRESSED bytes once
    inflated (a zip bomb: sizes are checked from the directory, and zipfile never inflates beyond the size it
    declares), more than XLSX_MAX_XML_ELEMENTS XML elements in all, and any DTD or entity declaration (a
    spreadsheet has none; it is how XML bombs are built). The XML is read with expat event handlers: nothing is
    kept in memory but counters.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise ImportFileError(_unreadable_xlsx(name)) from None
    if len(members) > XLSX_MAX_MEMBERS or sum(m.file_size for m in members) > XLSX_MAX_UNCOMPRESSED:
        raise ImportFileError(_oversized_xlsx(name))
    budget = [XLSX_MAX_XML_ELEMENTS]
    extents: dict[str, _SheetExtent] = {}
    try:
        for member in members:
            lower = member.filename.lower()
            if not lower.endswith((".xml", ".rels", ".vml")):
                continue
            extent = _SheetExtent() if lower.startswith("xl/worksheets/") else None
            with archive.open(member) as stream:
                _scan_xml(stream, budget, extent)
            if extent is not None:
                extents[member.filename] = extent
    except _XlsxRefused:
        raise ImportFileError(_oversized_xlsx(name)) from None
    except Exception:  # bad XML, bad CRC, truncated archive
        raise ImportFileError(_unreadable_xlsx(name)) from None
    return extents


def _scan_xml(stream: Any, budget: list[int], extent: _SheetExtent | None) -> None:
    parser = expat.ParserCreate()
    state = {"row": 0, "cell_row": 0, "cell_col": 0, "col": 0}

    def refuse(*_args: Any) -> None:
        raise ValueError("DTD ou entité dans un classeur XLSX")

    def start(tag: str, attrs: dict[str, str]) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _XlsxRefused
        if extent is None:
            return
        local = tag.rpartition(":")[2]
        if local == "row":
            ref = attrs.get("r", "")
            state["row"] = int(ref) if ref.isdigit() else state["row"] + 1
            state["col"] = 0
        elif local == "c":
            match = _CELL_REF.match(attrs.get("r", ""))
            if match:
                state["col"] = _column_index(match.group(1))
                state["row"] = int(match.group(2))
            else:
                state["col"] += 1
            state["cell_row"], state["cell_col"] = state["row"], state["col"]
        elif local in ("v", "is", "f") and state["cell_col"]:
            extent.max_row = max(extent.max_row, state["cell_row"])
            extent.max_column = max(extent.max_column, state["cell_col"])

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    while chunk := stream.read(64 * 1024):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a n° candidat typed as a number comes back as 2412345678.0
    return _clean(str(value))


def _read_csv(name: str, data: bytes) -> list[list[str]]:
    text = _decode(name, data)
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n")
    if controls:
        raise ImportFileError(_not_text(name))
    body = text.rstrip("\r\n")  # trailing line breaks are not lines
    lines = body.count("\n") + body.count("\r") - body.count("\r\n") + 1
    if lines > MAX_LINES:
        raise ImportFileError(_too_many_lines(name, lines))
    best: list[list[str]] | None = None
    best_score = -1
    best_wide: tuple[int, int] | None = None
    for delimiter in (";", ",", "\t"):
        table: list[list[str]] = []
        wide: tuple[int, int] | None = None  # (line, number of columns) of the first line too wide
        try:
            for record in csv.reader(io.StringIO(text), delimiter=delimiter):
                if len(record) > MAX_COLUMNS and wide is None and any(record[MAX_COLUMNS:]):
                    wide = (len(table) + 1, len(record))
                table.append([_clean(c) for c in record[:MAX_COLUMNS]])
        except csv.Error:
            continue
        _, mapping = _locate_header(table)
        score = len(mapping) * 1000 + sum(len(r) for r in table[:HEADER_SEARCH_ROWS])
        if score > best_score:
            best, best_score, best_wide = table, score, wide
    if best is None:
        raise ImportFileError(_not_text(name))
    if best_wide is not None:
        line, width = best_wide
        raise ImportFileError(
            f"La ligne {line} du fichier « {name} » compte {width} colonnes : l'import en lit au plus {MAX_COLUMNS}. "
            "Supprimez les colonnes en trop, puis déposez le fichier à nouveau."
        )
    return best


def _decode(name: str, data: bytes) -> str:
    """UTF-8 (with or without BOM) first, strictly; then Windows-1252, what French Excel writes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(_not_text(name)) from None
    if b"\x00" in data:
        raise ImportFileError(_not_text(name))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_not_text(name))


def _not_text(name: str) -> str:
    return (
        f"Le fichier « {name} » n'est ni un CSV lisible ni un classeur XLSX. "
        "Depuis votre tableur, enregistrez la liste au format CSV (séparateur point-virgule) ou XLSX."
    )


def _clean(value: str) -> str:
    value = value.replace("\ufeff", "").replace("\u200b", "").replace("\xa0", " ")
    return " ".join(value.split())


def normalise(value: str) -> str:
    """Lower case, accents removed, punctuation as spaces: « N° Candidat » → « n candidat »."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split())


# Spaces dropped too, so that « N°candidat » or « E mail » match like « N° candidat » and « E-mail ».
_COLUMN_KEYS = {variant.replace(" ", ""): column for column, variants in COLUMNS.items() for variant in variants}


def _header_mapping(cells: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = _COLUMN_KEYS.get(normalise(cell).replace(" ", ""))
        if column is not None and column not in mapping:
            mapping[column] = index
    return mapping


def _locate_header(table: list[list[str]]) -> tuple[int | None, dict[str, int]]:
    """The first row naming the required columns, among the first few filled rows."""
    first_filled: int | None = None
    seen = 0
    for index, cells in enumerate(table):
        if not any(cells):
            continue
        first_filled = index if first_filled is None else first_filled
        mapping = _header_mapping(cells)
        if all(c in mapping for c in REQUIRED_COLUMNS):
            return index, mapping
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    if first_filled is None:
        return None, {}
    return first_filled, _header_mapping(table[first_filled])


def _rows_from_table(name: str, table: list[list[str]]) -> list[RawRow]:
    header_index, mapping = _locate_header(table)
    if header_index is None:
        raise ImportFileError(f"Le fichier « {name} » est vide.")
    missing = [COLUMN_LABELS[c] for c in REQUIRED_COLUMNS if c not in mapping]
    if missing:
        raise ImportFileError(
            f"Colonne{'s' if len(missing) > 1 else ''} obligatoire{'s' if len(missing) > 1 else ''} "
            f"absente{'s' if len(missing) > 1 else ''} : {', '.join(missing)}. La première ligne du fichier doit "
            "donner les intitulés des colonnes : Nom, Prénom, Email (et, si vous les avez, N° candidat et Voie)."
        )
    rows: list[RawRow] = []
    for index in range(header_index + 1, len(table)):
        cells = table[index]
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                f"Le fichier « {name} » contient plus de {MAX_ROWS} étudiants : importez une classe à la fois."
            )
        values = {c: (cells[i] if i < len(cells) else "") for c, i in mapping.items()}
        rows.append(RawRow(line=index + 1, **values))
    if not rows:
        raise ImportFileError(f"Le fichier « {name} » ne contient aucun étudiant sous la ligne des intitulés.")
    return rows


# --- Validation and preview ---------------------------------------------------------------------


def parse_route(value: str) -> str | None:
    return ROUTE_WORDS.get(normalise(value))


def _field_reasons(row: RawRow) -> list[str]:
    reasons: list[str] = []
    for attr, label in (("last_name", "nom"), ("first_name", "prénom")):
        value = getattr(row, attr)
        if not value:
            reasons.append(f"{label} manquant")
        elif len(value) > NAME_MAX:
            reasons.append(f"{label} trop long ({NAME_MAX} caractères au plus)")
    if not row.email:
        reasons.append("adresse électronique manquante")
    elif not _is_email(row.email):
        reasons.append(f"adresse électronique « {row.email} » invalide")
    if row.candidate_number and not CANDIDATE_RE.match(_candidate(row.candidate_number)):
        reasons.append(
            f"n° candidat « {row.candidate_number} » invalide (lettres, chiffres et tirets, 20 caractères au plus)"
        )
    if row.route and parse_route(row.route) is None:
        reasons.append(f"voie « {row.route} » inconnue (attendu : scolaire, apprenti ou formation continue)")
    return reasons


def _is_email(value: str) -> bool:
    if len(value) > EMAIL_MAX:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _candidate(value: str) -> str:
    return "".join(value.split())


def _in_file_duplicates(rows: list[RawRow]) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = {}
    first_email: dict[str, int] = {}
    first_number: dict[str, int] = {}
    for row in rows:
        email, number = row.email.lower(), _candidate(row.candidate_number)
        if email and email in first_email:
            reasons.setdefault(row.line, []).append(
                f"adresse électronique « {row.email} » déjà présente ligne {first_email[email]}"
            )
        first_email.setdefault(email, row.line)
        if number and number in first_number:
            reasons.setdefault(row.line, []).append(
                f"n° candidat « {number} » déjà présent ligne {first_number[number]}"
            )
        first_number.setdefault(number, row.line)
    return reasons


@dataclass
class _Existing:
    """What the database already holds for the emails and numbers of the file, loaded in two queries."""

    users_by_email: dict[str, User]
    students_by_number: dict[str, Student]

    @classmethod
    def load(cls, rows: list[RawRow], *, lock: bool) -> "_Existing":
        emails = {r.email.lower() for r in rows}
        numbers = {_candidate(r.candidate_number) for r in rows if r.candidate_number}
        users = User.objects.annotate(email_ci=Lower("email")).filter(email_ci__in=emails)
        users = users.select_related("student__cohort", "student__user")
        students = Student.objects.filter(candidate_number__in=numbers).select_related("user", "cohort")
        if lock:
            users, students = users.select_for_update(of=("self",)), students.select_for_update(of=("self",))
        return cls({u.email.lower(): u for u in users}, {s.candidate_number: s for s in students})


def _match(
    row: RawRow, cohort: Cohort, existing: _Existing, scope: ImportScope
) -> tuple[Student | None, str | None, str | None]:
    """The existing student this row designates (or None for a new one), then the reason the row is an error
    (the import is blocked), then the reason it is ignored (a student outside the importer's classes)."""
    by_email: Student | None = None
    user = existing.users_by_email.get(row.email.lower())
    if user is not None:
        by_email = getattr(user, "student", None)
        if by_email is None or by_email.cohort.establishment_id != cohort.establishment_id:
            return None, f"adresse « {row.email} » déjà utilisée par un autre compte", None
    number = _candidate(row.candidate_number)
    by_number = existing.students_by_number.get(number) if number else None
    if by_number is not None and by_number.cohort.establishment_id != cohort.establishment_id:
        return None, f"n° candidat « {number} » déjà utilisé par un autre étudiant", None
    if by_email is not None and by_number is not None and by_email.pk != by_number.pk:
        return (
            None,
            (
                f"ligne ambiguë : l'adresse électronique désigne {by_email.user.display_name} "
                f"mais le n° candidat désigne {by_number.user.display_name}"
            ),
            None,
        )
    student = by_email or by_number
    if student is not None and not scope.covers(student):
        return (
            student,
            None,
            (
                f"{student.user.display_name} est inscrit·e dans la classe « {student.cohort.name} », que vous "
                "n'enseignez pas : ligne ignorée, cet étudiant ne sera pas modifié (seule l'administration de "
                "l'établissement peut le modifier ou le changer de classe)"
            ),
        )
    return student, None, None


def _changes(
    row: RawRow, route: str, student: Student, cohort: Cohort, scope: ImportScope
) -> tuple[list[str], list[str]]:
    """What the row changes on ``student``, as French lines, then the changes the importer may not make."""
    user = student.user
    changes: list[str] = []
    kept: list[str] = []
    if user.last_name != row.last_name:
        changes.append(f"nom : {user.last_name} → {row.last_name}")
    if user.first_name != row.first_name:
        changes.append(f"prénom : {user.first_name} → {row.first_name}")
    if user.email.lower() != row.email.lower():
        if scope.may_change_emails:
            changes.append(f"adresse : {user.email} → {row.email.lower()}")
        else:
            kept.append(f"adresse non modifiée ({user.email} reste, {row.email.lower()} ignorée) : {EMAIL_KEPT}")
    number = _candidate(row.candidate_number)
    if number and student.candidate_number != number:
        changes.append(f"n° candidat : {student.candidate_number or '—'} → {number}")
    if student.route != route:
        changes.append(f"voie : {student.get_route_display()} → {Route(route).label}")
    if student.cohort_id != cohort.pk:
        changes.append(f"classe : {student.cohort.name} → {cohort.name}")
    return changes, kept


def preview_student_import(
    *, cohort: Cohort, rows: list[RawRow], actor: User | None, lock: bool = False, scope: ImportScope | None = None
) -> ImportPreview:
    """Say what importing ``rows`` into ``cohort`` would do, line by line, and list every line that cannot be.

    ``actor`` is who imports: it decides which existing students the rows may change (``ImportScope``); raises
    ``PermissionDenied`` if they may not import into ``cohort`` at all.
    """
    scope = scope or ImportScope.of(actor, cohort)
    reasons = _in_file_duplicates(rows)
    for row in rows:
        own = _field_reasons(row)
        if own:
            reasons[row.line] = own + reasons.get(row.line, [])
    sound = [r for r in rows if r.line not in reasons]
    existing = _Existing.load(sound, lock=lock)
    planned: list[PlannedRow] = []
    refused: list[RowError] = []
    claimed: dict[int, int] = {}  # student pk → line that designates it
    for row in sound:
        student, problem, refusal = _match(row, cohort, existing, scope)
        if refusal:
            refused.append(RowError(row.line, [refusal]))
            continue
        if student is not None and student.pk in claimed:
            problem = f"désigne le même étudiant ({student.user.display_name}) que la ligne {claimed[student.pk]}"
        if problem:
            reasons.setdefault(row.line, []).append(problem)
            continue
        route = parse_route(row.route) if row.route else cohort.route
        if student is None:
            planned.append(PlannedRow(row=row, route=route, action=CREATE))
            continue
        claimed[student.pk] = row.line
        changes, kept = _changes(row, route, student, cohort, scope)
        action = UPDATE if changes else UNCHANGED
        planned.append(PlannedRow(row, route, action, student, changes, kept, email_allowed=scope.may_change_emails))
    errors = [RowError(line, reasons[line]) for line in sorted(reasons)]
    return ImportPreview(rows=planned, errors=errors, refused=refused)


# --- Applying -----------------------------------------------------------------------------------


def apply_student_import(
    *, cohort: Cohort, rows: list[RawRow], actor: User, file_name: str = "", import_id: str = ""
) -> ImportResult:
    """Create and update the students of ``rows`` in ``cohort``, all or nothing, with one audit entry.

    The entry lists every student created or updated with each field changed, old → new, the lines ignored
    (students outside ``actor``'s classes) and the address changes not made (a teacher's import).

    ``import_id`` (the preview's token) is recorded in the audit entry so that the same preview is never applied
    twice, even by two requests racing past the session. Raises ``ImportStale`` when the rows no longer validate
    (someone changed the data since the preview), ``ImportAlreadyApplied`` when ``import_id`` was already used.
    """
    scope = ImportScope.of(actor, cohort)
    try:
        with transaction.atomic():
            # One import at a time per cohort: a racing double submission waits here, then sees the first one.
            Cohort.objects.select_for_update().only("pk").get(pk=cohort.pk)
            if import_id and _already_applied(cohort, import_id):
                raise ImportAlreadyApplied()
            preview = preview_student_import(cohort=cohort, rows=rows, actor=actor, lock=True, scope=scope)
            if not preview.is_valid:
                raise ImportStale(preview.errors)
            students = _create_students(cohort, [p for p in preview.rows if p.action == CREATE])
            students += [_update_student(cohort, p) for p in preview.rows if p.action == UPDATE]
            kept = [_kept_entry(p) for p in preview.rows if p.kept]
            result = ImportResult(
                preview.to_create, preview.to_update, preview.unchanged, len(preview.refused), len(kept)
            )
            changes = {"file": file_name, "created": result.created, "updated": result.updated}
            changes |= {"unchanged": result.unchanged, "refused": result.refused, "import_id": import_id}
            changes |= {
                "students": students,
                "refused_lines": [{"line": e.line, "reason": e.message} for e in preview.refused],
                "not_applied": kept,
            }
            log_action(
                "students.imported", actor=actor, obj=cohort, establishment_id=cohort.establishment_id, changes=changes
            )
    except IntegrityError:
        # A concurrent write (another import, an account created meanwhile) took an email or number first.
        raise ImportStale() from None
    return result


def _already_applied(cohort: Cohort, import_id: str) -> bool:
    return AuditEntry.objects.filter(
        action="students.imported",
        establishment_id=cohort.establishment_id,
        object_id=str(cohort.pk),
        changes__import_id=import_id,
    ).exists()


def _create_students(cohort: Cohort, planned: list[PlannedRow]) -> list[dict[str, Any]]:
    """Create the accounts; return their audit lines, every field from empty to its value."""
    if not planned:
        return []
    taken = _usernames_like([_username_base(p.row) for p in planned])
    users: list[User] = []
    for p in planned:
        user = User(
            username=_free_username(_username_base(p.row), taken),
            first_name=p.row.first_name,
            last_name=p.row.last_name,
            email=p.row.email.lower(),
        )
        user.set_unusable_password()  # they choose one through « Mot de passe oublié »
        users.append(user)
    User.objects.bulk_create(users)
    students = Student.objects.bulk_create(
        Student(user=u, cohort=cohort, route=p.route, candidate_number=_candidate(p.row.candidate_number))
        for u, p in zip(users, planned, strict=True)
    )
    entries = []
    for student in students:
        user = student.user
        fields = {
            "last_name": ["", user.last_name],
            "first_name": ["", user.first_name],
            "email": ["", user.email],
            "candidate_number": ["", student.candidate_number],
            "route": ["", student.route],
            "cohort": ["", cohort.name],
        }
        entries.append(_student_entry(student, "created", {k: v for k, v in fields.items() if v[1]}))
    return entries


def _update_student(cohort: Cohort, planned: PlannedRow) -> dict[str, Any]:
    """Apply the row to its student; return the audit line: each field changed, old → new."""
    student, row = planned.student, planned.row
    if student is None:
        raise ValueError("Une mise à jour porte toujours sur un étudiant existant.")
    user = student.user
    fields: dict[str, list[str]] = {}

    def put(obj: Any, name: str, new: Any, shown_old: str | None = None, shown_new: str | None = None) -> None:
        old = getattr(obj, name)
        if old != new:
            fields[name] = [shown_old if shown_old is not None else old, shown_new if shown_new is not None else new]
            setattr(obj, name, new)

    put(user, "last_name", row.last_name)
    put(user, "first_name", row.first_name)
    if planned.email_allowed and user.email.lower() != row.email.lower():
        put(user, "email", row.email.lower())
    user.save(update_fields=["last_name", "first_name", "email"])
    number = _candidate(row.candidate_number)
    if number:
        put(student, "candidate_number", number)
    put(student, "route", planned.route)
    put(student, "cohort_id", cohort.pk, student.cohort.name, cohort.name)
    student.cohort = cohort
    student.save(update_fields=["candidate_number", "route", "cohort"])
    return _student_entry(student, "updated", {("cohort" if k == "cohort_id" else k): v for k, v in fields.items()})


def _student_entry(student: Student, action: str, fields: dict[str, list[str]]) -> dict[str, Any]:
    return {"student_id": student.pk, "student": student.user.display_name, "action": action, "fields": fields}


def _kept_entry(planned: PlannedRow) -> dict[str, Any]:
    student = planned.student
    return {
        "line": planned.row.line,
        "student_id": student.pk if student else None,
        "student": student.user.display_name if student else "",
        "field": "email",
        "old": student.user.email if student else "",
        "proposed": planned.row.email.lower(),
        "reason": EMAIL_KEPT,
    }


# Letters that NFKD does not decompose: transliterated, never dropped (« CŒUR » gives « coeur », not « cur »).
LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"}
)


def _username_base(row: RawRow) -> str:
    def part(value: str) -> str:
        value = value.translate(LIGATURES)
        ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
        return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")

    base = ".".join(p for p in (part(row.first_name), part(row.last_name)) if p)
    return base[:60] or "etudiant"


def _usernames_like(bases: list[str]) -> set[str]:
    """Usernames already starting with one of ``bases``, queried in chunks to stay under SQL expression limits."""
    unique = sorted(set(bases))
    taken: set[str] = set()
    for start in range(0, len(unique), 200):
        query = reduce(or_, (Q(username__istartswith=b) for b in unique[start : start + 200]))
        taken.update(u.lower() for u in User.objects.filter(query).values_list("username", flat=True))
    return taken


def _free_username(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate


# --- Keeping the previewed rows between the two requests ----------------------------------------


@dataclass(frozen=True)
class PendingImport:
    file_name: str
    rows: list[RawRow]


def _session_key(cohort: Cohort, token: str) -> str:
    return f"{SESSION_PREFIX}:{cohort.pk}:{token}"


def discard_pending_imports(session: SessionBase, *, cohort: Cohort) -> None:
    """Forget every preview of ``cohort``: the latest file deposited is the only one that may be confirmed."""
    prefix = f"{SESSION_PREFIX}:{cohort.pk}:"
    for key in [k for k in session.keys() if k.startswith(prefix)]:
        del session[key]


def store_pending_import(session: SessionBase, *, cohort: Cohort, file_name: str, rows: list[RawRow]) -> str:
    """Keep ``rows`` for the confirmation and return the token to put in the form.

    A new preview for the same cohort replaces the previous one, so an older tab can no longer confirm.
    """
    discard_pending_imports(session, cohort=cohort)
    token = secrets.token_urlsafe(16)
    session[_session_key(cohort, token)] = {
        "file_name": file_name,
        "stored_at": timezone.now().timestamp(),
        "rows": [asdict(r) for r in rows],
    }
    return token


def pop_pending_import(session: SessionBase, *, cohort: Cohort, token: str) -> PendingImport | None:
    """The rows stored under ``token``, removed from the session so they can be applied once; None if gone."""
    if not token:
        return None
    payload = session.pop(_session_key(cohort, token), None)
    if not isinstance(payload, dict):
        return None
    if timezone.now().timestamp() - payload.get("stored_at", 0) > PENDING_TTL_SECONDS:
        return None
    return PendingImport(payload.get("file_name", ""), [RawRow(**r) for r in payload.get("rows", [])])
