"""The attestation de stage's PDF carries every word of ANNEXE III-2, in the annex's order, and the values."""

import datetime
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from passeport.attestation import attestation_form, render_attestation_pdf
from passeport.models import AttestationState, InternshipAttestation, InternshipPeriod
from passeport.tests.attestation_reference import ANNEX_TEXT, missing_labels, pdf_text, squeeze

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/pdftotext").exists() and not shutil.which("pdftotext"),
    reason="pdftotext introuvable : apt-get install poppler-utils",
)


def _signed(student) -> InternshipAttestation:
    period = InternshipPeriod.objects.create(
        student=student,
        organisation="Maisons Rhône",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 4, 24),
        weeks=Decimal(16),
    )
    return InternshipAttestation.objects.create(
        period=period,
        state=AttestationState.SIGNED,
        host_name="Maisons Rhône",
        host_sector="Immobilier",
        host_city="Lyon",
        trainee_sex="F",
        activities="Prospection téléphonique",
        start_date=period.start_date,
        end_date=period.end_date,
        presence_hours=Decimal(560),
        gratification=Decimal("2112.40"),
        signer_name="Claire Martin",
        signer_function="Directrice d'agence",
        signed_place="Lyon",
        signed_at=timezone.now(),
        signed_via="link",
    )


def test_every_label_of_the_form_file_is_verbatim_in_the_circulaire():
    reference = squeeze(Path(ANNEX_TEXT).read_text(encoding="utf-8"))
    for key, label in attestation_form(2025)["labels"].items():
        assert squeeze(label) in reference, key


def test_the_pdf_matches_annex_iii_2_word_for_word_with_the_values(cast, tmp_path):
    content = render_attestation_pdf(_signed(cast.student))
    assert len(PdfReader(io.BytesIO(content)).pages) == 1  # one sheet, as the paper form
    text = pdf_text(content, tmp_path)
    assert missing_labels(text) == []
    for value in (
        "Maisons Rhône",
        "Immobilier",
        "Étudiante",
        "Emma",
        "05/01/2026",
        "24/04/2026",
        "2112,40",
        "Lycée Jean Moulin",
    ):
        assert value in text, value
    # 560 hours = 80 days = 16 weeks, on the weeks' side of « nombre de semaines / de mois ».
    assert "durée totale de 16 nombre de semaines" in text
    assert "Claire Martin, Directrice d'agence" in text
