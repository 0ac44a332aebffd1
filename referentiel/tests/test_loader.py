"""The loader is idempotent, keeps versions apart and refuses malformed files."""

import datetime
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from referentiel import models
from referentiel.loader import MODEL_NAMES, ReferentielFileError, load_all, load_referentiel_file, load_sessions_file
from referentiel.tests.conftest import VERSION_FILE

# Children first, so that PROTECT lets the rows go.
DELETION_ORDER = [
    "SituationRule",
    "ExamRule",
    "ExamSession",
    "Indicator",
    "Criterion",
    "Competency",
    "FicheKind",
    "Exam",
    "Block",
    "Level",
    "ReferentielVersion",
]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every référentiel table, ids included."""
    return {name: sorted(getattr(models, name).objects.values_list()) for name in MODEL_NAMES}


def version_rows(code: str) -> dict[str, list[tuple]]:
    version = models.ReferentielVersion.objects.get(code=code)
    return {
        "blocks": sorted(models.Block.objects.filter(version=version).values_list()),
        "exams": sorted(models.Exam.objects.filter(version=version).values_list()),
        "criteria": sorted(models.Criterion.objects.filter(competency__block__version=version).values_list()),
        "indicators": sorted(
            models.Indicator.objects.filter(criterion__competency__block__version=version).values_list()
        ),
        "levels": sorted(models.Level.objects.filter(version=version).values_list()),
    }


def write_variant(tmp_path: Path, name: str, change: Callable[[dict], None]) -> Path:
    data = yaml.safe_load(VERSION_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    before = snapshot()
    report = load_all()
    assert not report.changed
    assert sum(report.unchanged.values()) == sum(len(rows) for rows in before.values())
    assert load_all().lines() == report.lines()
    assert snapshot() == before


@pytest.mark.django_db
def test_loading_into_an_empty_database_creates_everything_once():
    for name in DELETION_ORDER:
        getattr(models, name).objects.all().delete()
    first = load_all()
    after_first = snapshot()
    second = load_all()
    assert first.created["Indicator"] == 32
    assert first.created["ExamSession"] == 3
    assert first.created["SituationRule"] == 12
    assert not second.changed
    assert snapshot() == after_first


@pytest.mark.django_db
def test_a_second_version_file_creates_a_separate_version_and_leaves_the_first_untouched(tmp_path):
    first_version = version_rows("ndrc-2018-maj-2025")

    def reform(data):
        data["code"] = "ndrc-reforme-2030"
        data["label"] = "BTS NDRC — référentiel réformé"
        data["blocks"][0]["competencies"][0]["criteria"][0]["title"] = "Analyser un portefeuille clients et prospects"

    report = load_referentiel_file(write_variant(tmp_path, "ndrc-reforme-2030.yaml", reform))

    assert report.created["ReferentielVersion"] == 1
    assert report.created["Criterion"] == 18
    assert not report.updated
    assert models.ReferentielVersion.objects.count() == 2
    assert version_rows("ndrc-2018-maj-2025") == first_version
    assert models.Criterion.objects.filter(title="Analyser un portefeuille client").count() == 1
    assert models.Criterion.objects.get(
        title="Analyser un portefeuille clients et prospects"
    ).competency.block.version.code == ("ndrc-reforme-2030")


@pytest.mark.django_db
def test_a_corrected_wording_updates_that_row_only(tmp_path):
    criterion = models.Criterion.objects.get(title="Identifier des cibles de clientèle")

    def fix(data):
        data["blocks"][0]["competencies"][0]["criteria"][1]["title"] = "Identifier des cibles de clientèle (corrigé)"

    report = load_referentiel_file(write_variant(tmp_path, "fix.yaml", fix))

    assert dict(report.updated) == {"Criterion": 1}
    assert not report.created
    criterion.refresh_from_db()
    assert criterion.title == "Identifier des cibles de clientèle (corrigé)"


@pytest.mark.django_db
def test_a_deadline_changed_by_an_administrator_is_kept():
    rule = models.ExamRule.objects.get(session__year=2027, exam__code="E4")
    rule.deposit_deadline = datetime.date(2027, 3, 31)
    rule.save(update_fields=["deposit_deadline"])

    report = load_all()

    rule.refresh_from_db()
    assert rule.deposit_deadline == datetime.date(2027, 3, 31)
    assert not report.changed
    assert len(report.kept) == 1
    assert "2027-03-31" in report.kept[0]


@pytest.mark.django_db
def test_the_data_migration_path_works_with_historical_models():
    apps = MigrationExecutor(connection).loader.project_state(("referentiel", "0003_load_referentiel_data")).apps
    before = snapshot()

    report = load_all(get_model=lambda name: apps.get_model("referentiel", name), skip_missing_fields=True)

    assert not report.changed
    assert snapshot() == before


@pytest.mark.django_db
def test_a_misspelt_key_is_refused_and_nothing_is_written(tmp_path):
    def typo(data):
        data["code"] = "ndrc-typo"
        data["blocks"][0]["exam"]["cff"] = data["blocks"][0]["exam"].pop("ccf")

    before = snapshot()
    with pytest.raises(ReferentielFileError, match="cff"):
        load_referentiel_file(write_variant(tmp_path, "typo.yaml", typo))
    assert snapshot() == before


@pytest.mark.django_db
def test_a_session_of_an_unknown_version_is_refused(tmp_path):
    path = tmp_path / "session-2031.yaml"
    source = (VERSION_FILE.parent.parent / "sessions" / "session-2027.yaml").read_text(encoding="utf-8")
    path.write_text(source.replace("year: 2027", "year: 2031").replace("ndrc-2018-maj-2025", "inconnue"))
    with pytest.raises(ReferentielFileError, match="inconnue"):
        load_sessions_file(path)
    assert not models.ExamSession.objects.filter(year=2031).exists()


@pytest.mark.django_db
def test_a_session_cannot_move_to_another_version(tmp_path):
    load_referentiel_file(write_variant(tmp_path, "other.yaml", lambda data: data.update(code="ndrc-autre")))
    sessions = tmp_path / "data" / "sessions"
    sessions.mkdir(parents=True)
    source = (VERSION_FILE.parent.parent / "sessions" / "session-2027.yaml").read_text(encoding="utf-8")
    (sessions / "session-2027.yaml").write_text(source.replace("ndrc-2018-maj-2025", "ndrc-autre"))
    shutil.copytree(VERSION_FILE.parent, tmp_path / "data" / "referentiel")

    with pytest.raises(ReferentielFileError, match="2027"):
        load_all(data_dir=tmp_path / "data")
    assert models.ExamSession.objects.get(year=2027).version.code == "ndrc-2018-maj-2025"


@pytest.mark.django_db
def test_session_settings_are_read_from_the_file_and_checked(tmp_path):
    source = (VERSION_FILE.parent.parent / "sessions" / "session-2027.yaml").read_text(encoding="utf-8")
    path = tmp_path / "session-2027.yaml"
    path.write_text(source.replace("subject_release_minutes: 30", "subject_release_minutes: 45"))
    load_sessions_file(path)
    assert models.ExamSession.objects.get(year=2027).subject_release_minutes == 45

    path.write_text(source.replace("dossier_reminder_days: [14, 3]", "dossier_reminder_days: [14, -1]"))
    with pytest.raises(ReferentielFileError, match="dossier_reminder_days"):
        load_sessions_file(path)
    assert models.ExamSession.objects.get(year=2027).dossier_reminder_days == [14, 3]
