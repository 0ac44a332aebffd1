"""The health alert by email, for `check_health` run by cron or a systemd timer every few minutes.

It goes straight to SMTP (OUTBOX_DELIVERY_BACKEND), not through the outbox: the outbox, its worker or the database
may be what is broken. So that a check every minute does not write every minute, the last alert is remembered in a
small JSON file (HEALTH_ALERT_STATE_FILE) — a file, not a row, because the database may be down: an alert goes out
when the set of failing checks changes (a « rétabli » message when it becomes empty) and again after
HEALTH_ALERT_REPEAT_HOURS if the same failure lasts. A message that could not be sent is not remembered, so the
next run tries again.
"""

import json
import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone

from health.checks import Report


def alert_if_needed(report: Report, *, extra_lines: list[str]) -> str:
    """Send the alert or the recovery notice when due; returns a French line saying what was done."""
    recipients = settings.HEALTH_ALERT_EMAILS
    if not recipients:
        return "Alerte par courriel : désactivée (HEALTH_ALERT_EMAILS vide)."
    now = timezone.now()
    state = _read_state()
    failing = list(report.failing)
    previous = state.get("failing", [])
    if failing:
        if failing == previous and not _repeat_due(state, now):
            return "Alerte par courriel : déjà envoyée pour ces erreurs."
        kind = "alert"
    elif previous:
        kind = "recovery"
    else:
        return "Alerte par courriel : rien à signaler."
    context = {"report": report, "extra_lines": extra_lines, "site": settings.SITE_URL or "NDRC CCF"}
    _send(kind, context, recipients)
    _write_state({"failing": failing, "sent_at": now.isoformat()})
    what = "Alerte" if kind == "alert" else "Avis de rétablissement"
    return f"{what} envoyé(e) à {', '.join(recipients)}."


def _repeat_due(state: dict, now: datetime) -> bool:
    try:
        sent_at = datetime.fromisoformat(state["sent_at"])
    except (KeyError, TypeError, ValueError):
        return True
    return now - sent_at >= timedelta(hours=settings.HEALTH_ALERT_REPEAT_HOURS)


def _send(kind: str, context: dict, recipients: list[str]) -> None:
    subject = " ".join(render_to_string(f"health/email/{kind}-subject.txt", context).split())
    body = render_to_string(f"health/email/{kind}-body.txt", context)
    connection = get_connection(settings.OUTBOX_DELIVERY_BACKEND, fail_silently=False)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, connection=connection).send()


def _state_path() -> Path:
    return Path(settings.HEALTH_ALERT_STATE_FILE)


def _read_state() -> dict:
    try:
        state = json.loads(_state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(state: dict) -> None:
    """Written to a temporary file then renamed: a crash leaves the old state or the new one, never half of one."""
    path = _state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".health-alert-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
