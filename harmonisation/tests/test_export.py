import datetime
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from certification.models import CandidateResult, Deliberation
from tests.factories_harmonisation import make_world, send
from tests.personas import PASSWORD


def _get(client, cast, world, fmt):
    assert client.login(username=world.inspector.username, password=PASSWORD)
    return client.get(reverse("harmonisation:export", args=[world.academie.pk, cast.session.pk, fmt]))


def test_the_csv_has_one_line_per_candidate_and_no_level_profile_or_name(client, cast):
    world = make_world(cast, size=1)
    send(world.high_commission)
    Deliberation.objects.create(
        commission=world.commission, deliberated_on=datetime.date(2027, 6, 20), recorded_by=cast.teacher
    )
    response = _get(client, cast, world, "csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert lines[0] == "N° candidat;UAI;Épreuve;Code statut;Note"
    assert "am0001;0690003C;E6;NOTE;15,5" in lines
    assert "02412345678;0690001A;E6;NON_TRANSMIS;" in lines  # deliberated, not sent: no mark
    assert len(lines) == 1 + 3 + 2  # the other académie's candidates are not there
    assert "-S" not in text and "Emma" not in text and "Lycée" not in text
    assert AuditEntry.objects.filter(action="harmonisation.marks_exported").count() == 1


def test_the_xlsx_keeps_marks_as_numbers(client, cast):
    world = make_world(cast, size=1)
    send(world.high_commission)
    response = _get(client, cast, world, "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert ("am0001", "0690003C", "E6", "NOTE", 15.5) in values
    assert ("jm0000", "0690001A", "E6", "NON_DELIBERE", None) in values


def test_the_export_reads_the_sent_marks_not_a_later_change(client, cast):
    world = make_world(cast, size=1)
    send(world.high_commission)
    CandidateResult.objects.filter(student__candidate_number="am0001").update(mark=Decimal("9"))
    text = _get(client, cast, world, "csv").content.decode("utf-8-sig")
    assert "am0001;0690003C;E6;NOTE;15,5" in text
    assert "NOTE;9" not in text


def test_an_unknown_format_is_a_404(client, cast):
    world = make_world(cast, size=1)
    assert _get(client, cast, world, "pdf").status_code == 404
