"""Personal authorship: near-identical rubrics between fiches that should each be written in a student's own words.

A fiche is personal even when the activity was collective (« avec ses propres mots »), and a second fiche or verso
of one student must be a new conceptualisation, not a copy of the descriptive parts. Nothing here decides anything:
it points the teacher at rubrics worth a look, side by side. Computed on demand, nothing is stored.

Measure. Texts are normalised (lowercase, accents and punctuation removed, spaces collapsed) and cut into words;
``passeport.textdiff`` aligns them (in bounded time, whatever their length: difflib's SequenceMatcher was cubic on
long repetitive rubrics) and gives the ratio 2·M/T of words matched *in order* between the two texts. A copy keeps
the order of the original, so small edits cost little (a changed name: one word out of fifty, a comma: nothing),
while two students who report the same facts in their own words share scattered words but few ordered runs and stay
well below the threshold. The same matching blocks then mark the shared passages in the side-by-side view, so what
is flagged and what is shown come from one computation.

Which fiches are compared (simple on purpose, so a teacher can predict it):
1. Participants. For every activity A of student X that lists student Y as participant, X's fiches on A are compared
   with Y's fiches of the same exam whose activity overlaps A's dates or lists X. Run for every activity, this also
   covers « Y's activity lists X ». Rectos rubric by rubric, and every verso of one with every verso of the other.
2. Same student. Every pair of fiches of one exam: recto rubrics. Every pair of versos of one fiche: verso rubrics.

The first recto section (« Cadre de l'activité », « Cadre de l'activité réseau ») describes the organisation: the
same company description legitimately comes back in every fiche written about it, by one student or by several.
Its rubrics are compared and shown, but a pair is flagged only when a rubric of another section is near-identical.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from accounts.models import Cohort
from lib.collation import by_name
from passeport.models import Activity, Fiche, FicheVerso
from passeport.rubrics import FicheDefinition, Rubric, fiche_definition
from passeport.textdiff import Deadline, bag_ratio, opcodes, ratio

# Ratio of words matched in order at or above which two rubrics are « near-identical ». 0.8 tolerates about one word
# in five changed (names, figures, a reworded phrase) and stays far above independent writing of the same facts
# (typically 0.2–0.4 on the fiches we tried).
SIMILARITY_THRESHOLD = 0.8
# Normalised rubrics shorter than this mean nothing on their own (« Lyon », a date, a company name): never compared.
MIN_CHARS = 40
# Shorter common runs (« de la », « avec le client ») are not marked as shared passages in the side-by-side view.
MIN_SHARED_WORDS = 4

PARTICIPANTS = "participants"
SAME_STUDENT = "meme-etudiant"
SAME_FICHE = "meme-fiche"
CHECK_LABELS = {
    PARTICIPANTS: "Participants à une même activité",
    SAME_STUDENT: "Deux fiches du même étudiant",
    SAME_FICHE: "Deux versos de la même fiche",
}

_WORD = re.compile(r"\w+")


def fold(word: str) -> str:
    """Lowercase without accents: « Énergie » and « energie » are the same word."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return [fold(m.group()) for m in _WORD.finditer(text or "")]


def normalise(text: str) -> str:
    """Lowercase, no accents, no punctuation, single spaces."""
    return " ".join(words(text))


def comparable(text: str) -> bool:
    return len(normalise(text)) >= MIN_CHARS


def similarity(left: str, right: str, *, exact: bool = True, deadline: Deadline | None = None) -> float | None:
    """Ratio in [0, 1] of words matched in order; ``None`` when one side is too short to mean anything.

    With ``exact=False`` a ratio below the threshold may be replaced by a cheaper upper bound (still below it): enough
    to decide « not flagged » when scanning a whole cohort. Past the ``deadline`` the alignment is coarser (see
    passeport.textdiff): the ratio may then be lower than the real one.
    """
    if not (comparable(left) and comparable(right)):
        return None
    a, b = words(left), words(right)
    if not exact:
        # Lengths alone, then the words in common whatever their order: both bound the ratio from above.
        upper = 2.0 * min(len(a), len(b)) / (len(a) + len(b))
        if upper < SIMILARITY_THRESHOLD:
            return upper
        upper = bag_ratio(a, b)
        if upper < SIMILARITY_THRESHOLD:
            return upper
    return ratio(a, b, deadline)


@dataclass(frozen=True)
class Segment:
    text: str
    shared: bool


def marked_segments(text: str, other: str, deadline: Deadline | None = None) -> tuple[list[Segment], list[Segment]]:
    """Both texts cut into segments, ``shared`` for passages of at least MIN_SHARED_WORDS words found in both."""
    left = list(_WORD.finditer(text or ""))
    right = list(_WORD.finditer(other or ""))
    ops = opcodes([fold(m.group()) for m in left], [fold(m.group()) for m in right], deadline)
    blocks = [(i1, j1, i2 - i1) for tag, i1, i2, j1, _ in ops if tag == "equal" and i2 - i1 >= MIN_SHARED_WORDS]
    left_spans = [(left[a].start(), left[a + size - 1].end()) for a, _, size in blocks]
    right_spans = [(right[b].start(), right[b + size - 1].end()) for _, b, size in blocks]
    return _segments(text or "", left_spans), _segments(other or "", right_spans)


def _segments(text: str, spans: list[tuple[int, int]]) -> list[Segment]:
    out: list[Segment] = []
    position = 0
    for start, end in spans:
        if start > position:
            out.append(Segment(text[position:start], False))
        out.append(Segment(text[start:end], True))
        position = end
    if position < len(text):
        out.append(Segment(text[position:], False))
    return out


@dataclass(frozen=True)
class RubricComparison:
    rubric: Rubric
    left: str
    right: str
    similarity: float | None

    @property
    def near_identical(self) -> bool:
        return self.similarity is not None and self.similarity >= SIMILARITY_THRESHOLD

    @property
    def percent(self) -> int | None:
        return None if self.similarity is None else round(self.similarity * 100)


def compare_rubrics(
    rubrics: Iterable[Rubric], left: dict, right: dict, *, exact: bool = True, deadline: Deadline | None = None
) -> list[RubricComparison]:
    out = []
    for rubric in rubrics:
        a, b = str(left.get(rubric.code) or ""), str(right.get(rubric.code) or "")
        out.append(RubricComparison(rubric, a, b, similarity(a, b, exact=exact, deadline=deadline)))
    return out


def context_section(form: FicheDefinition) -> str:
    """The first recto section describes the organisation (see the module docstring)."""
    sections = form.sections("recto")
    return sections[0][0] if sections else ""


def flags_pair(comparisons: list[RubricComparison], form: FicheDefinition) -> bool:
    context = context_section(form)
    return any(c.near_identical and c.rubric.section != context for c in comparisons)


@dataclass
class FlaggedPair:
    check: str
    left: Fiche
    right: Fiche
    matches: list[RubricComparison] = field(default_factory=list)
    left_verso: int | None = None  # verso order, for a verso-to-verso comparison
    right_verso: int | None = None

    @property
    def check_label(self) -> str:
        return CHECK_LABELS[self.check]


def _form(fiche: Fiche) -> FicheDefinition:
    return fiche_definition(fiche.forms_session, fiche.exam.code)


def _versos(fiche: Fiche) -> list[FicheVerso]:
    return sorted(fiche.versos.all(), key=lambda v: v.order)  # prefetched: no query


def compare_fiches(left: Fiche, right: Fiche, check: str, deadline: Deadline | None = None) -> list[FlaggedPair]:
    """Pairs flagged between two different fiches: the rectos, and (participants) every verso with every verso."""
    form = _form(left)
    found: list[FlaggedPair] = []
    recto = compare_rubrics(form.part("recto"), left.recto or {}, right.recto or {}, exact=False, deadline=deadline)
    if flags_pair(recto, form):
        found.append(FlaggedPair(check, left, right, [c for c in recto if c.near_identical]))
    if check == PARTICIPANTS:
        for lv in _versos(left):
            for rv in _versos(right):
                verso = compare_rubrics(
                    form.part("verso"), lv.content or {}, rv.content or {}, exact=False, deadline=deadline
                )
                if flags_pair(verso, form):
                    matches = [c for c in verso if c.near_identical]
                    found.append(FlaggedPair(check, left, right, matches, lv.order, rv.order))
    return found


def compare_versos(fiche: Fiche, deadline: Deadline | None = None) -> list[FlaggedPair]:
    """Every pair of versos of one fiche."""
    form = _form(fiche)
    found = []
    for first, second in combinations(_versos(fiche), 2):
        verso = compare_rubrics(
            form.part("verso"), first.content or {}, second.content or {}, exact=False, deadline=deadline
        )
        if flags_pair(verso, form):
            matches = [c for c in verso if c.near_identical]
            found.append(FlaggedPair(SAME_FICHE, fiche, fiche, matches, first.order, second.order))
    return found


def _overlap(a: Activity, b: Activity) -> bool:
    return a.start_date <= (b.end_date or b.start_date) and b.start_date <= (a.end_date or a.start_date)


def participant_pairs(fiches: list[Fiche]) -> list[tuple[Fiche, Fiche]]:
    """Pairs of fiches of two students linked by participation (rule 1 of the module docstring)."""
    by_student: dict[int, list[Fiche]] = defaultdict(list)
    for fiche in fiches:
        by_student[fiche.student_id].append(fiche)
    seen: set[frozenset[int]] = set()
    pairs = []
    for fiche in fiches:
        activity = fiche.activity
        for participant in activity.participants.all():  # prefetched
            for other in by_student.get(participant.pk, []):
                if other.student_id == fiche.student_id or other.exam_id != fiche.exam_id:
                    continue
                other_activity = other.activity
                linked = _overlap(activity, other_activity) or any(
                    p.pk == fiche.student_id for p in other_activity.participants.all()
                )
                key = frozenset((fiche.pk, other.pk))
                if linked and key not in seen:
                    seen.add(key)
                    pairs.append((fiche, other))
    return pairs


def cohort_fiches(cohort: Cohort) -> list[Fiche]:
    """Every fiche of the cohort with what the comparison needs, in a fixed number of queries."""
    return list(
        Fiche.objects.filter(student__cohort=cohort)
        .select_related("student__user", "exam", "kind", "activity")
        .prefetch_related("versos", "activity__participants")
        .order_by(*by_name("student__user__"), "exam__code", "number")
    )


def cohort_flagged_pairs(cohort: Cohort, deadline: Deadline | None = None) -> list[FlaggedPair]:
    """Every flagged pair of the cohort: participants first, then one student's own fiches."""
    fiches = cohort_fiches(cohort)
    found: list[FlaggedPair] = []
    for left, right in participant_pairs(fiches):
        found += compare_fiches(left, right, PARTICIPANTS, deadline)
    by_student_exam: dict[tuple[int, int], list[Fiche]] = defaultdict(list)
    for fiche in fiches:
        by_student_exam[(fiche.student_id, fiche.exam_id)].append(fiche)
    for group in by_student_exam.values():
        for left, right in combinations(group, 2):
            found += compare_fiches(left, right, SAME_STUDENT, deadline)
    for fiche in fiches:
        found += compare_versos(fiche, deadline)
    return found


@dataclass(frozen=True)
class ComparedRubric:
    comparison: RubricComparison
    left_segments: list[Segment]
    right_segments: list[Segment]
    flagging: bool  # near-identical outside the organisation's context section


@dataclass(frozen=True)
class ComparedPart:
    title: str
    sections: list[tuple[str, list[ComparedRubric]]]

    @property
    def flagged_count(self) -> int:
        return sum(row.flagging for _, rows in self.sections for row in rows)


def _compared_part(
    title: str, form: FicheDefinition, part: str, left: dict, right: dict, deadline: Deadline | None
) -> ComparedPart:
    context = context_section(form)
    sections = []
    for section, rubrics in form.sections(part):
        rows = []
        for comparison in compare_rubrics(rubrics, left, right, deadline=deadline):
            left_segments, right_segments = marked_segments(comparison.left, comparison.right, deadline)
            flagging = comparison.near_identical and section != context
            rows.append(ComparedRubric(comparison, left_segments, right_segments, flagging))
        sections.append((section, rows))
    return ComparedPart(title, sections)


def side_by_side(left: Fiche, right: Fiche, deadline: Deadline | None = None) -> list[ComparedPart]:
    """Two fiches rubric by rubric (one fiche with itself: its versos two by two)."""
    form = _form(left)
    left_versos = list(left.versos.order_by("order"))
    if left.pk == right.pk:
        return [
            _compared_part(
                f"Verso {a.order} / verso {b.order}", form, "verso", a.content or {}, b.content or {}, deadline
            )
            for a, b in combinations(left_versos, 2)
        ]
    parts = [_compared_part("Recto", form, "recto", left.recto or {}, right.recto or {}, deadline)]
    if form.has_verso:
        right_versos = list(right.versos.order_by("order"))
        for lv in left_versos:
            for rv in right_versos:
                title = f"Verso {lv.order} / verso {rv.order}"
                parts.append(_compared_part(title, form, "verso", lv.content or {}, rv.content or {}, deadline))
    return parts
