"""Bounded comparison of two token sequences: the version diff and the authorship check both use it.

Why not ``difflib.SequenceMatcher``: with ``autojunk=False`` (needed, see passeport.authorship) its
``find_longest_match`` scans, for every token of one side, every occurrence of that token on the other side, and it
is called again for every gap between the blocks it finds: quadratic on ordinary text, cubic on repetitive text
(a 1,000-word rubric took 22 s, 5,000 words never returned). A request must never hold a worker that long.

What is done instead, in linear or bounded time, always giving a valid alignment (the opcodes rebuild both sides):

1. the common prefix and suffix are cut off (linear): an edited rubric is mostly unchanged text around a few edits;
2. « patience » anchoring (as ``git diff --patience``): the tokens that occur exactly once on each side of the
   remaining range are matched in order (longest increasing subsequence, n log n) and the gaps between them are
   treated the same way, one range at a time (an explicit stack, no recursion); where no token is unique, runs of
   four tokens that are;
3. a gap without such anchors is aligned exactly (longest common subsequence, dynamic programming) when it is small
   (at most ``MAX_CELLS`` cells), otherwise reported as replaced as a whole;
4. once the ``Deadline`` has passed, every range left is reported as replaced as a whole (step 1 still applies).

On ordinary fiches (one student's text edited here and there) the result is the same as difflib's: words removed
and added at the place of the edit. On hostile input the result is coarser but still correct, and the time stays
bounded: each range costs time linear in its length, the small exact alignments at most ``MAX_CELLS`` steps.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Sequence

# Largest gap aligned exactly (len(a) × len(b)): about 20 ms of pure Python on the machine of BENCHMARKS.md.
MAX_CELLS = 40_000
# Anchors: single tokens found once on each side; where there are none (a small vocabulary, repetitive text), runs
# of four tokens found once on each side.
ANCHOR_SIZES = (1, 4)
# Time budget of one request for all its comparisons (see passeport.textdiff.Deadline). Beyond it the comparison
# goes on coarser, never fails.
REQUEST_BUDGET_SECONDS = 2.0

Opcode = tuple[str, int, int, int, int]  # difflib's (tag, i1, i2, j1, j2), tag in equal / replace / delete / insert


class Deadline:
    """A point in time after which comparisons take their coarse, linear path. ``hit`` tells whether one did.

    The guard has to be here, inside the work: gunicorn's ``--timeout`` does not protect a request. Its sync and
    gthread workers are only killed by the master (SIGABRT, then SIGKILL) after the timeout has fully elapsed
    (30 s by default), the gthread heartbeat is sent by another thread so a busy request thread may never trip it, the
    student gets a 502 and loses the request, and the next request starts it again. A Python signal or a middleware
    cannot stop it either: signal handlers run between bytecodes, not inside a long C call (difflib's inner loops are
    dict and list operations), and a middleware only runs before and after the view.
    """

    def __init__(self, seconds: float | None = REQUEST_BUDGET_SECONDS) -> None:
        self.at = None if seconds is None else time.monotonic() + seconds
        self.hit = False

    def expired(self) -> bool:
        if self.at is not None and time.monotonic() >= self.at:
            self.hit = True
        return self.hit


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable], deadline: Deadline | None = None) -> list[Opcode]:
    """difflib-style opcodes turning ``a`` into ``b`` (consecutive blocks of one tag merged)."""
    deadline = deadline or Deadline(None)
    out: list[Opcode] = []
    # Work items (kind, alo, ahi, blo, bhi): "range" to align, "equal" or "change" already aligned.
    stack: list[tuple[str, int, int, int, int]] = [("range", 0, len(a), 0, len(b))]
    while stack:
        kind, alo, ahi, blo, bhi = stack.pop()
        if kind == "equal":
            _emit(out, "equal", alo, ahi, blo, bhi)
            continue
        if kind == "change":  # a gap of an exact alignment: nothing in common
            _emit_change(out, alo, ahi, blo, bhi)
            continue
        # 1. Common prefix and suffix.
        start_a, start_b = alo, blo
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            alo, blo = alo + 1, blo + 1
        if alo > start_a:
            _emit(out, "equal", start_a, alo, start_b, blo)
        end_a, end_b = ahi, bhi
        while ahi > alo and bhi > blo and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
        tail = ("equal", ahi, end_a, bhi, end_b) if ahi < end_a else None
        middle = _middle(a, b, alo, ahi, blo, bhi, deadline)
        # The stack is last in, first out: push the tail first, then the middle's items in reverse order.
        if tail:
            stack.append(tail)
        if middle is None:
            _emit_change(out, alo, ahi, blo, bhi)
        else:
            stack.extend(reversed(middle))
    return out


def _middle(a, b, alo, ahi, blo, bhi, deadline: Deadline) -> list[tuple[str, int, int, int, int]] | None:
    """How to align the range once its prefix and suffix are cut: work items, or ``None`` (emitted as a change)."""
    if alo == ahi or blo == bhi or deadline.expired():
        return None
    for size in ANCHOR_SIZES:
        anchors = _unique_anchors(a, b, alo, ahi, blo, bhi, size)
        if anchors:
            break
    if anchors:
        items: list[tuple[str, int, int, int, int]] = []
        i, j = alo, blo
        for x, y in anchors:
            if x > i or y > j:
                items.append(("range", i, x, j, y))
            items.append(("equal", x, x + size, y, y + size))
            i, j = x + size, y + size
        if i < ahi or j < bhi:
            items.append(("range", i, ahi, j, bhi))
        return items
    if (ahi - alo) * (bhi - blo) <= MAX_CELLS:
        return _lcs_items(a, b, alo, ahi, blo, bhi)
    return None


def _unique_anchors(a, b, alo, ahi, blo, bhi, size: int = 1) -> list[tuple[int, int]]:
    """Starts ``(i, j)`` of runs of ``size`` tokens found exactly once on each side, the longest chain in order."""
    if size == 1:
        keys_a, keys_b = a[alo:ahi], b[blo:bhi]
    else:
        keys_a = [tuple(a[i : i + size]) for i in range(alo, ahi - size + 1)]
        keys_b = [tuple(b[j : j + size]) for j in range(blo, bhi - size + 1)]
    count_a, count_b = Counter(keys_a), Counter(keys_b)
    where_b = {key: blo + j for j, key in enumerate(keys_b) if count_b[key] == 1}
    pairs = [(alo + i, where_b[key]) for i, key in enumerate(keys_a) if count_a[key] == 1 and key in where_b]
    if not pairs:
        return []
    # Longest increasing subsequence of the b positions (patience sorting), pairs being in a's order.
    tails: list[int] = []  # tails[k]: b position ending the best chain of length k + 1
    tail_index: list[int] = []
    previous: list[int] = []
    for index, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k] = j
            tail_index[k] = index
        previous.append(tail_index[k - 1] if k else -1)
    chain = []
    index = tail_index[-1]
    while index >= 0:
        chain.append(pairs[index])
        index = previous[index]
    kept: list[tuple[int, int]] = []
    for i, j in reversed(chain):  # runs of several tokens may overlap: keep those that start after the last one
        if not kept or (i >= kept[-1][0] + size and j >= kept[-1][1] + size):
            kept.append((i, j))
    return kept


def _lcs_items(a, b, alo, ahi, blo, bhi) -> list[tuple[str, int, int, int, int]]:
    """Exact longest common subsequence of a small range, as ``equal`` and ``change`` work items."""
    n, m = ahi - alo, bhi - blo
    # lengths[i][j]: LCS of a[alo + i:ahi] and b[blo + j:bhi] (suffixes, so the walk below goes forwards).
    lengths = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = lengths[i], lengths[i + 1]
        token = a[alo + i]
        for j in range(m - 1, -1, -1):
            row[j] = below[j + 1] + 1 if token == b[blo + j] else max(below[j], row[j + 1])
    items: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    gap_i, gap_j = 0, 0
    while i < n and j < m:
        if a[alo + i] == b[blo + j]:
            if i > gap_i or j > gap_j:
                items.append(("change", alo + gap_i, alo + i, blo + gap_j, blo + j))
            items.append(("equal", alo + i, alo + i + 1, blo + j, blo + j + 1))
            i, j = i + 1, j + 1
            gap_i, gap_j = i, j
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    if gap_i < n or gap_j < m:
        items.append(("change", alo + gap_i, ahi, blo + gap_j, bhi))
    return items


def _emit_change(out: list[Opcode], alo: int, ahi: int, blo: int, bhi: int) -> None:
    if alo < ahi and blo < bhi:
        _emit(out, "replace", alo, ahi, blo, bhi)
    elif alo < ahi:
        _emit(out, "delete", alo, ahi, blo, bhi)
    elif blo < bhi:
        _emit(out, "insert", alo, ahi, blo, bhi)


def _emit(out: list[Opcode], tag: str, alo: int, ahi: int, blo: int, bhi: int) -> None:
    if alo == ahi and blo == bhi:
        return
    if out:
        last_tag, i1, i2, j1, j2 = out[-1]
        # Two changes in a row are one replace; two equals in a row are one equal.
        if (last_tag == tag == "equal") or (last_tag != "equal" and tag != "equal"):
            merged_tag = "equal" if tag == "equal" else _change_tag(i1, ahi, j1, bhi)
            out[-1] = (merged_tag, i1, ahi, j1, bhi)
            return
    out.append((tag, alo, ahi, blo, bhi))


def _change_tag(i1: int, i2: int, j1: int, j2: int) -> str:
    if i2 > i1 and j2 > j1:
        return "replace"
    return "delete" if i2 > i1 else "insert"


def matched_count(ops: list[Opcode]) -> int:
    return sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal")


def ratio(a: Sequence[Hashable], b: Sequence[Hashable], deadline: Deadline | None = None) -> float:
    """2·M/T as difflib's ``ratio``, M the tokens matched in order (1.0 for two empty sequences)."""
    total = len(a) + len(b)
    return 2.0 * matched_count(opcodes(a, b, deadline)) / total if total else 1.0


def bag_ratio(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """An upper bound of ``ratio`` in linear time (difflib's ``quick_ratio``): tokens in common, order ignored."""
    total = len(a) + len(b)
    if not total:
        return 1.0
    common = sum((Counter(a) & Counter(b)).values())
    return 2.0 * common / total
