"""The preview of an import: each row matched to an existing student or planned as a new one, within the importer's
reach (``ImportScope``), and the students the new file leaves out."""

import itertools
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models.functions import Lower

from accounts import permissions
from accounts.import_rows import (
    RawRow,
    clean_candidate,
    clean_ine,
    field_reasons,
    in_file_duplicates,
    name_key,
    parse_route,
)
from accounts.models import Cohort, Route, Student, StudentRecord, User

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

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
        numbers = {clean_candidate(r.candidate_number) for r in rows if r.candidate_number}
        ines = {clean_ine(r.ine) for r in rows if r.ine}
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
            by_name.setdefault(name_key(mate.user.last_name, mate.user.first_name), []).append(mate)
            record = record_of(mate)
            if record is not None and record.birth_name:
                by_name.setdefault(name_key(record.birth_name, mate.user.first_name), []).append(mate)
        return cls(
            {u.email.lower(): u for u in users},
            {s.candidate_number: s for s in students},
            {s.record.ine: s for s in by_ine},  # by_ine holds only students with a record
            by_name,
        )

    def by_name(self, row: RawRow) -> Student | None:
        """The one student of the cohort with this name, no other INE and, when the line gives an address, none
        of their own (an account without address, e.g. imported from SIECLE); None when none or several."""
        found = {s.pk: s for s in self.cohort_by_name.get(name_key(row.last_name, row.first_name), [])}
        if row.birth_name:
            for s in self.cohort_by_name.get(name_key(row.birth_name, row.first_name), []):
                found[s.pk] = s
        ine = clean_ine(row.ine)
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
    number = clean_candidate(row.candidate_number)
    by_number = existing.students_by_number.get(number) if number else None
    if by_number is not None and by_number.cohort.establishment_id != cohort.establishment_id:
        return None, f"n° candidat « {number} » déjà utilisé par un autre étudiant", None
    ine = clean_ine(row.ine)
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
    number = clean_candidate(row.candidate_number)
    if number and student.candidate_number != number:
        changes.append(f"n° candidat : {student.candidate_number or '—'} → {number}")
    ine = clean_ine(row.ine)
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
    reasons = in_file_duplicates(rows)
    for row in rows:
        own = field_reasons(row, columns)
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
