"""What an exam is, read from the data: the one model of the CCF rules of each exam.

The référentiel file of a version (``data/referentiel/*.yaml``) says, under each CCF exam's ``certification`` key,
how the exam is assessed: its situations and the compétences each assesses — including a **choice** (E4 situation B
assesses one of two compétences, fixed by the kind of the fiche the commission takes) —, a single assessor or a
commission, whether professionals may sit, the fiche's pages and « réelle vécue » flag, which situation has a fiche
sujet or a simulation kind, and how each situation's fiche is set. Session-bound values (titles, durations, annex
numbers, deposit dates) stay in ``data/sessions`` (``ExamRule``/``SituationRule``).

Code asks this module (``definition_of(exam)`` or ``exam.definition``, ``situation_definition(situation)``) and never
compares an exam code or a situation letter: a new exam or a new circular is a data change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from referentiel.models import Competency, Exam

REFERENTIEL_DIR = Path(__file__).resolve().parent.parent / "data" / "referentiel"

# How the fiche of a situation is set.
FICHES_NONE = "none"  # no fiche is named on the evaluation sheet
FICHES_CHOSEN = "chosen"  # the commission chooses one fiche of the dossier (and its kind sets what is assessed)
FICHES_REAL_LIVED = "real-lived"  # the candidate's real lived experience
FICHES_OTHERS = "others"  # the other fiches of the dossier
FICHE_USAGES = (FICHES_NONE, FICHES_CHOSEN, FICHES_REAL_LIVED, FICHES_OTHERS)

ASSESSORS = ("commission", "single")


class ExamDefinitionError(ValueError):
    """The ``certification`` part of a référentiel file is malformed."""


@dataclass(frozen=True)
class FicheRules:
    pages: int = 2
    exact_pages: bool = False  # the fiche takes exactly ``pages`` pages (E4: the recto page, then the verso page)
    real_lived: bool = False  # the header carries « Activité(s) réelle(s) vécue(s) : OUI / NON »
    several_versos: bool = False  # one recto may carry several versos, each a distinct choice in the dossier


@dataclass(frozen=True)
class SituationDefinition:
    code: str
    assesses: tuple[int, ...] = ()  # orders (1-based) of the compétences always assessed
    assesses_one_of: Mapping[str, int] = field(default_factory=dict)  # fiche kind code -> compétence order
    fiches: str = FICHES_NONE
    subject_sheet: bool = False  # the commission writes a fiche sujet with modified parameters
    simulation_kind: bool = False  # the passage records how the simulation is run
    steps: bool = False  # may be held in several dated steps

    @property
    def has_choice(self) -> bool:
        return bool(self.assesses_one_of)

    @property
    def choice_orders(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(self.assesses_one_of.values()))

    def assessed_orders(self, kind_code: str | None) -> tuple[int, ...] | None:
        """The compétences assessed when the fiche used is of ``kind_code``; ``None``: the choice is not known yet."""
        if not self.has_choice:
            return self.assesses
        chosen = self.assesses_one_of.get(kind_code or "")
        if chosen is None:
            return None
        return tuple(sorted({*self.assesses, chosen}))


@dataclass(frozen=True)
class ExamDefinition:
    code: str
    assessors: str
    professionals_allowed: bool
    fiche: FicheRules
    situations: tuple[SituationDefinition, ...]

    @property
    def single_assessor(self) -> bool:
        return self.assessors == "single"

    def situation(self, code: str) -> SituationDefinition | None:
        return next((situation for situation in self.situations if situation.code == code), None)

    @property
    def subject_situation(self) -> SituationDefinition | None:
        """The situation whose fiche the commission rewrites as a fiche sujet (E4 B), if any."""
        return next((situation for situation in self.situations if situation.subject_sheet), None)

    @property
    def has_subject_sheet(self) -> bool:
        return self.subject_situation is not None

    @property
    def choice_situation(self) -> SituationDefinition | None:
        return next((situation for situation in self.situations if situation.has_choice), None)

    @property
    def all_orders(self) -> tuple[int, ...]:
        orders: set[int] = set()
        for situation in self.situations:
            orders.update(situation.assesses)
            orders.update(situation.assesses_one_of.values())
        return tuple(sorted(orders))

    def assessed_orders(self, choices: Mapping[str, str | None] | None = None) -> tuple[int, ...] | None:
        """The compétences a candidate is assessed on, given the fiche kind of each situation with a choice.

        ``choices`` maps a situation code to the kind code of the fiche used there. ``None`` when a choice is not
        known yet (the profile is then unknown on that compétence, not « à compléter »).
        """
        orders: set[int] = set()
        for situation in self.situations:
            found = situation.assessed_orders((choices or {}).get(situation.code))
            if found is None:
                return None
            orders.update(found)
        return tuple(sorted(orders))

    def unknown_choices(self, choices: Mapping[str, str | None] | None = None) -> tuple[str, ...]:
        """The codes of the situations with a choice whose fiche kind is not known in ``choices`` (in order)."""
        return tuple(
            situation.code
            for situation in self.situations
            if situation.has_choice and situation.assessed_orders((choices or {}).get(situation.code)) is None
        )

    def choice_orders(self) -> tuple[int, ...]:
        """The compétences that are assessed only for some candidates (by the fiche chosen)."""
        choice: set[int] = set()
        for situation in self.situations:
            choice.update(situation.choice_orders)
        return tuple(sorted(choice))

    def kind_for_order(self, order: int) -> str | None:
        for situation in self.situations:
            for kind, chosen in situation.assesses_one_of.items():
                if chosen == order:
                    return kind
        return None


def _bool(data: Mapping[str, Any], key: str, where: str, default: bool = False) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ExamDefinitionError(f"{where} : « {key} » doit valoir true ou false.")
    return value


def _orders(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(item, int) and item >= 1 for item in value):
        raise ExamDefinitionError(f"{where} : une liste de numéros de compétence (1, 2…) est attendue.")
    return tuple(value)


def _situation(data: Mapping[str, Any], where: str) -> SituationDefinition:
    known = {"code", "assesses", "assesses_one_of", "fiches", "subject_sheet", "simulation_kind", "steps"}
    if not isinstance(data, Mapping) or "code" not in data or set(data) - known:
        raise ExamDefinitionError(f"{where} : clés attendues parmi {sorted(known)} (dont « code »).")
    one_of = data.get("assesses_one_of") or {}
    if not isinstance(one_of, Mapping) or not all(
        isinstance(kind, str) and isinstance(order, int) for kind, order in one_of.items()
    ):
        raise ExamDefinitionError(f"{where} : « assesses_one_of » associe une nature de fiche à une compétence.")
    fiches = data.get("fiches", FICHES_NONE)
    if fiches not in FICHE_USAGES:
        raise ExamDefinitionError(f"{where} : « fiches » vaut l'un de {', '.join(FICHE_USAGES)}.")
    return SituationDefinition(
        code=str(data["code"]),
        assesses=_orders(data.get("assesses", []), where),
        assesses_one_of=dict(one_of),
        fiches=fiches,
        subject_sheet=_bool(data, "subject_sheet", where),
        simulation_kind=_bool(data, "simulation_kind", where),
        steps=_bool(data, "steps", where),
    )


def parse_definition(code: str, data: Mapping[str, Any], where: str = "") -> ExamDefinition:
    where = where or f"épreuve {code}"
    known = {"assessors", "professionals_allowed", "fiche", "situations"}
    if not isinstance(data, Mapping) or set(data) - known:
        raise ExamDefinitionError(f"{where} : clés attendues parmi {sorted(known)}.")
    assessors = data.get("assessors", "commission")
    if assessors not in ASSESSORS:
        raise ExamDefinitionError(f"{where} : « assessors » vaut « commission » ou « single ».")
    fiche = data.get("fiche") or {}
    fiche_keys = {"pages", "exact_pages", "real_lived", "several_versos"}
    if not isinstance(fiche, Mapping) or set(fiche) - fiche_keys:
        raise ExamDefinitionError(f"{where} fiche : clés attendues parmi {sorted(fiche_keys)}.")
    pages = fiche.get("pages", 2)
    if not isinstance(pages, int) or pages < 1:
        raise ExamDefinitionError(f"{where} fiche : « pages » est un nombre de pages.")
    situations = data.get("situations") or []
    if not isinstance(situations, list) or not situations:
        raise ExamDefinitionError(f"{where} : au moins une situation est attendue.")
    parsed = tuple(_situation(item, f"{where} situation {i + 1}") for i, item in enumerate(situations))
    if len({situation.code for situation in parsed}) != len(parsed):
        raise ExamDefinitionError(f"{where} : deux situations portent le même code.")
    return ExamDefinition(
        code=code,
        assessors=assessors,
        professionals_allowed=_bool(data, "professionals_allowed", where),
        fiche=FicheRules(
            pages=pages,
            exact_pages=_bool(fiche, "exact_pages", where),
            real_lived=_bool(fiche, "real_lived", where),
            several_versos=_bool(fiche, "several_versos", where),
        ),
        situations=parsed,
    )


@lru_cache(maxsize=8)
def definitions(version_code: str) -> dict[str, ExamDefinition]:
    """``{exam code: definition}`` of the CCF exams of one référentiel version (read once per process)."""
    for path in sorted(REFERENTIEL_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if data.get("code") != version_code:
            continue
        found = {}
        for block in data.get("blocks") or []:
            exam = block.get("exam") or {}
            if exam.get("certification") is not None:
                where = f"{path.name} {exam['code']}"
                found[exam["code"]] = parse_definition(exam["code"], exam["certification"], where)
        return found
    return {}


@lru_cache(maxsize=1)
def all_definitions() -> dict[tuple[str, str], ExamDefinition]:
    """``{(version code, exam code): definition}`` of every référentiel version in the data (read once per process)."""
    found = {}
    for path in sorted(REFERENTIEL_DIR.glob("*.yaml")):
        code = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("code")
        if code:
            found.update({(code, exam_code): definition for exam_code, definition in definitions(code).items()})
    return found


@lru_cache(maxsize=1)
def version_codes() -> tuple[str, ...]:
    """The codes of the référentiel versions of ``data/referentiel`` (read once per process)."""
    codes = []
    for path in sorted(REFERENTIEL_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if data.get("code"):
            codes.append(str(data["code"]))
    return tuple(codes)


def subject_situations() -> tuple[tuple[str, str, str], ...]:
    """``(version code, exam code, situation code)`` of every situation with a fiche sujet, over all the versions of
    the data: for queries built before any database read (e.g. compiled once per process)."""
    return tuple(
        (version, code, definition.subject_situation.code)
        for version in version_codes()
        for code, definition in definitions(version).items()
        if definition.subject_situation is not None
    )


_VERSION_CODES: dict[int, str] = {}


def _version_code(version_id: int) -> str:
    """Version codes never change once loaded: one query per version and process."""
    code = _VERSION_CODES.get(version_id)
    if code is None:
        from referentiel.models import ReferentielVersion

        code = ReferentielVersion.objects.filter(pk=version_id).values_list("code", flat=True).first() or ""
        if code:
            _VERSION_CODES[version_id] = code
    return code


def definition_of(exam: Exam) -> ExamDefinition | None:
    """The CCF definition of ``exam`` (``None`` for an exam not taken in CCF)."""
    return definitions(_version_code(exam.version_id)).get(exam.code)


def situation_definition(exam: Exam, situation_code: str) -> SituationDefinition | None:
    definition = definition_of(exam)
    return definition.situation(situation_code) if definition else None


def competencies_by_order(competencies: Iterable[Competency]) -> dict[int, Competency]:
    return {competency.order: competency for competency in competencies}


def fiche_rules(exam: Exam) -> FicheRules:
    """The rules of ``exam``'s fiche (the defaults for an exam not taken in CCF)."""
    definition = definition_of(exam)
    return definition.fiche if definition else FicheRules()


def exam_codes(version_id: int, test: Callable[[ExamDefinition], bool]) -> tuple[str, ...]:
    """The codes of the CCF exams of a référentiel version whose definition passes ``test`` (for query filters)."""
    return tuple(code for code, definition in definitions(_version_code(version_id)).items() if test(definition))
