"""Marking by profile, not by sum (domain §8): pure logic, no database.

The commission positions each candidate's **global profile** (one level per compétence) and matches a mark to it,
inside ranges it sets itself in the light of every profile of its group. This module only *proposes* and *checks*:

- ``propose_profile`` suggests a global position per compétence from the agreed grid lines. It is a proposal, shown
  as such and editable: every compétence counts the same whatever its number of lines.
- ``profile_key``, ``dominates`` and ``order_profiles`` put the group's profiles side by side, dominant first.
  The sum of ranks only breaks ties *for display*; it is never a mark.
- A compétence a candidate is not assessed on (E4 situation B assesses « Négocier… » *or* « Organiser… », by the
  fiche the commission chose) is written ``NE`` (« non évaluée ») in the key, never ``?``: ``S-S-NE-I``. The
  positions of ``NE`` are the key's **shape**; profiles of different shapes are never compared (no dominance, no
  range ordering), and their keys always differ, so each shape has its own ranges.
- ``warnings`` lists contradictions (never blocking): a dominant profile with a lower mark, a mark outside its
  profile's range, a dominant profile whose range sits below the range of a profile it dominates, an NV dossier
  marked.

No function here computes a mark: no formula decides it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

# Ranks of the four-level scale (referentiel.Level.rank); callers may pass the ranks read from the database.
DEFAULT_RANKS: Mapping[str, int] = {"TI": 1, "I": 2, "S": 3, "TS": 4}
UNKNOWN = "?"
NOT_ASSESSED = "NE"  # « non évaluée »: the candidate is not assessed on this compétence (not « à compléter »)

Profile = Mapping[str, str]  # {str(competency id): level code}


def _get(profile: Mapping[Any, str], competency_id: int | str) -> str | None:
    """Profiles are stored as JSON (string keys); accept int keys too."""
    value = profile.get(str(competency_id))
    if value is None:
        value = profile.get(competency_id) if isinstance(competency_id, int) else None
    return value or None


def propose_profile(
    agreed_lines_by_competency: Mapping[int | str, Sequence[str | None]], ranks: Mapping[str, int] = DEFAULT_RANKS
) -> dict[str, str]:
    """A proposal of the global position per compétence: the median level of its positioned lines.

    With an even number of lines the lower of the two middle levels is proposed (rounding toward the lower level),
    so the proposal never flatters the candidate: the commission raises it if it judges so. A compétence without
    any positioned line gets no proposal. Keys are ``str(competency id)``, as stored in CandidateResult.profile.
    """
    proposal: dict[str, str] = {}
    for competency_id, codes in agreed_lines_by_competency.items():
        positioned = sorted(
            (code for code in codes if code is not None and code in ranks), key=lambda code: ranks[code]
        )
        if positioned:
            proposal[str(competency_id)] = positioned[(len(positioned) - 1) // 2]
    return proposal


def profile_key(
    profile: Profile | Mapping[int, str],  # int keys accepted too (``_get``)
    competencies: Sequence[int | str],
    *,
    not_assessed: Iterable[int | str] = (),
    pending: Iterable[int | str] = (),
) -> str:
    """``"S-TS-I-S"``: the levels in the compétences' order, ``?`` where the commission has not positioned one.

    ``not_assessed``: compétences the candidate is not assessed on, written ``NE`` whatever the profile holds.
    ``pending``: compétences whose assessment is not known yet (the fiche of a situation with a choice is not
    fixed), written ``?``.
    """
    skipped = {str(competency_id) for competency_id in not_assessed}
    unknown = {str(competency_id) for competency_id in pending}
    return "-".join(
        NOT_ASSESSED
        if str(competency_id) in skipped
        else UNKNOWN
        if str(competency_id) in unknown
        else _get(profile, competency_id) or UNKNOWN
        for competency_id in competencies
    )


def key_shape(key: str) -> tuple[bool, ...]:
    """Which compétences of the key are assessed (``False`` where ``NE``): profiles compare only within a shape."""
    return tuple(code != NOT_ASSESSED for code in key.split("-")) if key else ()


def key_is_complete(key: str) -> bool:
    return bool(key) and UNKNOWN not in key.split("-")


def _read(key: str, ranks: Mapping[str, int]) -> tuple[tuple[bool, ...], list[int]] | None:
    """``(shape, ranks of the assessed compétences)``; ``None`` when a compétence is not positioned (or no
    compétence is assessed)."""
    codes = key.split("-") if key else []
    assessed = [code for code in codes if code != NOT_ASSESSED]
    if not assessed or any(code not in ranks for code in assessed):
        return None
    return tuple(code != NOT_ASSESSED for code in codes), [ranks[code] for code in assessed]


def _ranks_of(key: str, ranks: Mapping[str, int]) -> list[int] | None:
    read = _read(key, ranks)
    return read[1] if read is not None else None


def key_dominates(a: str, b: str, ranks: Mapping[str, int] = DEFAULT_RANKS) -> bool:
    """Profile keys of the same shape: ``a`` ≥ ``b`` on every assessed compétence and > somewhere.

    Incomplete keys, or keys of different shapes (not assessed on the same compétences): never."""
    # The profiles page compares every pair of the group's profiles, several times: remember the answers.
    return _key_dominates(a, b, tuple(ranks.items()))


@lru_cache(maxsize=8192)
def _key_dominates(a: str, b: str, rank_items: tuple[tuple[str, int], ...]) -> bool:
    ranks = dict(rank_items)
    read_a, read_b = _read(a, ranks), _read(b, ranks)
    if read_a is None or read_b is None or read_a[0] != read_b[0]:
        return False
    ranks_a, ranks_b = read_a[1], read_b[1]
    return all(x >= y for x, y in zip(ranks_a, ranks_b, strict=True)) and ranks_a != ranks_b


def _key_coder(ranks: Mapping[str, int]) -> Callable[[str], tuple[tuple[bool, ...], int] | None]:
    """Each profile key read once into ``(shape, number)``, ``None`` when incomplete.

    The shape (which compétences are assessed, see ``key_shape``) must be equal for two keys to be compared.

    Each level is written in unary (rank ``r`` → ``r`` one-bits) in a fixed-width slot per compétence: ``a`` is at
    least ``b`` on every compétence exactly when ``b``'s bits are all among ``a``'s, so that comparing two profiles
    takes a few integer operations (the profiles page compares every pair of its group's profiles).
    """
    lowest = min(ranks.values(), default=0)
    width = max(ranks.values(), default=0) - lowest + 1
    unary = {code: (1 << (rank - lowest)) - 1 for code, rank in ranks.items()}
    codes: dict[str, tuple[tuple[bool, ...], int] | None] = {}

    def code_of(key: str) -> tuple[tuple[bool, ...], int] | None:
        try:
            return codes[key]
        except KeyError:
            levels = key.split("-") if key else []
            assessed = [level for level in levels if level != NOT_ASSESSED]
            found = None
            if assessed and all(level in unary for level in assessed):
                number = 0
                for level in assessed:
                    number = (number << width) | unary[level]
                found = (tuple(level != NOT_ASSESSED for level in levels), number)
            codes[key] = found
            return found

    return code_of


def dominance(ranks: Mapping[str, int] = DEFAULT_RANKS) -> Callable[[str, str], bool]:
    """``key_dominates`` with these ranks, for comparing many pairs of keys: each key is read once."""
    code_of = _key_coder(ranks)

    def key_dominates_fast(a: str, b: str) -> bool:
        code_a, code_b = code_of(a), code_of(b)
        if code_a is None or code_b is None or code_a[0] != code_b[0] or code_a[1] == code_b[1]:
            return False
        return code_b[1] & ~code_a[1] == 0

    return key_dominates_fast


def dominated_keys(keys: Sequence[str], ranks: Mapping[str, int] = DEFAULT_RANKS) -> dict[str, list[str]]:
    """``{key: the keys of ``keys`` it dominates, in their order}`` (``key_dominates`` for every pair)."""
    code_of = _key_coder(ranks)
    coded = [(key, *code) for key in keys if (code := code_of(key)) is not None]
    found: dict[str, list[str]] = {key: [] for key in keys}
    for key_a, shape_a, number_a in coded:
        below = found[key_a]
        for key_b, shape_b, number_b in coded:
            if shape_a == shape_b and number_a != number_b and number_b & ~number_a == 0:
                below.append(key_b)
    return found


def dominates(
    a: Profile, b: Profile, competencies: Sequence[int | str] | None = None, ranks: Mapping[str, int] = DEFAULT_RANKS
) -> bool:
    """``a`` is at least as high as ``b`` on every compétence and higher on at least one (by Level.rank).

    Profiles with a compétence not positioned are not comparable: neither dominates.
    """
    if competencies is None:
        competencies = sorted({str(key) for key in a} | {str(key) for key in b})
    return key_dominates(profile_key(a, competencies), profile_key(b, competencies), ranks)


def _rank_sum(key: str, ranks: Mapping[str, int]) -> int:
    return sum(_ranks_of(key, ranks) or [0])


def order_keys(keys: Iterable[str], ranks: Mapping[str, int] = DEFAULT_RANKS) -> list[str]:
    """Dominance layers: the profiles no other one dominates first, then the next layer, and so on.

    Inside a layer, profiles are not comparable; they are shown by decreasing sum of ranks then by key, only to
    give a stable display order. Incomplete profiles come last. Keys of different shapes never dominate each other:
    callers that show shapes apart pass the keys of one shape at a time.
    """
    pending = list(dict.fromkeys(keys))
    incomplete = sorted(key for key in pending if _ranks_of(key, ranks) is None)
    pending = [key for key in pending if _ranks_of(key, ranks) is not None]
    dominators: dict[str, set[str]] = {key: set() for key in pending}
    for key, below in dominated_keys(pending, ranks).items():
        for other in below:
            dominators[other].add(key)
    ordered: list[str] = []
    while pending:
        left = set(pending)
        layer = [key for key in pending if not dominators[key] & left]
        layer.sort(key=lambda key: (-_rank_sum(key, ranks), key))
        ordered.extend(layer)
        pending = [key for key in pending if key not in layer]
    return ordered + incomplete


def order_profiles(
    profiles: Iterable[Profile], competencies: Sequence[int | str], ranks: Mapping[str, int] = DEFAULT_RANKS
) -> list[Profile]:
    """The distinct profiles in dominance order (see ``order_keys``)."""
    by_key: dict[str, Profile] = {}
    for profile in profiles:
        by_key.setdefault(profile_key(profile, competencies), profile)
    return [by_key[key] for key in order_keys(by_key, ranks)]


@dataclass(frozen=True)
class Marked:
    """One candidate as the warnings see them: a name, a profile key, a status and a mark (or none)."""

    name: str
    key: str
    mark: Decimal | None = None
    status: str = "pending"
    dossier_nv: bool = False


@dataclass(frozen=True)
class Range:
    low: Decimal
    high: Decimal


@dataclass
class _Collector:
    messages: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def add(self, message: str) -> None:
        if message not in self.seen:
            self.seen.add(message)
            self.messages.append(message)


def fmt(mark: Decimal | None) -> str:
    """« 12 », « 12,5 »: the French way, without a trailing zero."""
    if mark is None:
        return "—"
    text = f"{Decimal(mark).normalize():f}"
    return text.replace(".", ",")


def _dominating_with_lower_mark(
    marked: Sequence[Marked], key_dominates: Callable[[str, str], bool]
) -> Iterator[tuple[Marked, Marked]]:
    """Every (a, b) whose profile a dominates b's with a lower mark, in the candidates' order (a, then b).

    Dominance is decided once per pair of distinct profiles (a class has a few, however many candidates), then only
    the candidates of a dominated profile with a higher mark are read: found by bisection in their marks.
    """
    by_key: dict[str, list[tuple[Any, int]]] = defaultdict(list)  # (mark, never None here; index)
    for index, result in enumerate(marked):
        by_key[result.key].append((result.mark, index))
    for entries in by_key.values():
        entries.sort()
    below = {key_a: [key_b for key_b in by_key if key_dominates(key_a, key_b)] for key_a in by_key}
    for a in marked:
        higher: list[int] = []
        for key_b in below[a.key]:
            entries = by_key[key_b]
            higher.extend(index for _mark, index in entries[bisect_right(entries, a.mark, key=itemgetter(0)) :])
        for index in sorted(higher):
            yield a, marked[index]


def warnings(
    results: Sequence[Marked], ranges: Mapping[str, Range], ranks: Mapping[str, int] = DEFAULT_RANKS
) -> list[str]:
    """French messages for the contradictions of the group. They inform the commission and never block a save."""
    found = _Collector()
    key_dominates_fast = dominance(ranks)
    marked = [result for result in results if result.mark is not None and result.status == "mark"]
    for a, b in _dominating_with_lower_mark(marked, key_dominates_fast):
        found.add(
            f"{a.name} a un profil qui domine celui de {b.name} mais une note inférieure "
            f"({a.key} : {fmt(a.mark)} ; {b.key} : {fmt(b.mark)})."
        )
    for result in marked:
        bounds = ranges.get(result.key)
        # ``marked`` holds marked results only: the mark test narrows its type.
        if bounds is not None and result.mark is not None and not bounds.low <= result.mark <= bounds.high:
            found.add(
                f"{result.name} : la note {fmt(result.mark)} est hors de la plage {fmt(bounds.low)}–{fmt(bounds.high)} "
                f"fixée pour le profil {result.key}."
            )
    for key_a, range_a in ranges.items():
        for key_b, range_b in ranges.items():
            if range_a.high < range_b.low and key_dominates_fast(key_a, key_b):
                found.add(
                    f"La plage du profil {key_a} ({fmt(range_a.low)}–{fmt(range_a.high)}) est en dessous de celle du "
                    f"profil {key_b} ({fmt(range_b.low)}–{fmt(range_b.high)}), qu'il domine."
                )
    for result in results:
        if result.dossier_nv and result.status != "nv":
            found.add(f"{result.name} : le dossier a été déclaré non valide (NV), mais le statut n'est pas « NV ».")
    return found.messages
