"""Load the référentiel and the exam sessions from the YAML files kept in ``data/``.

Idempotent by construction: every row is looked up by its natural key (the fields of its unique constraint) and
saved only when a value differs, with ``update_fields``. Running a load twice therefore creates nothing, updates
nothing and never duplicates. Every référentiel row hangs under the ``ReferentielVersion`` named by the file's
``code``, so a new version file creates a new tree and can never reach another version's rows. Nothing is ever
deleted: grids point to these rows with ``PROTECT``.

The loader takes a model getter so that a data migration can run it with historical models
(``lambda name: apps.get_model("referentiel", name)``); with ``skip_missing_fields`` it then ignores values for
fields that the historical model does not have yet, and a later migration can load them again.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps as global_apps
from django.db import models, transaction

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
REFERENTIEL_DIR = DATA_DIR / "referentiel"
SESSIONS_DIR = DATA_DIR / "sessions"

ModelGetter = Callable[[str], type[models.Model]]

# Models in the order the report lists them.
MODEL_NAMES = (
    "ReferentielVersion",
    "Level",
    "Block",
    "Exam",
    "FicheKind",
    "Competency",
    "Criterion",
    "Indicator",
    "ExamSession",
    "ExamRule",
    "SituationRule",
)


# Optional per-session settings: key -> expected type. The fiche sujet thresholds are measured in words
# (certification/commissions/services/subject_changes.py): subject_min_changed is a number of words replaced, added
# or removed in the
# candidate part, subject_max_changed_percent a share of its words (the ExamSession columns kept their names and
# their admin labels, which still speak of rubrics, until a migration renames them).
SESSION_SETTINGS: dict[str, type] = {
    "subject_min_changed": int,
    "subject_max_changed_percent": int,
    "subject_release_minutes": int,
    "dossier_reminder_days": list,
    "unjustified_absence": str,
}


# What an unjustified absence on the day of a situation gives (ExamSession.unjustified_absence).
UNJUSTIFIED_ABSENCE_VALUES = ("absent", "zero")


class ReferentielFileError(ValueError):
    """A data file is malformed or refers to something that does not exist."""


def current_model(name: str) -> type[models.Model]:
    return global_apps.get_model("referentiel", name)


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    # Values an administrator may have changed since the first load: kept, never overwritten by the file.
    kept: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def merge(self, other: LoadReport) -> LoadReport:
        self.created.update(other.created)
        self.updated.update(other.updated)
        self.unchanged.update(other.unchanged)
        self.kept.extend(other.kept)
        return self

    def lines(self) -> list[str]:
        lines = []
        for name in MODEL_NAMES:
            created, updated, unchanged = self.created[name], self.updated[name], self.unchanged[name]
            if created or updated or unchanged:
                lines.append(f"{name} : {created} créé(s), {updated} mis à jour, {unchanged} inchangé(s)")
        lines.extend(f"Conservé : {note}" for note in self.kept)
        return lines


def load_referentiel_file(
    path: Path | str, *, get_model: ModelGetter = current_model, skip_missing_fields: bool = False
) -> LoadReport:
    """Create or update one référentiel version (blocs, exams, compétences, critères, indicateurs, levels)."""
    loader = _Loader(get_model, skip_missing_fields, where=str(path))
    with transaction.atomic():
        loader.referentiel(_read_yaml(path))
    return loader.report


def load_sessions_file(
    path: Path | str, *, get_model: ModelGetter = current_model, skip_missing_fields: bool = False
) -> LoadReport:
    """Create or update one exam session and its rules. Its référentiel version must be loaded already."""
    loader = _Loader(get_model, skip_missing_fields, where=str(path))
    with transaction.atomic():
        loader.session(_read_yaml(path))
    return loader.report


def load_all(
    *, data_dir: Path = DATA_DIR, get_model: ModelGetter = current_model, skip_missing_fields: bool = False
) -> LoadReport:
    """Every référentiel version first, then every session (sessions refer to versions)."""
    report = LoadReport()
    for path in sorted((data_dir / "referentiel").glob("*.yaml")):
        report.merge(load_referentiel_file(path, get_model=get_model, skip_missing_fields=skip_missing_fields))
    for path in sorted((data_dir / "sessions").glob("*.yaml")):
        report.merge(load_sessions_file(path, get_model=get_model, skip_missing_fields=skip_missing_fields))
    return report


def _read_yaml(path: Path | str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ReferentielFileError(f"{path} : le fichier doit contenir un dictionnaire YAML.")
    return data


def _check_keys(data: Any, where: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
    """Refuse a missing or a misspelt key: a typo must not silently fall back to a default."""
    if not isinstance(data, dict):
        raise ReferentielFileError(f"{where} : un dictionnaire est attendu, pas {data!r}.")
    required, optional = set(required), set(optional)
    missing = required - data.keys()
    unknown = data.keys() - required - optional
    if missing or unknown:
        raise ReferentielFileError(f"{where} : clés manquantes {sorted(missing)}, clés inconnues {sorted(unknown)}.")
    return data


def _typed(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = data.get(key)
    # bool is an int in Python; a coefficient of ``true`` is a mistake.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise ReferentielFileError(f"{where} : « {key} » a une valeur invalide ({value!r}).")
    return value


def _flag(data: dict[str, Any], key: str, default: bool, where: str) -> bool:
    return _typed(data, key, bool, where) if key in data else default


def _list(data: dict[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ReferentielFileError(f"{where} : « {key} » doit être une liste.")
    return value


class _Loader:
    def __init__(self, get_model: ModelGetter, skip_missing_fields: bool, where: str) -> None:
        self.get_model = get_model
        self.skip_missing_fields = skip_missing_fields
        self.where = where
        self.report = LoadReport()

    # --- generic upsert ----------------------------------------------------------------------------------------

    def sync(
        self,
        name: str,
        lookup: dict[str, Any],
        values: dict[str, Any],
        create_only: dict[str, Any] | None = None,
    ) -> models.Model:
        """Find the row by ``lookup``; create it, or save only the ``values`` that differ.

        ``create_only`` values are written when the row is created and left alone afterwards.
        """
        model = self.get_model(name)
        values = self._known_fields(model, values)
        create_only = self._known_fields(model, create_only or {})
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model._default_manager.create(**lookup, **values, **create_only)
            self.report.created[name] += 1
            return obj
        changed = [key for key, value in values.items() if _current_value(obj, key) != _comparable(value)]
        for key in changed:
            setattr(obj, key, values[key])
        if changed:
            obj.save(update_fields=changed)
            self.report.updated[name] += 1
        else:
            self.report.unchanged[name] += 1
        for key, value in create_only.items():
            if _current_value(obj, key) != _comparable(value):
                self.report.kept.append(f"{name} {obj} : {key} = {getattr(obj, key)} (fichier : {value})")
        return obj

    def _known_fields(self, model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
        if not self.skip_missing_fields:
            return values
        names = {f.name for f in model._meta.get_fields()}
        return {key: value for key, value in values.items() if key in names}

    # --- référentiel -------------------------------------------------------------------------------------------

    def referentiel(self, data: dict[str, Any]) -> None:
        _check_keys(data, self.where, ["code", "label", "blocks", "levels"], ["source"])
        code = _typed(data, "code", str, self.where)
        version = self.sync(
            "ReferentielVersion",
            {"code": code},
            {"label": _typed(data, "label", str, self.where), "source": data.get("source") or ""},
        )
        for level in _list(data, "levels", self.where):
            where = f"{self.where} niveau {level!r}"
            _check_keys(level, where, ["code", "label", "rank"])
            self.sync(
                "Level",
                {"version": version, "code": _typed(level, "code", str, where)},
                {"label": _typed(level, "label", str, where), "rank": _typed(level, "rank", int, where)},
            )
        for block in _list(data, "blocks", self.where):
            self.block(version, block)

    def block(self, version: models.Model, data: dict[str, Any]) -> None:
        where = f"{self.where} bloc {data.get('number')!r}"
        _check_keys(data, where, ["number", "title", "exam", "competencies"])
        block = self.sync(
            "Block",
            {"version": version, "number": _typed(data, "number", int, where)},
            {"title": _typed(data, "title", str, where)},
        )
        self.exam(version, block, data["exam"], where)
        for order, competency in enumerate(_list(data, "competencies", where), start=1):
            self.competency(block, order, competency, where)

    def exam(self, version: models.Model, block: models.Model, data: dict[str, Any], where: str) -> None:
        where = f"{where} épreuve"
        _check_keys(data, where, ["code", "title", "coefficient", "ccf"], ["fiche_kinds", "certification"])
        exam = self.sync(
            "Exam",
            {"version": version, "code": _typed(data, "code", str, where)},
            {
                "title": _typed(data, "title", str, where),
                "block": block,
                "coefficient": _typed(data, "coefficient", int, where),
                "ccf": _typed(data, "ccf", bool, where),
            },
        )
        for order, kind in enumerate(_list(data, "fiche_kinds", where), start=1):
            kind_where = f"{where} nature {order}"
            _check_keys(kind, kind_where, ["code", "label"])
            self.sync(
                "FicheKind",
                {"exam": exam, "code": _typed(kind, "code", str, kind_where)},
                {"label": _typed(kind, "label", str, kind_where), "order": order},
            )

    def competency(self, block: models.Model, order: int, data: dict[str, Any], where: str) -> None:
        where = f"{where} compétence {order}"
        _check_keys(data, where, ["title"], ["criteria"])
        competency = self.sync(
            "Competency", {"block": block, "order": order}, {"title": _typed(data, "title", str, where)}
        )
        for criterion in _list(data, "criteria", where):
            criterion_where = f"{where} critère {criterion.get('number')!r}"
            _check_keys(criterion, criterion_where, ["number", "title", "indicators"])
            row = self.sync(
                "Criterion",
                {"competency": competency, "number": _typed(criterion, "number", int, criterion_where)},
                {"title": _typed(criterion, "title", str, criterion_where)},
            )
            for position, wording in enumerate(_list(criterion, "indicators", criterion_where), start=1):
                if not isinstance(wording, str) or not wording.strip():
                    raise ReferentielFileError(f"{criterion_where} : indicateur {position} vide.")
                self.sync("Indicator", {"criterion": row, "order": position}, {"wording": wording})

    # --- sessions ----------------------------------------------------------------------------------------------

    def session(self, data: dict[str, Any]) -> None:
        scalar_keys = [
            "forms_session",
            "internship_weeks_expected",
            "internship_weeks_minimum",
            "continuing_education_weeks",
        ]
        _check_keys(
            data, self.where, ["year", "referentiel", "rules", *scalar_keys], ["mark_step_halves", *SESSION_SETTINGS]
        )
        year = _typed(data, "year", int, self.where)
        version = self._version(_typed(data, "referentiel", str, self.where))
        values = {key: _typed(data, key, int, self.where) for key in scalar_keys}
        values["mark_step_halves"] = _flag(data, "mark_step_halves", True, self.where)
        values.update(self._session_settings(data))
        existing = self.get_model("ExamSession")._default_manager.filter(year=year).first()
        # Moving a session to another version would leave its rules pointing at the old version's exams.
        if existing is not None and _current_value(existing, "version") != version.pk:
            raise ReferentielFileError(f"{self.where} : la session {year} utilise déjà une autre version.")
        session = self.sync("ExamSession", {"year": year}, {"version": version, **values})
        for rule in _list(data, "rules", self.where):
            self.rule(session, version, rule)

    def _session_settings(self, data: dict[str, Any]) -> dict[str, Any]:
        """Optional settings (fiche sujet thresholds, reminders); absent keys keep the model's defaults."""
        values: dict[str, Any] = {}
        for key, kind in SESSION_SETTINGS.items():
            if key not in data:
                continue
            if kind is list:
                days = data[key]
                if not isinstance(days, list) or not all(isinstance(d, int) and d > 0 for d in days):
                    raise ReferentielFileError(f"{self.where} : {key} doit être une liste de nombres de jours.")
                values[key] = sorted(set(days), reverse=True)
            elif kind is str:
                value = _typed(data, key, str, self.where)
                allowed = UNJUSTIFIED_ABSENCE_VALUES
                if value not in allowed:
                    raise ReferentielFileError(f"{self.where} : {key} vaut l'un de {', '.join(allowed)}.")
                values[key] = value
            else:
                values[key] = _typed(data, key, int, self.where)
        return values

    def _version(self, code: str) -> models.Model:
        version = self.get_model("ReferentielVersion")._default_manager.filter(code=code).first()
        if version is None:
            raise ReferentielFileError(f"{self.where} : version du référentiel « {code} » inconnue (chargez-la avant).")
        return version

    def rule(self, session: models.Model, version: models.Model, data: dict[str, Any]) -> None:
        where = f"{self.where} règle {data.get('exam')!r}"
        required = ["exam", "fiches_required", "real_lived_minimum", "annexes", "situations"]
        _check_keys(data, where, required, ["one_fiche_per_kind", "deposit_deadline"])
        code = _typed(data, "exam", str, where)
        exam = self.get_model("Exam")._default_manager.filter(version=version, code=code).first()
        if exam is None:
            raise ReferentielFileError(f"{where} : épreuve {code} absente de la version {version}.")
        annexes = _check_keys(data["annexes"], f"{where} annexes", [], ["fiche", "grid", "evaluation", "nv"])
        deadline = data.get("deposit_deadline")
        if deadline is not None and not isinstance(deadline, datetime.date):
            raise ReferentielFileError(f"{where} : deposit_deadline doit être une date AAAA-MM-JJ.")
        values = {
            "fiches_required": _typed(data, "fiches_required", int, where),
            "one_fiche_per_kind": _flag(data, "one_fiche_per_kind", True, where),
            "real_lived_minimum": _typed(data, "real_lived_minimum", int, where),
            **{f"{key}_annex": str(annexes.get(key) or "") for key in ("fiche", "grid", "evaluation", "nv")},
        }
        rule = self.sync(
            "ExamRule", {"session": session, "exam": exam}, values, create_only={"deposit_deadline": deadline}
        )
        for situation in _list(data, "situations", where):
            self.situation(rule, situation, where)

    def situation(self, rule: models.Model, data: dict[str, Any], where: str) -> None:
        where = f"{where} situation {data.get('code')!r}"
        _check_keys(data, where, ["code", "title"], ["duration_minutes", "candidate_present"])
        duration = data.get("duration_minutes")
        if duration is not None:
            duration = _typed(data, "duration_minutes", int, where)
        self.sync(
            "SituationRule",
            {"rule": rule, "code": _typed(data, "code", str, where)},
            {
                "title": _typed(data, "title", str, where),
                "duration_minutes": duration,
                "candidate_present": _flag(data, "candidate_present", True, where),
            },
        )


def _current_value(obj: models.Model, key: str) -> Any:
    """Compare foreign keys by id so that a check costs no query."""
    field_ = obj._meta.get_field(key)
    return getattr(obj, field_.attname if isinstance(field_, models.Field) else key)


def _comparable(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value
