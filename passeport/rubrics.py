"""The rubrics of the official fiches, read from data/forms/fiches-<session>.yaml (form wording is data)."""

from dataclasses import dataclass
from functools import cache

from referentiel.official_forms import official_form


@dataclass(frozen=True)
class Rubric:
    code: str
    label: str
    section: str
    part: str  # "recto" or "verso"
    group: str = ""
    note: str = ""
    # Longest text accepted (characters), from data/forms (see ``max_rubric_chars`` there for its derivation).
    max_chars: int = 8000


@dataclass(frozen=True)
class FicheDefinition:
    forms_session: int
    exam_code: str
    annex: str
    title: str
    rubrics: tuple[Rubric, ...]
    kind_label: str = "Nature de l'activité"  # the editor's label of the kind field (E6: « Réseau »)

    def part(self, part: str) -> tuple[Rubric, ...]:
        return tuple(r for r in self.rubrics if r.part == part)

    def sections(self, part: str) -> list[tuple[str, list[Rubric]]]:
        """``[(section title, [rubrics])]`` in the order of the official form."""
        out: list[tuple[str, list[Rubric]]] = []
        for rubric in self.part(part):
            if not out or out[-1][0] != rubric.section:
                out.append((rubric.section, []))
            out[-1][1].append(rubric)
        return out

    def label(self, code: str) -> str:
        return next((r.label for r in self.rubrics if r.code == code), code)

    @property
    def has_verso(self) -> bool:
        return any(r.part == "verso" for r in self.rubrics)


@cache
def fiche_definition(forms_session: int, exam_code: str) -> FicheDefinition:
    data = official_form("fiches", forms_session)
    exam = data["exams"][exam_code]
    default_max = int(exam.get("max_rubric_chars", data.get("max_rubric_chars", Rubric.max_chars)))
    rubrics = []
    for part, sections in exam["parts"].items():
        for section in sections:
            for item in section["rubrics"]:
                rubrics.append(
                    Rubric(
                        code=item["code"],
                        label=item["label"],
                        section=section["section"],
                        part=part,
                        group=item.get("group", ""),
                        note=item.get("note", ""),
                        max_chars=int(item.get("max_chars", default_max)),
                    )
                )
    return FicheDefinition(
        int(data["forms_session"]),
        exam_code,
        exam["annex"],
        exam["title"],
        tuple(rubrics),
        exam.get("kind_label", FicheDefinition.kind_label),
    )
