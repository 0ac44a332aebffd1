"""Content hashes of a generated dataset, by natural keys only (usernames, exam codes, numbers — never ids), so two
runs with the same seed compare equal whatever ids the database handed out."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from certification.models import CandidateResult, GridLine
from passeport.models import Fiche, FicheVersion
from referentiel.models import Competency


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def fiche_hashes() -> dict[str, str]:
    """``{"e01-c1-s01 E4 n°1": sha256}`` over the fiche's kind, title, recto, versos and its version history."""
    history: dict[int, list] = {}
    for fiche_id, number, title, recto, versos in FicheVersion.objects.order_by("fiche_id", "number", "pk").values_list(
        "fiche_id", "number", "title", "recto", "versos"
    ):
        history.setdefault(fiche_id, []).append([number, title, recto, versos])
    hashes = {}
    fiches = Fiche.objects.select_related("student__user", "exam", "kind").prefetch_related("versos")
    for fiche in fiches:
        key = f"{fiche.student.user.username} {fiche.exam.code} n°{fiche.number}"
        versos = [v.content for v in sorted(fiche.versos.all(), key=lambda v: v.order)]
        hashes[key] = _digest(
            [fiche.kind.code, fiche.title, fiche.real_lived, fiche.recto, versos, history.get(fiche.pk, [])]
        )
    return hashes


def results_hash() -> str:
    """Every grid line (whose grid, which critère, which level) and every result (profile, status, mark)."""
    lines = sorted(
        GridLine.objects.values_list(
            "grid__student__user__username",
            "grid__member__user__username",
            "criterion__competency__order",
            "criterion__number",
            "level__code",
        ),
        key=lambda row: tuple(str(part) for part in row),
    )
    order = {
        str(pk): f"{block}.{rank}" for pk, block, rank in Competency.objects.values_list("pk", "block__number", "order")
    }
    results: list[list[Any]] = []
    for result in CandidateResult.objects.select_related("student__user", "commission__exam"):
        profile = {order[pk]: code for pk, code in result.profile.items()}
        results.append([result.student.user.username, result.commission.exam.code, profile, result.status, result.mark])
    return _digest([lines, sorted(results, key=lambda row: row[0])])
