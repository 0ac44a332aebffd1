"""How much a fiche sujet changed the candidate's fiche, measured in words (pure functions, no database).

The commission must change some parameters significantly without creating a totally new situation. Counting the
rubrics touched measured nothing: a full stop added to « Lieu » counted as much as another offer in « Objet ». Here
each rubric's text is cut into words (case, accents and punctuation set aside) and the original and new word lists
are compared: the words replaced, added or removed are the change.

Bounded work. ``difflib.SequenceMatcher`` is cubic in the worst case on repetitive input (measured here: two
2,000-word texts made of a few repeated words take over 40 s). So:

- each text is cut to its first ``MAX_WORDS`` words (2,000: far above the 4,000 characters of a rubric);
- the common beginning and end are set aside in linear time (most edits touch one place);
- ``SequenceMatcher(autojunk=False)`` compares what remains only when it holds at most ``MAX_PAIRS`` word pairs
  (10,000, e.g. 100 × 100 words: a few milliseconds in the worst case measured); beyond that, the words are compared
  as multisets (linear), which ignores word order — good enough for a warning that never blocks.

So one rubric costs O(MAX_WORDS) plus a SequenceMatcher run on at most MAX_PAIRS pairs, whatever the input.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

MAX_WORDS = 2000
MAX_PAIRS = 10_000

_WORD = re.compile(r"[^\W_]+")


def words(text: str | None) -> list[str]:
    """The words of ``text``, lower case without accents, punctuation dropped; at most MAX_WORDS."""
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in plain if not unicodedata.combining(char)).casefold()
    found: list[str] = []
    for match in _WORD.finditer(plain):
        found.append(match.group())
        if len(found) >= MAX_WORDS:
            break
    return found


def _matched(before: Sequence[str], after: Sequence[str]) -> int:
    """How many words the two lists share, in order when the work is small enough."""
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end = 0
    while end < limit - start and before[-1 - end] == after[-1 - end]:
        end += 1
    middle_before, middle_after = before[start : len(before) - end], after[start : len(after) - end]
    if not middle_before or not middle_after:
        inner = 0
    elif len(middle_before) * len(middle_after) <= MAX_PAIRS:
        matcher = SequenceMatcher(None, middle_before, middle_after, autojunk=False)
        inner = sum(block.size for block in matcher.get_matching_blocks())
    else:
        inner = sum((Counter(middle_before) & Counter(middle_after)).values())
    return start + end + inner


@dataclass(frozen=True)
class WordChange:
    """One rubric: its size in words (the longer of both texts) and how many words were replaced, added or removed."""

    code: str
    size: int
    changed: int

    @property
    def percent(self) -> float:
        return self.changed * 100 / self.size if self.size else 0.0


def word_change(code: str, before: str | None, after: str | None) -> WordChange:
    old, new = words(before), words(after)
    size = max(len(old), len(new))
    return WordChange(code, size, size - _matched(old, new))


def same_words(before: str | None, after: str | None) -> bool:
    """Equal once case, accents, punctuation and spacing are set aside (linear)."""
    return words(before) == words(after)


@dataclass(frozen=True)
class Measure:
    rubrics: tuple[WordChange, ...]

    @property
    def changed_words(self) -> int:
        return sum(rubric.changed for rubric in self.rubrics)

    @property
    def size(self) -> int:
        return sum(rubric.size for rubric in self.rubrics)

    @property
    def percent(self) -> float:
        return self.changed_words * 100 / self.size if self.size else 0.0

    @property
    def changed_rubrics(self) -> int:
        return sum(1 for rubric in self.rubrics if rubric.changed)

    def replaced(self, codes: Iterable[str], percent: float) -> list[WordChange]:
        """The rubrics among ``codes`` of which more than ``percent`` % of the words changed."""
        wanted = set(codes)
        return [rubric for rubric in self.rubrics if rubric.code in wanted and rubric.percent > percent]


def measure(codes: Iterable[str], originals: dict[str, str], texts: dict[str, str]) -> Measure:
    return Measure(tuple(word_change(code, originals.get(code), texts.get(code)) for code in codes))
