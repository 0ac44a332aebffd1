"""The definition of the official « fiche sujet » (ANNEXE V–2 candidate, V–3 jury): its rubrics, read from
data/forms/subject-sheet-<forms_session>.yaml through ``referentiel.official_forms`` (the one loader of every
paper-form definition: ``FicheDefinition``, ``SubjectDefinition``, ``NvDefinition``). A definition is not a Django form.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from referentiel.official_forms import latest_official_form_session, official_form

# URL spelling of the parts (« /pdf/candidat/ ») → the SubjectPart value used in the data.
PART_SLUGS = {"candidat": "candidate", "jury": "jury"}


@dataclass(frozen=True)
class SubjectRubric:
    code: str
    label: str
    part: str  # "candidate" or "jury"
    help: str = ""
    sublabel: str = ""  # « VOUS : » / « JURY : » of the actors row
    group: str = ""
    prefill_from: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()

    @property
    def full_label(self) -> str:
        """The label as one line, e.g. « Acteur(s) concernés (statut/rôle) – VOUS »."""
        return f"{self.label} – {self.sublabel.rstrip(' :')}" if self.sublabel else self.label


@dataclass(frozen=True)
class SubjectPartDefinition:
    part: str
    annex: str
    title: str
    parameters: str
    rubrics: tuple[SubjectRubric, ...]

    def rubric(self, code: str) -> SubjectRubric | None:
        return next((r for r in self.rubrics if r.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.rubrics)


@dataclass(frozen=True)
class SubjectDefinition:
    forms_session: int
    header: dict[str, str]
    kinds: tuple[dict[str, Any], ...]
    candidate: SubjectPartDefinition
    jury: SubjectPartDefinition
    # Candidate-part rubrics whose replacement makes a « situation nouvelle » (organisation, offer, kind of activity).
    new_situation_rubrics: tuple[str, ...] = ()

    def part(self, part: str) -> SubjectPartDefinition:
        return self.candidate if part == "candidate" else self.jury

    def kind_of_fiche(self, fiche_kind_code: str) -> str:
        """« nego » or « event » for a FicheKind code (« nego-vente », « evenement »); "" when unknown."""
        return next((k["code"] for k in self.kinds if fiche_kind_code in k["fiche_kinds"]), "")

    @property
    def shared_codes(self) -> tuple[str, ...]:
        """Rubrics the jury part (V–3) shares with the candidate part (V–2): same code, same meaning (see the data
        file). The jury part shows the candidate part's text for them: one value, no contradiction."""
        candidate = set(self.candidate.codes)
        return tuple(code for code in self.jury.codes if code in candidate)

    def rubric_choices(self) -> list[tuple[str, str]]:
        """Every rubric code of both parts once, in the candidate part's order then the jury's own ones."""
        seen: dict[str, str] = {}
        for rubric in self.candidate.rubrics + self.jury.rubrics:
            seen.setdefault(rubric.code, rubric.full_label)
        return list(seen.items())

    def rubric_label(self, code: str) -> str:
        return dict(self.rubric_choices()).get(code, code)


def _part(name: str, data: dict[str, Any]) -> SubjectPartDefinition:
    rubrics = tuple(
        SubjectRubric(
            code=item["code"],
            label=item["label"],
            part=name,
            help=item.get("help", ""),
            sublabel=item.get("sublabel", ""),
            group=item.get("group", ""),
            prefill_from=tuple(item.get("prefill_from") or ()),
            suggestions=tuple(item.get("suggestions") or ()),
        )
        for item in data["rubrics"]
    )
    return SubjectPartDefinition(name, data["annex"], data["title"], data["parameters"], rubrics)


@cache
def subject_definition(forms_session: int) -> SubjectDefinition:
    data = official_form("subject-sheet", forms_session)
    candidate = _part("candidate", data["parts"]["candidate"])
    new_situation = tuple(data.get("new_situation_rubrics") or ())
    unknown = set(new_situation) - set(candidate.codes)
    if unknown:
        raise ValueError(
            f"subject-sheet-{forms_session}.yaml : new_situation_rubrics nomme des rubriques inconnues : "
            f"{sorted(unknown)}."
        )
    return SubjectDefinition(
        forms_session=int(data["forms_session"]),
        header=dict(data["header"]),
        kinds=tuple(data["kinds"]),
        candidate=candidate,
        jury=_part("jury", data["parts"]["jury"]),
        new_situation_rubrics=new_situation,
    )


def latest_forms_session() -> int:
    """The most recent official model shipped (the question bank's rubric list outlives one session)."""
    return latest_official_form_session("subject-sheet")
