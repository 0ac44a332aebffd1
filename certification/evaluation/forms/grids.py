"""The grid form: one TI / I / S / TS choice (or « non positionné ») per critère, one comment per compétence.

The form only validates and converts (``levels()`` → {criterion id: Level | None}, ``comments()`` → {competency id:
text}); the rules (locking, information of the candidate, conflicts) live in certification.evaluation.services.grids.
The radio buttons and comments are written by templates/certification/evaluation/includes/grid_sections.html (the
form gives the checked code and the text); ``competencies`` is the commission's ``grid_layout`` (compétences with their
``criteria`` as lists).
"""

from typing import cast

from django import forms
from django.http import QueryDict

from certification.evaluation.services.grids import LayoutCompetency, LayoutCriterion
from referentiel.models import Level

NOT_POSITIONED = ""
NOT_POSITIONED_LABEL = "non positionné"
NOTHING_SENT = (
    "Aucune ligne de la grille n'a été transmise : rien n'a été enregistré. Rechargez la page, puis enregistrez à "
    "nouveau."
)


def level_field_name(criterion: LayoutCriterion) -> str:
    return f"critere_{criterion.pk}"


def comment_field_name(competency: LayoutCompetency) -> str:
    return f"commentaire_{competency.pk}"


class GridForm(forms.Form):
    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, competencies: list[LayoutCompetency], levels: list[Level], **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.level_by_code = {level.code: level for level in levels}
        if self.is_bound:
            self._add_grid_fields(levels)

    def _add_grid_fields(self, levels: list[Level]) -> None:
        """A field per critère and per compétence, to validate a submission. An unbound form (the page opened) has
        only ``base_version``: the page's radio buttons and comments come from the grid_sections template with
        ``chosen_code`` and ``comment_text``, so building these fields would be wasted work on every reading of the
        grid."""
        choices = [(NOT_POSITIONED, NOT_POSITIONED_LABEL)] + [(level.code, level.label) for level in levels]
        for competency in self.competencies:
            for criterion in competency.criteria:
                self.fields[level_field_name(criterion)] = forms.ChoiceField(
                    label=f"{criterion.number} – {criterion.title}",
                    choices=choices,
                    required=False,
                    widget=forms.RadioSelect,
                )
            self.fields[comment_field_name(competency)] = forms.CharField(
                label=f"Commentaire – {competency.title}",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean(self):
        # A line absent from the submission keeps what is stored (a page always sends every line, « non
        # positionné » included): a POST carrying no line and no comment at all would otherwise erase the grid.
        names = {level_field_name(c) for competency in self.competencies for c in competency.criteria}
        names |= {comment_field_name(competency) for competency in self.competencies}
        if self.competencies and not names & set(self.data):
            raise forms.ValidationError(NOTHING_SENT)
        return super().clean()

    def levels(self) -> dict[int, Level | None]:
        """The lines the submission carries (a line it does not carry is left as it is)."""
        return {
            criterion.pk: self.level_by_code.get(self.cleaned_data.get(level_field_name(criterion)) or "")
            for competency in self.competencies
            for criterion in competency.criteria
            if level_field_name(criterion) in self.data
        }

    def comments(self) -> dict[int, str]:
        return {
            competency.pk: (self.cleaned_data.get(comment_field_name(competency)) or "").strip()
            for competency in self.competencies
            if comment_field_name(competency) in self.data
        }

    def chosen_code(self, criterion: LayoutCriterion) -> str:
        """The code shown as checked: the submitted one on a bound form, else the initial one."""
        name = level_field_name(criterion)
        if self.is_bound:
            return self.data.get(name, "")
        return self.initial.get(name, "")

    def comment_text(self, competency: LayoutCompetency) -> str:
        name = comment_field_name(competency)
        return self.data.get(name, "") if self.is_bound else self.initial.get(name, "")

    def with_base_version(self, version: int) -> None:
        """After a conflict: keep every submitted value, rebase on the version now saved."""
        data = cast(QueryDict, self.data).copy()  # bound from request.POST
        data["base_version"] = str(version)
        self.data = data


def grid_initial(
    competencies: list[LayoutCompetency], codes: dict[int, str], comments: dict[int, str], version: int
) -> dict:
    """``codes``: {criterion id: level code} (missing or "": not positioned)."""
    initial: dict = {"base_version": version}
    for competency in competencies:
        initial[comment_field_name(competency)] = comments.get(competency.pk, "")
        for criterion in competency.criteria:
            initial[level_field_name(criterion)] = codes.get(criterion.pk) or NOT_POSITIONED
    return initial


# --- sheets ----------------------------------------------------------------------------------------------------------
