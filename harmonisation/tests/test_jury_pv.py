"""The final jury's PV as PDF: the sent marks, one line per candidate, no name, level nor profile (issue 16)."""

import io
from decimal import Decimal

from django.urls import reverse
from pypdf import PdfReader

from certification.models import CandidateResult
from tests.factories_harmonisation import key_of, make_world, send
from tests.personas import PASSWORD


def _pv(client, cast, world):
    assert client.login(username=world.inspector.username, password=PASSWORD)
    url = reverse("harmonisation:jury_pv", args=[world.academie.pk, cast.session.pk, world.commission.exam_id])
    return client.get(url)


def _text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_pv_lists_the_sent_marks_with_counts_and_a_signature_block(client, cast):
    world = make_world(cast, size=1)
    send(world.high_commission)
    CandidateResult.objects.filter(student__candidate_number="am0001").update(mark=Decimal("9"))  # after the send
    response = _pv(client, cast, world)
    assert response["Content-Type"] == "application/pdf"
    text = _text(response)
    assert "Procès-verbal du jury final" in text and "Académie de Lyon" in text
    assert "am0001 0690003C NOTE 15,5" in text
    assert "am0000 0690003C NOTE 15" in text
    assert "02412345678 0690001A NON_DELIBERE" in text
    assert "NOTE Note sur 20 2" in text and "Total 5" in text
    assert "Le président ou la présidente du jury" in text
    assert "vh0000" not in text  # another académie
    assert key_of(world.commission) not in text and "Emma" not in text and "Lycée" not in text


def test_another_academies_pv_is_a_404(client, cast):
    world = make_world(cast, size=1)
    assert client.login(username=world.inspector.username, password=PASSWORD)
    url = reverse("harmonisation:jury_pv", args=[world.other_academie.pk, cast.session.pk, world.commission.exam_id])
    assert client.get(url).status_code == 404
