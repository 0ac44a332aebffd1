"""An import between its upload and its confirmation: the parsed file kept on the server, the importer's choices.

The upload is parsed once and stored in a ``StagedImport`` row (never in the page, never trusted back from the
client); the page only carries its random token and the ``version`` of the choices it shows. The importer then
corrects the column mapping (CSV, XLSX) or picks the divisions that make the class (SIECLE); each change bumps the
version. The confirmation locks the row, checks that it belongs to this person and class, is neither expired nor
applied, and that its version is the one the page showed; it then applies the import, remembers the mapping for
the establishment, and empties the stored file. A stale tab, an older file or a second click gets a French message
and changes nothing.
"""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import import_columns, imports, siecle
from accounts.imports import ImportAlreadyApplied, ImportFileError, ImportResult, ImportScope, ImportStale, Table
from accounts.models import Cohort, ImportMapping, StagedImport, User
from audit.services import log_action

STAGED_TTL = timedelta(hours=1)
APPLIED_KEPT = timedelta(days=400)
SAMPLE_VALUES = 3

TABLE, SIECLE = "table", "siecle"


class ChoicesChanged(ImportStale):
    """The page confirmed a mapping or a division choice older than the one stored: nothing applied."""

    def __init__(self):
        Exception.__init__(
            self,
            "Les choix de l'import ont changé depuis l'aperçu que vous avez confirmé (dans un autre onglet ?) : "
            "rien n'a été importé. Vérifiez l'aperçu ci-dessous, puis confirmez.",
        )
        self.errors = []


def uaj_problem(cohort: Cohort, siecle_file: siecle.SiecleFile) -> str | None:
    """Why a SIECLE file cannot be imported into ``cohort``'s establishment, or None.

    Refused rather than warned: a SIECLE file of another establishment lists other people's students, and a
    warning would be clicked through. The remedy is named (the right export, or the establishment's UAI fixed).
    """
    uai = cohort.establishment.uai.upper()
    if not siecle_file.uaj:
        return "Ce fichier SIECLE n'indique pas l'établissement (UAJ) : exportez à nouveau « ElevesSansAdresses »."
    if siecle_file.uaj != uai:
        return (
            f"Ce fichier SIECLE est celui de l'établissement {siecle_file.uaj}, pas de {cohort.establishment.name} "
            f"(UAI {uai}) : rien n'a été importé. Déposez l'export SIECLE de votre établissement, ou demandez à "
            "l'administration de corriger le code UAI de l'établissement s'il est erroné."
        )
    return None


def stage_upload(*, cohort: Cohort, actor: User, parsed: imports.ParsedUpload) -> StagedImport:
    """Keep ``parsed`` for ``actor``'s confirmation; their earlier previews of this class can no longer be confirmed.

    Raises ``PermissionDenied`` when ``actor`` may not import into ``cohort``, ``ImportFileError`` for a SIECLE
    file of another establishment.
    """
    ImportScope.of(actor, cohort)
    if parsed.kind == SIECLE:
        problem = uaj_problem(cohort, siecle.SiecleFile.from_payload(parsed.payload))
        if problem:
            raise ImportFileError(problem)
    with transaction.atomic():
        purge_staged_imports()
        StagedImport.objects.filter(cohort=cohort, created_by=actor, applied_at__isnull=True).delete()
        return StagedImport.objects.create(
            token=secrets.token_urlsafe(24),
            cohort=cohort,
            created_by=actor,
            kind=parsed.kind,
            file_name=parsed.file_name[:255],
            payload=parsed.payload,
            choices={"version": 1, **_initial_choices(cohort, parsed)},
            expires_at=timezone.now() + STAGED_TTL,
        )


def _initial_choices(cohort: Cohort, parsed: imports.ParsedUpload) -> dict:
    if parsed.kind == TABLE:
        remembered = ImportMapping.objects.filter(establishment_id=cohort.establishment_id).first()
        table = Table.from_payload(parsed.payload)
        return {"mapping": table.guess_mapping(remembered.columns if remembered else None)}
    return {"divisions": _divisions_of_the_class(cohort, siecle.SiecleFile.from_payload(parsed.payload))}


def _divisions_of_the_class(cohort: Cohort, siecle_file: siecle.SiecleFile) -> list[str]:
    """The divisions ticked for the class's last SIECLE import, when the new file still has them; else those where
    the file puts the students of the class already imported from SIECLE. A later file then shows its difference
    at once (a student who moved to another division appears as leaving, not as dragging their division in)."""
    in_file = siecle_file.divisions()
    last = (
        StagedImport.objects.filter(cohort=cohort, kind=SIECLE, applied_at__isnull=False)
        .order_by("-applied_at")
        .first()
    )
    if last is not None:
        kept = [code for code in last.choices.get("divisions", []) if code in in_file]
        if kept:
            return kept
    known = set(cohort.students.exclude(record__siecle_id="").values_list("record__siecle_id", flat=True))
    found = {code for s in siecle_file.students if s.siecle_id in known for code in s.divisions}
    return sorted(found)


def purge_staged_imports() -> None:
    """Forget the files nobody confirmed in time (they hold students' names and INE), and the applied rows (emptied
    of their data) after a school year: those are kept for the divisions they were confirmed with."""
    now = timezone.now()
    StagedImport.objects.filter(
        Q(applied_at__isnull=True, expires_at__lt=now) | Q(applied_at__lt=now - APPLIED_KEPT)
    ).delete()


def get_staged(*, user: User, cohort: Cohort, token: str) -> StagedImport | None:
    """The waiting import of ``token`` if it is ``user``'s, for ``cohort``, not applied and not expired."""
    purge_staged_imports()
    if not token:
        return None
    return StagedImport.objects.filter(
        token=token, cohort=cohort, created_by=user, applied_at__isnull=True, expires_at__gte=timezone.now()
    ).first()


def update_choices(
    staged: StagedImport, *, mapping: list[str] | None = None, divisions: list[str] | None = None
) -> None:
    """Record the importer's corrections; the version changes so that an older page can no longer confirm."""
    with transaction.atomic():
        locked = StagedImport.objects.select_for_update().get(pk=staged.pk)
        choices = dict(locked.choices)
        if mapping is not None:
            old = choices.get("mapping", [])
            if _division_index(old) != _division_index(mapping):
                divisions = None  # another column now gives the division: its values are offered afresh
                choices.pop("divisions", None)
            choices["mapping"] = mapping
        if divisions is not None:
            choices["divisions"] = divisions
        choices["version"] = int(choices.get("version", 1)) + 1
        locked.choices = choices
        locked.save(update_fields=["choices"])
    staged.choices = choices


def _division_index(mapping: list[str]) -> int | None:
    return mapping.index("division") if "division" in mapping else None


# --- What the page shows ------------------------------------------------------------------------


@dataclass
class ColumnChoice:
    index: int
    title: str
    samples: list[str]
    field: str
    known_unused: bool


@dataclass
class Division:
    code: str
    count: int
    checked: bool


@dataclass
class StagedPreview:
    """Everything the preview page shows, computed from the stored file and choices."""

    staged: StagedImport
    columns: list[ColumnChoice] = field(default_factory=list)
    divisions: list[Division] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    preview: imports.ImportPreview | None = None
    left: list[siecle.SiecleStudent] = field(default_factory=list)
    outside: int = 0  # rows of other divisions, not imported

    @property
    def version(self) -> int:
        return int(self.staged.choices.get("version", 1))

    @property
    def ignored(self) -> list[ColumnChoice]:
        return [c for c in self.columns if not c.field and c.title]

    @property
    def can_confirm(self) -> bool:
        return self.preview is not None and self.preview.is_valid and not self.problems and self._has_work()

    def _has_work(self) -> bool:
        return bool(self.preview and (self.preview.rows or self.preview.leaving))


@dataclass
class _Plan:
    rows: list[imports.RawRow]
    columns: dict[str, str] | None = None
    departures: dict[str, str] | None = None


def describe(staged: StagedImport, *, actor: User) -> StagedPreview:
    described = StagedPreview(staged)
    plan = _plan(staged, described)
    if plan is not None:
        described.preview = imports.preview_student_import(
            cohort=staged.cohort, rows=plan.rows, actor=actor, columns=plan.columns, departures=plan.departures
        )
    return described


def _plan(staged: StagedImport, described: StagedPreview) -> _Plan | None:
    """The rows the stored file and choices give, or None while a choice is missing (``described`` says which)."""
    if staged.kind == TABLE:
        return _table_plan(staged, described)
    return _siecle_plan(staged, described)


def _table_plan(staged: StagedImport, described: StagedPreview) -> _Plan | None:
    table = Table.from_payload(staged.payload)
    mapping = list(staged.choices.get("mapping", []))
    mapping += [import_columns.IGNORED] * (len(table.header) - len(mapping))
    described.columns = [
        ColumnChoice(i, table.header[i], table.values(i)[:SAMPLE_VALUES], mapping[i], import_columns.is_known_unused(h))
        for i, h in enumerate(table.header)
    ]
    described.problems = import_columns.mapping_problems(table.header, mapping)
    divisions = staged.choices.get("divisions")
    if "division" in mapping:
        values = table.values(mapping.index("division"))
        chosen = values if divisions is None else divisions
        counts = {v: 0 for v in values}
        for _line, cells in table.rows:
            index = mapping.index("division")
            if index < len(cells) and cells[index] in counts:
                counts[cells[index]] += 1
        described.divisions = [Division(v, counts[v], v in chosen) for v in values]
        divisions = [d.code for d in described.divisions if d.checked]
    if described.problems:
        return None
    rows = imports.rows_from_table(table, mapping, divisions if "division" in mapping else None)
    described.outside = len(table.rows) - len(rows)
    columns = {name: import_columns.column_title(table.header, i) for i, name in enumerate(mapping) if name}
    return _Plan(rows, columns=columns)


def _siecle_plan(staged: StagedImport, described: StagedPreview) -> _Plan | None:
    siecle_file = siecle.SiecleFile.from_payload(staged.payload)
    chosen = list(staged.choices.get("divisions") or [])
    described.divisions = [Division(code, n, code in chosen) for code, n in siecle_file.divisions().items()]
    if not described.divisions:
        described.problems = [
            "Ce fichier SIECLE ne répartit les élèves dans aucune division : exportez « ElevesSansAdresses » après "
            "la constitution des divisions, puis déposez-le à nouveau."
        ]
        return None
    if not chosen:
        described.problems = ["Choisissez la ou les divisions SIECLE qui forment la classe, puis affichez l'aperçu."]
        return None
    selection = siecle.select(siecle_file, chosen, timezone.localdate())
    described.left = selection.left
    return _Plan(selection.rows, departures=selection.departures)


# --- Confirming ---------------------------------------------------------------------------------


def confirm_staged_import(*, cohort: Cohort, token: str, actor: User, version: int) -> tuple[str, ImportResult]:
    """Apply the waiting import ``token`` as its page showed it (``version``); return the file name and result.

    Raises ``ImportAlreadyApplied`` when the import is unknown, someone else's, expired or already applied;
    ``ChoicesChanged`` when the choices changed since the page; ``ImportStale`` when a line no longer validates.
    """
    with transaction.atomic():
        staged = (
            StagedImport.objects.select_for_update()
            .filter(token=token, cohort=cohort, created_by=actor)
            .select_related("cohort__establishment")
            .first()
        )
        if staged is None or staged.applied_at is not None or staged.expires_at < timezone.now():
            raise ImportAlreadyApplied()
        if int(staged.choices.get("version", 1)) != version:
            raise ChoicesChanged()
        described = StagedPreview(staged)
        plan = _plan(staged, described)
        if plan is None:
            raise ImportStale()
        result = imports.apply_student_import(
            cohort=cohort,
            rows=plan.rows,
            actor=actor,
            file_name=staged.file_name,
            import_id=token,
            columns=plan.columns,
            departures=plan.departures,
        )
        if staged.kind == TABLE:
            _remember_mapping(cohort, actor, staged)
        # The file's personal data is not kept once applied; the row stays, to answer a second click.
        staged.applied_at = timezone.now()
        staged.payload = {}
        staged.save(update_fields=["applied_at", "payload"])
    return staged.file_name, result


def _remember_mapping(cohort: Cohort, actor: User, staged: StagedImport) -> None:
    header = staged.payload["header"]
    update = import_columns.remembered_update(header, staged.choices.get("mapping", []))
    mapping, _created = ImportMapping.objects.select_for_update().get_or_create(
        establishment_id=cohort.establishment_id
    )
    mapping.columns = {**mapping.columns, **update}
    mapping.updated_by = actor
    mapping.save(update_fields=["columns", "updated_by", "updated_at"])
    log_action(
        "students.import_mapping_saved",
        actor=actor,
        obj=mapping,
        establishment_id=cohort.establishment_id,
        changes={"file": staged.file_name, "columns": update},
    )
