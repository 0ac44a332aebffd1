"""What the harmonisation page lists as anomalies: NV or absence rates far from the académie's, dominance
contradictions a commission left standing, marks outside their commission's range, changes after the marks were
sent, deliberations pending or sheets left unsigned."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.utils import timezone

from accounts.models import Establishment
from certification.evaluation.services.profiles import Marked, dominated_keys, fmt
from certification.evaluation.services.profiles import warnings as profile_warnings
from certification.models import Commission, ResultStatus

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from harmonisation.selectors import Candidate, EstablishmentRow


@dataclass
class Anomaly:
    label: str
    establishment: Establishment
    result_id: int | None = None
    kind: str = ""


RATE_GAP = 0.15  # an establishment's NV or absence rate this far from the académie's is listed
RATE_MINIMUM = 5  # candidates, below which a rate says nothing


class _Deliberated(TypedDict):
    deliberated: bool


def anomalies(
    rows: list[EstablishmentRow],
    commissions: list[WithAnnotations[Commission, _Deliberated]],
    unsigned: dict[int, int],
) -> list[Anomaly]:
    anomalies = [*_rate_anomalies(rows), *_dominance_anomalies(rows), *_late_change_anomalies(rows)]
    for row in rows:
        for c in row.candidates:
            if c.outside_range:
                bounds = f"{fmt(c.low)}–{fmt(c.high)}"
                label = f"{c.code} : {fmt(c.mark)} hors de la plage {bounds} de la commission ({c.profile_key})"
                anomalies.append(Anomaly(label, row.establishment, c.result_id))
    for commission in commissions:
        establishment = commission.cohort.establishment
        if not commission.deliberated:
            anomalies.append(Anomaly(f"{commission.cohort.name} : délibération en attente", establishment))
        elif unsigned[commission.pk]:
            n = unsigned[commission.pk]
            label = f"{commission.cohort.name} : délibération enregistrée, {n} fiche{'s' if n > 1 else ''} non signée"
            anomalies.append(Anomaly(label + ("s" if n > 1 else ""), establishment))
    return anomalies


def _dominance_anomalies(rows: list[EstablishmentRow]) -> list[Anomaly]:
    """The profiles page's own contradictions (``certification.evaluation.services.profiles.warnings``: a profile
    dominating another with a lower mark) still standing in each commission. Ranges are not passed: marks outside
    their range are listed once, above, with their candidate.

    The dominance between the académie's distinct profiles is decided once (a hundred keys, however many
    commissions); only the candidates standing in a contradiction are handed to ``warnings``, which words the pairs.
    """
    anomalies = []
    keys = {c.profile_key for row in rows for c in row.candidates if c.profile_key and c.mark is not None}
    below = {key: set(dominated) for key, dominated in dominated_keys(sorted(keys)).items()}
    for row in rows:
        by_commission: dict[int, list[Candidate]] = {}
        for c in row.candidates:
            if c.status == ResultStatus.MARK and c.mark is not None:
                by_commission.setdefault(c.commission_id, []).append(c)
        for marked_ones in by_commission.values():
            candidates = _contradicting(marked_ones, below)
            if not candidates:
                continue
            by_code = {c.code: c for c in candidates}
            marked = [Marked(c.code, c.profile_key, c.mark, c.status) for c in candidates]
            messages = profile_warnings(marked, {})
            if not messages:
                continue
            # One line per commission, its first contradiction as the example: a commission that marked without
            # looking at dominance can hold hundreds of pairs, which would bury every other anomaly.
            first = by_code.get(messages[0].split(" a un profil", 1)[0])
            n = len(messages)
            label = f"contradiction de dominance non résolue : {messages[0]}"
            if n > 1:
                label = f"{n} contradictions de dominance non résolues, dont : {messages[0]}"
            anomalies.append(Anomaly(label, row.establishment, first.result_id if first else None, "dominance"))
    return anomalies


def _contradicting(candidates: list[Candidate], below: dict[str, set[str]]) -> list[Candidate]:
    """The candidates of one commission that stand in a contradiction (a profile dominating another with a lower
    mark), in their order. ``warnings`` on them alone lists the same pairs, in the same order, as on the whole
    commission: both members of every pair are kept."""
    lowest: dict[str, Decimal] = {}
    highest: dict[str, Decimal] = {}
    for c in candidates:
        key, mark = c.profile_key, c.mark
        if mark is None:
            continue
        if key not in lowest or mark < lowest[key]:
            lowest[key] = mark
        if key not in highest or mark > highest[key]:
            highest[key] = mark
    below_max: dict[str, Decimal] = {}  # a key: the highest mark of a profile it dominates
    above_min: dict[str, Decimal] = {}  # a key: the lowest mark of a profile dominating it
    for key, low in lowest.items():
        for other in below.get(key, ()):
            if other not in highest:
                continue
            if key not in below_max or highest[other] > below_max[key]:
                below_max[key] = highest[other]
            if other not in above_min or low < above_min[other]:
                above_min[other] = low
    return [
        c
        for c in candidates
        if c.mark is not None
        and (
            (c.profile_key in below_max and c.mark < below_max[c.profile_key])
            or (c.profile_key in above_min and c.mark > above_min[c.profile_key])
        )
    ]


def _late_change_anomalies(rows: list[EstablishmentRow]) -> list[Anomaly]:
    anomalies = []
    for row in rows:
        for change in row.changes:
            when = f" le {timezone.localtime(change.at):%d/%m/%Y à %H:%M}" if change.at else ""
            label = f"modifié après l'envoi des notes{when} – {change.label}"
            anomalies.append(Anomaly(label, row.establishment, change.result_id, "late_change"))
    return anomalies


def _rate_anomalies(rows: list[EstablishmentRow]) -> list[Anomaly]:
    total = sum(len(row.candidates) for row in rows)
    anomalies = []
    for status, name in ((ResultStatus.NOT_VALID, "NV"), (ResultStatus.ABSENT, "d'absence")):
        if not total:
            break
        overall = sum(row.count(status) for row in rows) / total
        for row in rows:
            n = len(row.candidates)
            rate = row.count(status) / n if n else 0
            if n >= RATE_MINIMUM and abs(rate - overall) >= RATE_GAP:
                label = f"taux {name} de {rate:.0%} contre {overall:.0%} dans l'académie".replace("%", " %")
                anomalies.append(Anomaly(label, row.establishment))
    return anomalies
