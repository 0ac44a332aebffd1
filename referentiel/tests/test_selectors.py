import datetime

import pytest
import yaml

from referentiel.loader import load_referentiel_file, load_sessions_file
from referentiel.models import (
    Block,
    Competency,
    Criterion,
    Exam,
    ExamRule,
    ExamSession,
    FicheKind,
    Indicator,
    Level,
    ReferentielVersion,
)
from referentiel.selectors import current_version
from referentiel.tests.conftest import VERSION_FILE


@pytest.fixture
def reform(tmp_path) -> ReferentielVersion:
    """A second version used by a session 2031."""
    data = yaml.safe_load(VERSION_FILE.read_text(encoding="utf-8"))
    data["code"] = "ndrc-reforme-2030"
    (tmp_path / "reforme.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_referentiel_file(tmp_path / "reforme.yaml")
    source = (VERSION_FILE.parent.parent / "sessions" / "session-2028.yaml").read_text(encoding="utf-8")
    session = source.replace("year: 2028", "year: 2031").replace("ndrc-2018-maj-2025", "ndrc-reforme-2030")
    (tmp_path / "session-2031.yaml").write_text(session, encoding="utf-8")
    load_sessions_file(tmp_path / "session-2031.yaml")
    return ReferentielVersion.objects.get(code="ndrc-reforme-2030")


@pytest.mark.django_db
def test_the_current_version_is_the_one_of_the_next_session(reform):
    assert current_version(today=datetime.date(2027, 9, 1)).code == "ndrc-2018-maj-2025"
    assert current_version(today=datetime.date(2029, 9, 1)) == reform


@pytest.mark.django_db
def test_after_the_last_session_the_latest_session_decides(reform):
    assert current_version(today=datetime.date(2040, 1, 1)) == reform


@pytest.mark.django_db
def test_without_sessions_the_last_loaded_version_is_current(reform):
    ExamRule.objects.all().delete()
    ExamSession.objects.all().delete()
    assert current_version(today=datetime.date(2027, 1, 1)) == reform


@pytest.mark.django_db
def test_without_any_version_there_is_no_current_version():
    ExamRule.objects.all().delete()
    ExamSession.objects.all().delete()
    for model in (Indicator, Criterion, Competency, FicheKind, Exam, Block, Level):
        model.objects.all().delete()
    ReferentielVersion.objects.all().delete()
    assert current_version() is None
