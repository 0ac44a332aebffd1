"""`manage.py check_health`: French lines, exit code 0/1, one alert email per change of state, sent over SMTP."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from health import alerts, checks
from health.checks import ERROR, OK, UNCHECKED, Check, Report
from health.management.commands import check_health
from notifications.models import OutboxMessage, OutboxState

from .conftest import make_message, make_task

ALL_OK = Report(
    (
        Check("base", OK, "Base de données : joignable (2 ms)."),
        Check("espace_disque", OK, "Espace disque : 10 Go libres."),
        Check("travailleur", OK, "Travailleur des tâches : dernier signe de vie il y a 5 s."),
        Check("courriels", OK, "File des courriels : aucun message en retard."),
    )
)
DB_DOWN = Report(
    (
        Check("base", ERROR, "Base de données : injoignable (OperationalError : connection refused)."),
        Check("espace_disque", OK, "Espace disque : 10 Go libres."),
        Check("travailleur", UNCHECKED, "Travailleur des tâches : non vérifié (base indisponible)."),
        Check("courriels", UNCHECKED, "File des courriels : non vérifiée (base indisponible)."),
    )
)
WORKER_DOWN = Report(
    (ALL_OK.checks[0], ALL_OK.checks[1], Check("travailleur", ERROR, "Travailleur : 10 min."), ALL_OK.checks[3])
)


@pytest.fixture
def alert_settings(settings, tmp_path):
    settings.HEALTH_ALERT_EMAILS = ["exploitation@lycee.example"]
    settings.HEALTH_ALERT_STATE_FILE = str(tmp_path / "etat" / "alerte.json")
    settings.HEALTH_ALERT_REPEAT_HOURS = 24
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://ccf.lycee.example"
    return settings


@pytest.fixture
def report_is(monkeypatch):
    def _set(report: Report) -> None:
        monkeypatch.setattr(check_health, "run_checks", lambda: report)

    return _set


def run() -> tuple[str | int | None, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("check_health", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


@pytest.mark.django_db
def test_it_exits_0_and_says_so_in_french_when_all_is_well(report_is):
    report_is(ALL_OK)
    code, output = run()
    assert code == 0
    assert "[ok] Base de données : joignable" in output
    assert "Tâches de fond en échec (7 derniers jours) : 0." in output
    assert "État : ok." in output


@pytest.mark.django_db
def test_it_exits_1_and_names_what_fails(report_is):
    report_is(DB_DOWN)
    code, output = run()
    assert code == 1
    assert "[ERREUR] Base de données : injoignable" in output
    assert "État : erreur (base, travailleur, courriels)." in output
    assert "Tâches de fond en échec" not in output  # the database is down: nothing is read from it


@pytest.mark.django_db
def test_it_counts_recent_failures_without_failing_for_them(report_is):
    report_is(ALL_OK)
    make_task(status="FAILED", minutes_ago=60)
    make_task(status="FAILED", minutes_ago=60 * 24 * 10)  # older than the window
    make_message(state=OutboxState.FAILED)
    code, output = run()
    assert code == 0
    assert "Tâches de fond en échec (7 derniers jours) : 1." in output
    assert "Courriels en échec définitif (7 derniers jours) : 1." in output


@pytest.mark.django_db
def test_the_alert_goes_out_once_not_at_every_run(report_is, alert_settings):
    report_is(DB_DOWN)
    assert run()[0] == 1
    assert run()[0] == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["exploitation@lycee.example"]
    assert message.subject == "[NDRC CCF] Alerte : base, travailleur, courriels — https://ccf.lycee.example"
    assert "[ERREUR] Base de données : injoignable" in message.body
    assert OutboxMessage.objects.count() == 0  # straight to SMTP, not through the outbox that may be broken


@pytest.mark.django_db
def test_a_new_failure_alerts_again_and_recovery_is_announced_once(report_is, alert_settings):
    report_is(DB_DOWN)
    run()
    report_is(WORKER_DOWN)
    run()
    report_is(ALL_OK)
    assert run()[0] == 0
    assert run()[0] == 0
    assert [m.subject.split(" —")[0] for m in mail.outbox] == [
        "[NDRC CCF] Alerte : base, travailleur, courriels",
        "[NDRC CCF] Alerte : travailleur",
        "[NDRC CCF] Rétabli",
    ]


@pytest.mark.django_db
def test_a_lasting_failure_is_repeated_after_the_delay(report_is, alert_settings):
    report_is(WORKER_DOWN)
    run()
    state_file = alerts._state_path()
    state = json.loads(state_file.read_text())
    state["sent_at"] = (timezone.now() - timedelta(hours=25)).isoformat()
    state_file.write_text(json.dumps(state))
    run()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_nothing_is_sent_when_all_is_well_from_the_start(report_is, alert_settings):
    report_is(ALL_OK)
    code, output = run()
    assert code == 0
    assert mail.outbox == []
    assert "rien à signaler" in output


@pytest.mark.django_db
def test_an_alert_that_cannot_be_sent_is_retried_at_the_next_run(report_is, alert_settings, monkeypatch):
    report_is(WORKER_DOWN)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP arrêté")

    monkeypatch.setattr(alerts.EmailMessage, "send", refuse)
    code, output = run()
    assert code == 1
    assert "Alerte par courriel : envoi impossible (ConnectionRefusedError : SMTP arrêté)." in output
    monkeypatch.undo()
    report_is(WORKER_DOWN)
    run()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_alert_without_recipients(report_is, alert_settings):
    alert_settings.HEALTH_ALERT_EMAILS = []
    report_is(DB_DOWN)
    code, output = run()
    assert code == 1
    assert mail.outbox == []
    assert "désactivée (HEALTH_ALERT_EMAILS vide)" in output


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_real_checks_fail_on_a_stale_worker(database_queue, heartbeat, settings):
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = 60
    heartbeat(seconds_ago=3600)
    code, output = run()
    assert code == 1
    assert "[ERREUR] Travailleur des tâches : dernier signe de vie il y a 60 min (seuil : 60 s)." in output
    heartbeat(seconds_ago=1, worker_id="hote-2")
    code, output = run()
    assert code == 0
    assert "[ok] Travailleur des tâches : dernier signe de vie il y a 1 s." in output


def test_public_answer_shows_verdicts_only():
    assert DB_DOWN.as_public_dict() == {
        "statut": "erreur",
        "verifications": {
            "base": "erreur",
            "espace_disque": "ok",
            "travailleur": "non vérifié",
            "courriels": "non vérifié",
        },
    }
    assert checks.Report(ALL_OK.checks).ok
