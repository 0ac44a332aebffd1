"""Importing a cohort's students from a CSV or XLSX file: parse, preview, then apply all or nothing.

The upload reads the file (``accounts.import_files`` for CSV and XLSX, ``accounts.siecle`` for SIECLE's XML) and
stages it on the server (``accounts.import_staging``); the preview says what would happen; the confirmation
re-validates the same rows against the database and applies them in one transaction.

An import only ever changes students within the importer's reach (``ImportScope``): an administrator, the whole
establishment; a teacher, the classes they teach. A line designating a student of another class is shown as
ignored and never applied, and only an administrator may change the address of an existing account (the address
is where a password reset goes). Every change applied is written to the audit log field by field, old → new.

This module is the interface the views, the staging and the tests use; the work is split by step:
``import_reading`` (file → rows), ``import_rows`` (one row's checks), ``import_plan`` (matching and preview),
``import_apply`` (the transaction).
"""

from accounts.import_apply import apply_student_import
from accounts.import_files import HEADER_SEARCH_ROWS, MAX_COLUMNS, MAX_LINES, MAX_ROWS, ImportFileError
from accounts.import_plan import (
    ALREADY_DONE_MESSAGE,
    CREATE,
    EMAIL_KEPT,
    NOT_YOURS,
    UNCHANGED,
    UPDATE,
    ImportAlreadyApplied,
    ImportPreview,
    ImportResult,
    ImportScope,
    ImportStale,
    Leaving,
    PlannedRow,
    RowError,
    preview_student_import,
    record_of,
)
from accounts.import_reading import ParsedUpload, Table, parse_student_file, read_table, read_upload, rows_from_table
from accounts.import_rows import RAW_FIELDS, ROUTE_WORDS, RawRow, parse_route

__all__ = [
    "ALREADY_DONE_MESSAGE",
    "CREATE",
    "EMAIL_KEPT",
    "HEADER_SEARCH_ROWS",
    "MAX_COLUMNS",
    "MAX_LINES",
    "MAX_ROWS",
    "NOT_YOURS",
    "RAW_FIELDS",
    "ROUTE_WORDS",
    "UNCHANGED",
    "UPDATE",
    "ImportAlreadyApplied",
    "ImportFileError",
    "ImportPreview",
    "ImportResult",
    "ImportScope",
    "ImportStale",
    "Leaving",
    "ParsedUpload",
    "PlannedRow",
    "RawRow",
    "RowError",
    "Table",
    "apply_student_import",
    "parse_route",
    "parse_student_file",
    "preview_student_import",
    "read_table",
    "read_upload",
    "record_of",
    "rows_from_table",
]
