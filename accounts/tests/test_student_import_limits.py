"""Issue 13, finding 4: a small file must not cost a lot. XLSX is measured before it is read (rows, columns,
inflated size, XML elements, DTDs), then read in streaming mode no further than its data; CSV lines and columns
are capped. Every refusal is a French message on the upload form, and nothing is stored."""

import io
import re
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from accounts import import_files
from accounts.models import Student, User

HEADER = ["Nom", "Prénom", "Email"]
SHEET = "xl/worksheets/sheet1.xml"


def upload_url(cohort) -> str:
    return reverse("accounts:student_import", args=[cohort.pk])


def workbook_bytes(rows: list[list], cells: dict[str, Any] | None = None, styled: tuple[str, ...] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    for row in rows:
        sheet.append(row)
    for coordinate, value in (cells or {}).items():
        sheet[coordinate] = value
    for coordinate in styled:
        sheet[coordinate].font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, member: str, change) -> bytes:
    """The same archive with ``member`` passed through ``change`` (bytes → bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == member else content)
    return out.getvalue()


def post(client, cohort, data: bytes, name: str = "eleves.xlsx"):
    return client.post(upload_url(cohort), {"file": SimpleUploadedFile(name, data)}, follow=True)


def counts() -> tuple[int, int]:
    return User.objects.count(), Student.objects.count()


def refused_with(response, text: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert text in html, html[html.find("error") - 200 : html.find("error") + 800]
    assert "/confirmer/" not in html
    assert ">Prévisualiser</button>" in html


NBSP = "\u00a0"


def test_a_tiny_xlsx_whose_only_cell_is_on_the_last_row_is_refused(cast, login):
    data = workbook_bytes([], {"A1048576": "x"})
    assert len(data) < 10_000
    before = counts()
    response = post(login(cast.teacher), cast.cohort, data)
    refused_with(
        response,
        f"Le fichier « eleves.xlsx » contient des données jusqu&#x27;à la ligne 1{NBSP}048{NBSP}576 : "
        f"l&#x27;import lit au plus 3{NBSP}000 lignes, lignes vides comprises.",
    )
    assert counts() == before


def test_a_row_bomb_with_a_lying_dimension_is_refused_too(cast, login):
    data = workbook_bytes([HEADER, ["Durand", "Léa", "lea@example.org"]], {"A1048576": "x"})
    data = rewrite(data, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:C2"/>', xml))
    before = counts()
    response = post(login(cast.teacher), cast.cohort, data)
    refused_with(response, f"jusqu&#x27;à la ligne 1{NBSP}048{NBSP}576")
    assert counts() == before


def test_a_sheet_with_data_far_to_the_right_is_refused(cast, login):
    data = workbook_bytes([HEADER, ["Durand", "Léa", "lea@example.org"]], {"XFD2": "x"})
    response = post(login(cast.teacher), cast.cohort, data)
    refused_with(
        response,
        "contient des données jusqu&#x27;à la colonne XFD : l&#x27;import lit au plus 100 colonnes "
        "(jusqu&#x27;à la colonne CV).",
    )


def test_a_workbook_that_inflates_far_beyond_its_size_is_refused(cast, login):
    """25 MB of XML once inflated, a few dozen KB on the wire."""
    data = workbook_bytes([HEADER, ["Durand", "Léa", "lea@example.org"]])
    data = rewrite(data, SHEET, lambda xml: xml.replace(b"</worksheet>", b" " * (25 * 1024 * 1024) + b"</worksheet>"))
    assert len(data) < 200_000
    before = counts()
    response = post(login(cast.teacher), cast.cohort, data)
    refused_with(response, "Le classeur « eleves.xlsx » est anormalement volumineux une fois décompressé")
    assert counts() == before


def test_a_wide_workbook_of_many_small_elements_is_refused(cast, login):
    """Half a million tiny cells fit in 2 MB compressed; they would cost hundreds of MB once built."""
    cells = b"".join(b"<c/>" for _ in range(500_000))
    data = workbook_bytes([HEADER, ["Durand", "Léa", "lea@example.org"]])
    data = rewrite(
        data, SHEET, lambda xml: xml.replace(b"</sheetData>", b'<row r="3">' + cells + b"</row></sheetData>")
    )
    assert len(data) < 100_000
    response = post(login(cast.teacher), cast.cohort, data)
    refused_with(response, "est anormalement volumineux une fois décompressé")


def test_a_workbook_with_an_xml_entity_bomb_is_refused(cast, login):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    data = workbook_bytes([HEADER, ["Durand", "&lol2;", "lea@example.org"]])
    data = rewrite(data, SHEET, lambda xml: laughs + (xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml))
    response = post(login(cast.teacher), cast.cohort, data)
    refused_with(response, "n&#x27;est pas un classeur XLSX lisible")


def test_formatting_far_below_the_list_is_not_data(cast, login):
    """A styled but empty cell on row 5000 (a border drawn down the sheet) does not count as a line."""
    data = workbook_bytes([HEADER, ["Durand", "Léa", "lea@example.org"]], styled=("A5000", "CZ2"))
    response = post(login(cast.teacher), cast.cohort, data)
    html = response.content.decode()
    assert "<dt>À créer</dt><dd>1</dd>" in html
    assert "/confirmer/" in html


def test_a_csv_with_too_many_lines_is_refused(cast, login):
    text = "Nom;Prénom;Email\n" + ";;\n" * 3000 + "Durand;Léa;lea@example.org\n"
    response = post(login(cast.teacher), cast.cohort, text.encode(), "eleves.csv")
    refused_with(response, f"jusqu&#x27;à la ligne 3{NBSP}002 : l&#x27;import lit au plus 3{NBSP}000 lignes")


def test_trailing_line_breaks_of_a_csv_are_not_lines(cast, login):
    text = "Nom;Prénom;Email\nDurand;Léa;lea@example.org" + "\r\n" * 5000
    response = post(login(cast.teacher), cast.cohort, text.encode(), "eleves.csv")
    assert "<dt>À créer</dt><dd>1</dd>" in response.content.decode()


def test_a_csv_line_with_too_many_columns_is_refused(cast, login):
    text = "Nom;Prénom;Email\nDurand;Léa;lea@example.org;" + ";".join("x" * 150) + "\n"
    response = post(login(cast.teacher), cast.cohort, text.encode(), "eleves.csv")
    refused_with(
        response, "La ligne 2 du fichier « eleves.csv » compte 153 colonnes : l&#x27;import en lit au plus 100."
    )


def test_empty_trailing_csv_columns_are_ignored(cast, login):
    text = "Nom;Prénom;Email" + ";" * 300 + "\nDurand;Léa;lea@example.org" + ";" * 300 + "\n"
    response = post(login(cast.teacher), cast.cohort, text.encode(), "eleves.csv")
    assert "<dt>À créer</dt><dd>1</dd>" in response.content.decode()


def test_the_upload_page_states_the_limits(cast, login):
    html = login(cast.teacher).get(upload_url(cast.cohort)).content.decode()
    assert "Un fichier contient au plus 1000 étudiants, 3000 lignes et 100 colonnes" in html


@pytest.mark.parametrize(("index", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (100, "CV"), (16384, "XFD")])
def test_column_letters(index, letters):
    assert import_files._column_letter(index) == letters
    assert import_files._column_index(letters) == index
