"""Student lists as the import services receive them: uploaded CSV/XLSX files, rows, and a preview's refusals."""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts import imports
from accounts.imports import RawRow

DATA = Path(__file__).parent / "data"


def upload(content: bytes | str, name: str = "eleves.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    if isinstance(content, str):
        content = content.encode(encoding)
    return SimpleUploadedFile(name, content)


def xlsx(rows: list[list], name: str = "eleves.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def row(line: int, last: str, first: str, email: str, number: str = "", route: str = "") -> RawRow:
    return RawRow(line, last, first, email, number, route)


def reasons(preview: imports.ImportPreview) -> dict[int, str]:
    return {e.line: e.message for e in preview.errors}
