from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from referentiel.loader import SESSIONS_DIR
from referentiel.models import ExamSession


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_referentiel", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_says_nothing_changes_when_the_data_are_loaded():
    output = run()
    assert "Criterion : 0 créé(s), 0 mis à jour, 18 inchangé(s)" in output
    assert "Rien à changer" in output


@pytest.mark.django_db
def test_it_reports_what_it_created():
    ExamSession.objects.filter(year=2028).delete()
    output = run()
    assert "ExamSession : 1 créé(s), 0 mis à jour, 2 inchangé(s)" in output
    assert "ExamRule : 2 créé(s), 0 mis à jour, 4 inchangé(s)" in output
    assert "chargés" in output
    assert ExamSession.objects.filter(year=2028).exists()


@pytest.mark.django_db
def test_it_loads_only_the_files_it_is_given():
    output = run("--sessions", str(SESSIONS_DIR / "session-2026.yaml"))
    assert "ExamSession : 0 créé(s), 0 mis à jour, 1 inchangé(s)" in output
    assert "Criterion" not in output


@pytest.mark.django_db
def test_it_turns_a_bad_file_into_a_command_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("- not a mapping\n", encoding="utf-8")
    with pytest.raises(CommandError, match="dictionnaire"):
        run("--referentiel", str(path))
