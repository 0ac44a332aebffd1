"""Importing a cohort's students from a CSV or XLSX file: parse, preview, then apply all or nothing.

The upload reads the file (``accounts.import_files`` for CSV and XLSX, ``accounts.siecle`` for SIECLE's XML) and
stages it on the server (``accounts.import_staging``); the preview says what would happen; the confirmation
re-validates the same rows against the database and applies them in one transaction.

An import only ever changes students within the importer's reach (``ImportScope``): an administrator, the whole
establishment; a teacher, the classes they teach. A line designating a student of another class is shown as
ignored and never applied, and only an administrator may change the address of an existing account (the address
is where a password reset goes). Every change applied is written to the audit log field by field, old → new.
"""

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts import import_columns, permissions
from accounts.import_files import (  # noqa: F401  (the caps are part of this module's interface)
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_LINES,
    MAX_ROWS,
    ImportFileError,
    _locate_header,
    _read_table,
)
from accounts.models import Cohort, Route, Student, StudentRecord, User
from audit.models import AuditEntry
from audit.services import log_action

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

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


@dataclass(frozen=True)
class Leaving:
    """A student of the cohort known from the school's software that the new file says has left: archived."""

    student: Student
    reason: str


@dataclass
class ImportPreview:
    rows: list[PlannedRow]
    errors: list[RowError]
    # Lines designating a student outside the importer's reach: they do not block the import, they are skipped.
    refused: list[RowError] = field(default_factory=list)
    leaving: list[Leaving] = field(default_factory=list)

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
    archived: int = 0


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


@dataclass(frozen=True)
class ParsedUpload:
    """An uploaded file once read: ``kind`` "table" (CSV, XLSX) or "siecle" (XML), ``payload`` JSON-ready."""

    file_name: str
    kind: str
    payload: dict[str, Any]


def read_upload(uploaded_file: Any) -> ParsedUpload:
    """Read an uploaded CSV, XLSX or SIECLE XML file, or raise ``ImportFileError`` with a French message."""
    from accounts import siecle  # siecle reads ImportFileError from here

    name = getattr(uploaded_file, "name", "") or "fichier"
    data = _read_bytes(uploaded_file, name, max(settings.STUDENT_IMPORT_MAX_BYTES, siecle.MAX_BYTES))
    if siecle.looks_like_siecle(data):
        return ParsedUpload(name, "siecle", siecle.parse_siecle(name, data).as_payload())
    if len(data) > settings.STUDENT_IMPORT_MAX_BYTES:
        raise ImportFileError(_too_big(name, settings.STUDENT_IMPORT_MAX_BYTES))
    return ParsedUpload(name, "table", _table(name, _read_table(name, data)).as_payload())


def read_table(uploaded_file: Any) -> "Table":
    """Read an uploaded CSV or XLSX file into a ``Table``, or raise ``ImportFileError`` with a French message."""
    name = getattr(uploaded_file, "name", "") or "fichier"
    data = _read_bytes(uploaded_file, name, settings.STUDENT_IMPORT_MAX_BYTES)
    return _table(name, _read_table(name, data))


def _read_bytes(uploaded_file: Any, name: str, limit: int) -> bytes:
    # The larger limit of SIECLE files is only announced for a file named like one.
    shown = limit if name.lower().endswith(".xml") else min(limit, settings.STUDENT_IMPORT_MAX_BYTES)
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ImportFileError(_too_big(name, shown))
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ImportFileError(_too_big(name, shown))
    if not data.strip():
        raise ImportFileError(f"Le fichier « {name} » est vide.")
    return data


def _too_big(name: str, limit: int) -> str:
    return f"Le fichier « {name} » dépasse la taille maximale de {limit // (1024 * 1024) or 1} Mo."


normalise = import_columns.normalise


@dataclass(frozen=True)
class Table:
    """A CSV or XLSX file as read: the header row and the filled rows below it, with their spreadsheet lines."""

    header_line: int
    header: list[str]
    rows: list[tuple[int, list[str]]]

    def as_payload(self) -> dict[str, Any]:
        return {"header_line": self.header_line, "header": self.header, "rows": [[n, c] for n, c in self.rows]}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> "Table":
        return cls(payload["header_line"], list(payload["header"]), [(n, list(c)) for n, c in payload["rows"]])

    def route_like(self, index: int) -> bool:
        """Whether every value of a column reads as a route (scolaire, apprenti, formation continue)."""
        values = self.values(index)
        return bool(values) and all(parse_route(v) is not None for v in values)

    def guess_mapping(self, remembered: dict[str, str] | None = None) -> list[str]:
        return import_columns.guess_mapping(self.header, remembered, self.route_like)

    def values(self, index: int) -> list[str]:
        """The distinct non-empty values of a column, in order of appearance."""
        seen: dict[str, None] = {}
        for _line, cells in self.rows:
            if index < len(cells) and cells[index]:
                seen.setdefault(cells[index], None)
        return list(seen)


def _table(name: str, table: list[list[str]]) -> Table:
    header_index = _locate_header(table)
    if header_index is None:
        raise ImportFileError(f"Le fichier « {name} » est vide.")
    rows: list[tuple[int, list[str]]] = []
    for index in range(header_index + 1, len(table)):
        cells = table[index]
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                f"Le fichier « {name} » contient plus de {MAX_ROWS} étudiants : importez une classe à la fois."
            )
        rows.append((index + 1, cells))
    if not rows:
        raise ImportFileError(f"Le fichier « {name} » ne contient aucun étudiant sous la ligne des intitulés.")
    # Columns empty from the header down (trailing separators, a border drawn across) are no columns.
    header = table[header_index]
    width = max(max((i + 1 for i, c in enumerate(cells) if c), default=0) for cells in [header, *(c for _, c in rows)])
    return Table(header_index + 1, header[:width], [(line, cells[:width]) for line, cells in rows])


def rows_from_table(table: Table, mapping: list[str], divisions: list[str] | None = None) -> list[RawRow]:
    """The rows of ``table`` read through ``mapping`` (one field or "" per column).

    When a column is mapped to the division and ``divisions`` is given, only the rows of those divisions are kept.
    """
    columns = {name: i for i, name in enumerate(mapping) if name and name in RAW_FIELDS}
    division = mapping.index("division") if "division" in mapping else None
    wanted = set(divisions) if divisions is not None and division is not None else None
    rows: list[RawRow] = []
    for line, cells in table.rows:
        if (
            wanted is not None
            and division is not None
            and (cells[division] if division < len(cells) else "") not in wanted
        ):
            continue
        values = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
        rows.append(RawRow(line=line, **values))
    return rows


def parse_student_file(uploaded_file: Any) -> list[RawRow]:
    """Read a CSV or XLSX file through the guessed mapping (no importer to correct it): rows, or ``ImportFileError``."""
    name = getattr(uploaded_file, "name", "") or "fichier"
    table = read_table(uploaded_file)
    mapping = table.guess_mapping()
    problems = import_columns.mapping_problems(table.header, mapping)
    if problems:
        raise ImportFileError(f"Fichier « {name} » : " + " ".join(problems))
    return rows_from_table(table, mapping)


# --- Validation and preview ---------------------------------------------------------------------


def parse_route(value: str) -> str | None:
    return ROUTE_WORDS.get(normalise(value))


def _column(columns: dict[str, str] | None, name: str) -> str:
    """« (colonne « Régime ») » after a bad value, so the importer knows which column to fix or unmap."""
    title = (columns or {}).get(name)
    return f" (colonne « {title} »)" if title else ""


def _field_reasons(row: RawRow, columns: dict[str, str] | None = None) -> list[str]:
    reasons: list[str] = []
    for attr, label in (("last_name", "nom"), ("first_name", "prénom")):
        value = getattr(row, attr)
        if not value:
            reasons.append(f"{label} manquant{_column(columns, attr)}")
        elif len(value) > NAME_MAX:
            reasons.append(f"{label} trop long ({NAME_MAX} caractères au plus)")
    if row.email and not _is_email(row.email):
        reasons.append(f"adresse électronique « {row.email} » invalide{_column(columns, 'email')}")
    if row.candidate_number and not CANDIDATE_RE.match(_candidate(row.candidate_number)):
        reasons.append(
            f"n° candidat « {row.candidate_number} » invalide{_column(columns, 'candidate_number')} (lettres, "
            "chiffres et tirets, 20 caractères au plus)"
        )
    if row.route and parse_route(row.route) is None:
        reasons.append(
            f"voie « {row.route} » inconnue{_column(columns, 'route')} (attendu : scolaire, apprenti ou formation "
            "continue ; si cette colonne dit autre chose, choisissez « Ignorée » pour elle)"
        )
    if row.ine and not INE_RE.match(_ine(row.ine)):
        reasons.append(f"INE « {row.ine} » invalide{_column(columns, 'ine')} (11 chiffres et lettres)")
    return reasons


INE_RE = re.compile(r"^[0-9A-Z]{11}$")


def _ine(value: str) -> str:
    return "".join(value.split()).upper()


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


def _name_key(last_name: str, first_name: str) -> tuple[str, str]:
    return normalise(last_name.translate(LIGATURES)), normalise(first_name.translate(LIGATURES))


def _in_file_duplicates(rows: list[RawRow]) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = {}
    firsts: dict[str, dict[str, int]] = {"email": {}, "number": {}, "ine": {}}
    labels = {"email": "adresse électronique", "number": "n° candidat", "ine": "INE"}
    for row in rows:
        keys = {"email": row.email.lower(), "number": _candidate(row.candidate_number), "ine": _ine(row.ine)}
        for kind, key in keys.items():
            if key and key in firsts[kind]:
                shown = row.email if kind == "email" else key
                reasons.setdefault(row.line, []).append(
                    f"{labels[kind]} « {shown} » déjà présent{'e' if kind == 'email' else ''} ligne {firsts[kind][key]}"
                )
            if key:
                firsts[kind].setdefault(key, row.line)
    return reasons


def record_of(student: Student) -> StudentRecord | None:
    return getattr(student, "record", None)


def recorded_ine(student: Student) -> str:
    """The INE of the student's record, empty when there is no record or no INE."""
    record = record_of(student)
    return record.ine if record is not None else ""


@dataclass
class _Existing:
    """What the database already holds for the emails, numbers and INE of the file, loaded in a few queries."""

    users_by_email: dict[str, User]
    students_by_number: dict[str, Student]
    students_by_ine: dict[str, Student]
    # The cohort's students by name, for lines whose identifiers match nobody (a SIECLE file on a class typed in
    # before, or a spreadsheet with addresses on a class imported from SIECLE without them).
    cohort_by_name: dict[tuple[str, str], list[Student]]

    @classmethod
    def load(cls, rows: list[RawRow], cohort: Cohort, *, lock: bool) -> "_Existing":
        emails = {r.email.lower() for r in rows if r.email}
        numbers = {_candidate(r.candidate_number) for r in rows if r.candidate_number}
        ines = {_ine(r.ine) for r in rows if r.ine}
        related = ("user", "cohort", "record")
        users = User.objects.none()
        if emails:
            users = User.objects.annotate(email_ci=Lower("email")).filter(email_ci__in=emails)
            users = users.select_related("student__cohort", "student__user", "student__record")
        students = Student.objects.filter(candidate_number__in=numbers).select_related(*related)
        by_ine = Student.objects.none()
        if ines:
            by_ine = Student.objects.filter(record__ine__in=ines).select_related(*related)
        mates = Student.objects.none()
        if rows:
            mates = cohort.students.select_related(*related)
        if lock:
            users, students = users.select_for_update(of=("self",)), students.select_for_update(of=("self",))
            by_ine, mates = by_ine.select_for_update(of=("self",)), mates.select_for_update(of=("self",))
        by_name: dict[tuple[str, str], list[Student]] = {}
        for mate in mates:
            by_name.setdefault(_name_key(mate.user.last_name, mate.user.first_name), []).append(mate)
            record = record_of(mate)
            if record is not None and record.birth_name:
                by_name.setdefault(_name_key(record.birth_name, mate.user.first_name), []).append(mate)
        return cls(
            {u.email.lower(): u for u in users},
            {s.candidate_number: s for s in students},
            {s.record.ine: s for s in by_ine},  # by_ine holds only students with a record
            by_name,
        )

    def by_name(self, row: RawRow) -> Student | None:
        """The one student of the cohort with this name, no other INE and, when the line gives an address, none
        of their own (an account without address, e.g. imported from SIECLE); None when none or several."""
        found = {s.pk: s for s in self.cohort_by_name.get(_name_key(row.last_name, row.first_name), [])}
        if row.birth_name:
            for s in self.cohort_by_name.get(_name_key(row.birth_name, row.first_name), []):
                found[s.pk] = s
        ine = _ine(row.ine)
        candidates = [
            s for s in found.values() if (not ine or not recorded_ine(s)) and (not row.email or not s.user.email)
        ]
        return candidates[0] if len(candidates) == 1 else None


OUTSIDE_SCOPE = (
    "{name} est inscrit·e dans la classe « {cohort} », que vous n'enseignez pas : ligne ignorée, cet étudiant ne "
    "sera pas modifié (seule l'administration de l'établissement peut le modifier ou le changer de classe)"
)


def _match(
    row: RawRow, cohort: Cohort, existing: _Existing, scope: ImportScope
) -> tuple[Student | None, str | None, str | None]:
    """The existing student this row designates (or None for a new one), then the reason the row is an error
    (the import is blocked), then the reason it is ignored (a student outside the importer's classes)."""
    by_email: Student | None = None
    user = existing.users_by_email.get(row.email.lower()) if row.email else None
    if user is not None:
        by_email = getattr(user, "student", None)
        if by_email is None or by_email.cohort.establishment_id != cohort.establishment_id:
            return None, f"adresse « {row.email} » déjà utilisée par un autre compte", None
    number = _candidate(row.candidate_number)
    by_number = existing.students_by_number.get(number) if number else None
    if by_number is not None and by_number.cohort.establishment_id != cohort.establishment_id:
        return None, f"n° candidat « {number} » déjà utilisé par un autre étudiant", None
    ine = _ine(row.ine)
    by_ine = existing.students_by_ine.get(ine) if ine else None
    if by_ine is not None and by_ine.cohort.establishment_id != cohort.establishment_id:
        return None, f"INE « {ine} » déjà utilisé par un autre étudiant", None
    found = [
        (label, s)
        for label, s in (("l'adresse électronique", by_email), ("le n° candidat", by_number), ("l'INE", by_ine))
        if s is not None
    ]
    for (label_a, a), (label_b, b) in itertools.pairwise(found):
        if a.pk != b.pk:
            return (
                None,
                f"ligne ambiguë : {label_a} désigne {a.user.display_name} mais {label_b} désigne {b.user.display_name}",
                None,
            )
    student = found[0][1] if found else None
    if student is None:
        student = existing.by_name(row)
    if student is not None and not scope.covers(student):
        return student, None, OUTSIDE_SCOPE.format(name=student.user.display_name, cohort=student.cohort.name)
    return student, None, None


def _changes(
    row: RawRow, route: str, student: Student, cohort: Cohort, scope: ImportScope
) -> tuple[list[str], list[str]]:
    """What the row changes on ``student``, as French lines, then the changes the importer may not make."""
    user = student.user
    record = record_of(student)
    changes: list[str] = []
    kept: list[str] = []
    if user.last_name != row.last_name:
        changes.append(f"nom : {user.last_name} → {row.last_name}")
    if user.first_name != row.first_name:
        changes.append(f"prénom : {user.first_name} → {row.first_name}")
    if row.email and user.email.lower() != row.email.lower():
        if scope.may_change_emails:
            changes.append(f"adresse : {user.email or '—'} → {row.email.lower()}")
        else:
            shown = user.email or "aucune adresse"
            kept.append(f"adresse non modifiée ({shown} reste, {row.email.lower()} ignorée) : {EMAIL_KEPT}")
    number = _candidate(row.candidate_number)
    if number and student.candidate_number != number:
        changes.append(f"n° candidat : {student.candidate_number or '—'} → {number}")
    ine = _ine(row.ine)
    if ine and (record.ine if record else "") != ine:
        changes.append(f"INE : {(record.ine if record else '') or '—'} → {ine}")
    if row.birth_name and (record.birth_name if record else "") != row.birth_name:
        changes.append(f"nom de famille : {(record.birth_name if record else '') or '—'} → {row.birth_name}")
    if student.route != route:
        changes.append(f"voie : {student.get_route_display()} → {Route(route).label}")
    if student.cohort_id != cohort.pk:
        changes.append(f"classe : {student.cohort.name} → {cohort.name}")
    if record is not None and record.archived_at is not None:
        changes.append("de retour dans le fichier : sort des archives")
    return changes, kept


def _leaving(
    cohort: Cohort, matched: set[int], departures: dict[str, str], scope: ImportScope, lock: bool
) -> list[Leaving]:
    """Students of ``cohort`` known from the school's software (an INE or a SIECLE id) that no line designates."""
    known = (
        cohort.students.filter(record__isnull=False, record__archived_at__isnull=True)
        .exclude(record__ine="", record__siecle_id="")
        .exclude(pk__in=matched)
        .select_related("user", "cohort", "record")
    )
    if lock:
        known = known.select_for_update(of=("self",))
    leaving = []
    for student in known:
        if not scope.covers(student):
            continue
        record = student.record
        reason = departures.get(record.siecle_id) or departures.get(record.ine) or ABSENT
        leaving.append(Leaving(student, reason))
    return leaving


ABSENT = "absent·e des divisions choisies du nouveau fichier"


def preview_student_import(
    *,
    cohort: Cohort,
    rows: list[RawRow],
    actor: User | None,
    lock: bool = False,
    scope: ImportScope | None = None,
    columns: dict[str, str] | None = None,
    departures: dict[str, str] | None = None,
) -> ImportPreview:
    """Say what importing ``rows`` into ``cohort`` would do, line by line, and list every line that cannot be.

    ``actor`` is who imports: it decides which existing students the rows may change (``ImportScope``); raises
    ``PermissionDenied`` if they may not import into ``cohort`` at all. ``columns`` (field → column title) names
    the column of a bad value. ``departures`` is given for a file that lists the whole class (SIECLE): students
    of the cohort known from it and designated by no line are then archived, with the reason given by their
    SIECLE id or INE (« sorti·e le … »), else ``ABSENT``.
    """
    scope = scope or ImportScope.of(actor, cohort)
    reasons = _in_file_duplicates(rows)
    for row in rows:
        own = _field_reasons(row, columns)
        if own:
            reasons[row.line] = own + reasons.get(row.line, [])
    sound = [r for r in rows if r.line not in reasons]
    existing = _Existing.load(sound, cohort, lock=lock)
    planned: list[PlannedRow] = []
    refused: list[RowError] = []
    claimed: dict[int, int] = {}  # student pk → line that designates it
    for row in sound:
        student, problem, refusal = _match(row, cohort, existing, scope)
        if refusal:
            refused.append(RowError(row.line, [refusal]))
            if student is not None:
                claimed.setdefault(student.pk, row.line)
            continue
        if student is not None and student.pk in claimed:
            problem = f"désigne le même étudiant ({student.user.display_name}) que la ligne {claimed[student.pk]}"
        if problem:
            reasons.setdefault(row.line, []).append(problem)
            continue
        # A row whose route is not understood was refused above, so a given route always parses.
        route = (parse_route(row.route) if row.route else None) or cohort.route
        if student is None:
            planned.append(PlannedRow(row=row, route=route, action=CREATE))
            continue
        claimed[student.pk] = row.line
        changes, kept = _changes(row, route, student, cohort, scope)
        action = UPDATE if changes else UNCHANGED
        planned.append(PlannedRow(row, route, action, student, changes, kept, email_allowed=scope.may_change_emails))
    errors = [RowError(line, reasons[line]) for line in sorted(reasons)]
    leaving = [] if departures is None else _leaving(cohort, set(claimed), departures, scope, lock)
    return ImportPreview(rows=planned, errors=errors, refused=refused, leaving=leaving)


# --- Applying -----------------------------------------------------------------------------------


def apply_student_import(
    *,
    cohort: Cohort,
    rows: list[RawRow],
    actor: User,
    file_name: str = "",
    import_id: str = "",
    columns: dict[str, str] | None = None,
    departures: dict[str, str] | None = None,
) -> ImportResult:
    """Create and update the students of ``rows`` in ``cohort``, all or nothing, with one audit entry.

    The entry lists every student created or updated with each field changed, old → new, the lines ignored
    (students outside ``actor``'s classes) and the address changes not made (a teacher's import).

    ``import_id`` (the preview's token) is recorded in the audit entry so that the same preview is never applied
    twice, even by two requests racing past the session. Raises ``ImportStale`` when the rows no longer validate
    (someone changed the data since the preview), ``ImportAlreadyApplied`` when ``import_id`` was already used.

    With ``departures`` (a SIECLE file, see ``preview_student_import``), the students who left are archived: their
    account is closed and marked, nothing of their work is deleted, and a later file naming them again restores it.
    """
    scope = ImportScope.of(actor, cohort)
    try:
        with transaction.atomic():
            # One import at a time per cohort: a racing double submission waits here, then sees the first one.
            Cohort.objects.select_for_update().only("pk").get(pk=cohort.pk)
            if import_id and _already_applied(cohort, import_id):
                raise ImportAlreadyApplied()
            preview = preview_student_import(
                cohort=cohort, rows=rows, actor=actor, lock=True, scope=scope, columns=columns, departures=departures
            )
            if not preview.is_valid:
                raise ImportStale(preview.errors)
            students = _create_students(cohort, [p for p in preview.rows if p.action == CREATE])
            students += [_update_student(cohort, p) for p in preview.rows if p.action == UPDATE]
            kept = [_kept_entry(p) for p in preview.rows if p.kept]
            archived = [_archive_student(leaving) for leaving in preview.leaving]
            result = ImportResult(
                preview.to_create, preview.to_update, preview.unchanged, len(preview.refused), len(kept), len(archived)
            )
            changes = {"file": file_name, "created": result.created, "updated": result.updated}
            changes |= {"unchanged": result.unchanged, "refused": result.refused, "import_id": import_id}
            changes |= {
                "students": students,
                "refused_lines": [{"line": e.line, "reason": e.message} for e in preview.refused],
                "not_applied": kept,
            }
            if departures is not None:
                changes |= {"archived": result.archived, "archived_students": archived}
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
    StudentRecord.objects.bulk_create(
        StudentRecord(student=st, ine=_ine(p.row.ine), siecle_id=p.row.siecle_id, birth_name=p.row.birth_name)
        for st, p in zip(students, planned, strict=True)
        if p.row.ine or p.row.siecle_id or p.row.birth_name
    )
    entries = []
    for student, p in zip(students, planned, strict=True):
        user = student.user
        fields = {
            "last_name": ["", user.last_name],
            "first_name": ["", user.first_name],
            "email": ["", user.email],
            "candidate_number": ["", student.candidate_number],
            "route": ["", student.route],
            "cohort": ["", cohort.name],
            "ine": ["", _ine(p.row.ine)],
            "birth_name": ["", p.row.birth_name],
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
    if row.email and planned.email_allowed and user.email.lower() != row.email.lower():
        put(user, "email", row.email.lower())
    record = record_of(student) or StudentRecord(student=student)
    if record.archived_at is not None:
        put(record, "archived_at", None, "archivé·e", "")
        record.left_on = None
        put(user, "is_active", True)
    user.save(update_fields=["last_name", "first_name", "email", "is_active"])
    if row.ine:
        put(record, "ine", _ine(row.ine))
    if row.siecle_id:
        put(record, "siecle_id", row.siecle_id)
    if row.birth_name:
        put(record, "birth_name", row.birth_name)
    if record.pk is not None or record.ine or record.siecle_id or record.birth_name:
        record.save()
    number = _candidate(row.candidate_number)
    if number:
        put(student, "candidate_number", number)
    put(student, "route", planned.route)
    put(student, "cohort_id", cohort.pk, student.cohort.name, cohort.name)
    student.cohort = cohort
    student.save(update_fields=["candidate_number", "route", "cohort"])
    return _student_entry(student, "updated", {("cohort" if k == "cohort_id" else k): v for k, v in fields.items()})


def _archive_student(leaving: Leaving) -> dict[str, Any]:
    """Archive a student who left: the account is closed and marked; the passeport, fiches, dossiers stay."""
    student = leaving.student
    record = student.record
    record.archived_at = timezone.now()
    record.save(update_fields=["archived_at"])
    student.user.is_active = False
    student.user.save(update_fields=["is_active"])
    return _student_entry(student, "archived", {"archived_at": ["", record.archived_at.isoformat()]}) | {
        "reason": leaving.reason
    }


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
