"""At deposit each fiche's PDF is stored, verified; packs read it, and write it again if missing or altered."""

import datetime
import hashlib
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from certification.evaluation.services import packs
from certification.models import DossierFiche
from lib.storage import TombstoneStorage
from passeport import pdf
from passeport.models import DepositedFichePdf
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_dossiers import complete_dossier, deadline_of
from tests.factories_certification_marks import agree_grid
from tests.factories_certification_sheets import make_result, make_sheet

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def layouts(monkeypatch):
    """Every WeasyPrint layout of a fiche, counted."""
    calls: list[str] = []
    real = pdf._layout_document

    def spy(html: str):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "_layout_document", spy)
    pdf._DOCUMENTS.clear()
    # The cache table is not a model: a transactional test elsewhere may have left the same persona's fiche in it.
    caches["pdf"].clear()
    return calls


@pytest.fixture
def deposited(cast, login, django_capture_on_commit_callbacks):
    """A dossier of two E4 fiches deposited by the student through the page, on-commit work run."""
    dossier = complete_dossier(cast.student)
    day = datetime.datetime.combine(deadline_of(cast.student) - datetime.timedelta(days=1), datetime.time(10))
    with time_machine.travel(day.replace(tzinfo=PARIS), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = login(cast.student).post(reverse("certification:dossier_submit", args=[dossier.pk]))
    assert response.status_code == 302
    return dossier


def _stored(dossier) -> list[DepositedFichePdf]:
    items = DossierFiche.objects.filter(dossier=dossier).select_related("verso").order_by("order")
    return [DepositedFichePdf.objects.get(version_id=item.version_id, verso_order=item.verso.order) for item in items]


def _ready_commission(cast):
    commission = make_commission(cast)
    agree_grid(commission, cast.student, "S-TS-NE-S")
    make_result(commission, cast.student, "12.5")
    make_sheet(commission, cast.student)
    return commission


def test_each_deposited_fiche_pdf_is_stored_and_verified(cast, deposited):
    rows = _stored(deposited)

    assert len(rows) == 2
    for row, item in zip(rows, deposited.items.select_related("version").order_by("order"), strict=True):
        with default_storage.open(row.name, "rb") as handle:
            content = handle.read()
        assert len(content) == row.size
        assert hashlib.sha256(content).hexdigest() == row.sha256
        reader = PdfReader(io.BytesIO(content))
        assert len(reader.pages) == row.pages == 2
        assert item.version.title in " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")


def test_a_refused_deposit_stores_nothing(cast, login, django_capture_on_commit_callbacks):
    dossier = complete_dossier(cast.student)
    day = datetime.datetime.combine(deadline_of(cast.student) + datetime.timedelta(days=1), datetime.time(10))
    with time_machine.travel(day.replace(tzinfo=PARIS), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            login(cast.student).post(reverse("certification:dossier_submit", args=[dossier.pk]))

    assert not DepositedFichePdf.objects.exists()


def test_packs_reuse_the_stored_pdf_without_laying_the_fiches_out(cast, deposited, layouts):
    commission = _ready_commission(cast)
    caches["pdf"].clear()  # no help from the content cache: only the stored files

    content = packs.build_pack(commission, cast.student)

    assert layouts == []
    assert len(PdfReader(io.BytesIO(content)).pages) > 4


def test_a_missing_stored_pdf_is_written_again(cast, deposited, layouts):
    commission = _ready_commission(cast)
    first, second = _stored(deposited)
    assert isinstance(default_storage, TombstoneStorage)
    default_storage.remove_now(first.name)
    caches["pdf"].clear()

    packs.build_pack(commission, cast.student)

    assert len(layouts) == 1
    first.refresh_from_db()
    with default_storage.open(first.name, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == first.sha256


def test_an_altered_stored_pdf_is_written_again_not_served(cast, deposited, layouts):
    commission = _ready_commission(cast)
    first, _second = _stored(deposited)
    path = default_storage.path(first.name)
    with open(path, "r+b") as handle:
        handle.truncate(first.size // 2)
    caches["pdf"].clear()

    content = packs.build_pack(commission, cast.student)

    assert len(layouts) == 1
    assert len(PdfReader(io.BytesIO(content)).pages) > 4
    with default_storage.open(first.name, "rb") as handle:
        stored = handle.read()
    first.refresh_from_db()
    assert len(stored) == first.size and hashlib.sha256(stored).hexdigest() == first.sha256


def test_a_rebuilt_pack_of_unchanged_documents_lays_nothing_out(cast, deposited, monkeypatch):
    from lib import pdf as lib_pdf

    commission = _ready_commission(cast)
    caches["pdf"].clear()
    first = packs.build_pack(commission, cast.student)
    calls: list[str] = []
    real = lib_pdf.layout

    def layout(html: str, **kwargs: Any) -> Any:
        calls.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(lib_pdf, "layout", layout)

    again = packs.build_pack(commission, cast.student)

    assert calls == []
    assert len(PdfReader(io.BytesIO(again)).pages) == len(PdfReader(io.BytesIO(first)).pages)
