"""Reads of the référentiel, shaped for pages, with a fixed number of queries."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from referentiel.models import Block, ExamRule, ExamSession, ReferentielVersion


def current_version(*, today: datetime.date | None = None) -> ReferentielVersion | None:
    """The version of the next session still to come, else of the latest session, else the last version loaded."""
    year = (today or timezone.localdate()).year
    sessions = ExamSession.objects.select_related("version")
    session = sessions.filter(year__gte=year).order_by("year").first() or sessions.order_by("-year").first()
    if session is not None:
        return session.version
    return ReferentielVersion.objects.order_by("-pk").first()


def referentiel_tree(version: ReferentielVersion) -> dict[str, Any]:
    """Blocs → exams, kinds, compétences → critères → indicateurs; the scale; the sessions and their rules."""
    blocks = (
        Block.objects.filter(version=version)
        .select_related("exam")
        .prefetch_related("exam__fiche_kinds", "competencies__criteria__indicators")
    )
    rules = ExamRule.objects.select_related("exam").prefetch_related("exam__fiche_kinds", "situations")
    sessions = (
        ExamSession.objects.filter(version=version)
        .order_by("year")
        .prefetch_related(Prefetch("rules", queryset=rules.order_by("exam__code")))
    )
    return {
        "version": version,
        "versions": list(ReferentielVersion.objects.order_by("code")),
        "levels": list(version.levels.order_by("rank")),
        "blocks": list(blocks),
        "sessions": list(sessions),
    }
