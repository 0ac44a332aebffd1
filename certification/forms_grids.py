"""The grid form: one TI / I / S / TS choice (or « non positionné ») per critère, one comment per compétence.

The form only validates and converts (``levels()`` → {criterion id: Level | None}, ``comments()`` → {competency id:
text}); the rules (locking, information of the candidate, conflicts) live in certification.services.grids.
"""

from django import forms

from referentiel.models import Competency, Criterion, Level

NOT_POSITIONED = ""
NOT_POSITIONED_LABEL = "non positionné"


def level_field_name(criterion: Criterion) -> str:
    return f"critere_{criterion.pk}"


def comment_field_name(competency: Competency) -> str:
    return f"commentaire_{competency.pk}"


class GridForm(forms.Form):
    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, competencies: list[Competency], levels: list[Level], **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.level_by_code = {level.code: level for level in levels}
        choices = [(NOT_POSITIONED, NOT_POSITIONED_LABEL)] + [(level.code, level.label) for level in levels]
        for competency in competencies:
            for criterion in competency.criteria.all():
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

    def levels(self) -> dict[int, Level | None]:
        return {
            criterion.pk: self.level_by_code.get(self.cleaned_data.get(level_field_name(criterion)) or "")
            for competency in self.competencies
            for criterion in competency.criteria.all()
        }

    def comments(self) -> dict[int, str]:
        return {
            competency.pk: (self.cleaned_data.get(comment_field_name(competency)) or "").strip()
            for competency in self.competencies
        }

    def chosen_code(self, criterion: Criterion) -> str:
        """The code shown as checked: the submitted one on a bound form, else the initial one."""
        name = level_field_name(criterion)
        if self.is_bound:
            return self.data.get(name, "")
        return self.initial.get(name, "")

    def comment_text(self, competency: Competency) -> str:
        name = comment_field_name(competency)
        return self.data.get(name, "") if self.is_bound else self.initial.get(name, "")

    def with_base_version(self, version: int) -> None:
        """After a conflict: keep every submitted value, rebase on the version now saved."""
        data = self.data.copy()
        data["base_version"] = str(version)
        self.data = data


def grid_initial(
    competencies: list[Competency], levels: dict[int, Level | None], comments: dict[int, str], version: int
) -> dict:
    initial: dict = {"base_version": version}
    for competency in competencies:
        initial[comment_field_name(competency)] = comments.get(competency.pk, "")
        for criterion in competency.criteria.all():
            level = levels.get(criterion.pk)
            initial[level_field_name(criterion)] = level.code if level is not None else NOT_POSITIONED
    return initial
