import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from certification.models import Deliberation
from tests.factories_harmonisation import make_world
from tests.personas import PASSWORD


def _get(client, cast, world, fmt):
    assert client.login(username=world.inspector.username, password=PASSWORD)
    return client.get(reverse("harmonisation:export", args=[world.academie.pk, cast.session.pk, fmt]))


def test_the_csv_has_one_line_per_candidate_and_no_level_profile_or_name(client, cast):
    world = make_world(cast, size=1)
    Deliberation.objects.create(
        commission=world.high_commission, deliberated_on=datetime.date(2027, 6, 20), recorded_by=cast.teacher
    )
    response = _get(client, cast, world, "csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert lines[0] == "N° candidat;UAI;Épreuve;Code statut;Note"
    assert "am0001;0690003C;E6;NOTE;15,5" in lines
    assert "02412345678;0690001A;E6;NON_DELIBERE;" in lines  # not deliberated: no mark sent
    assert len(lines) == 1 + 3 + 2  # the other académie's candidates are not there
    assert "-S" not in text and "Emma" not in text and "Lycée" not in text
    assert AuditEntry.objects.filter(action="harmonisation.marks_exported").count() == 1


def test_the_xlsx_keeps_marks_as_numbers(client, cast):
    world = make_world(cast, size=1)
    Deliberation.objects.create(
        commission=world.high_commission, deliberated_on=datetime.date(2027, 6, 20), recorded_by=cast.teacher
    )
    response = _get(client, cast, world, "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert ("am0001", "0690003C", "E6", "NOTE", 15.5) in values


def test_an_unknown_format_is_a_404(client, cast):
    world = make_world(cast, size=1)
    assert _get(client, cast, world, "pdf").status_code == 404
