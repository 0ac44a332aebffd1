"""The one-way rule between the project's apps and inside ``certification``, checked on every import statement.

Project: lib ← audit, notifications ← referentiel ← accounts ← passeport ← certification ← harmonisation (an app imports
only apps on its left). Inside certification: core ← dossiers ← commissions ← evaluation, models included
(``dossiers/models.py`` never names an evaluation model). The entry points may import every sub-package:
``certification.urls``, ``certification.tasks``, ``certification.apps`` (what the generations watch) and
``certification.models`` (re-exports for migrations, ``apps.get_model`` and the other apps), the management commands.
Code inside a sub-package imports models from their sub-package, never through the ``certification.models`` re-export
(that would hide the layer). Two known exceptions (``ALLOWED``): ``certification.permissions`` (core) reads dossiers and
commissions models, because who may see a dossier depends on commission membership; the commission page (the hub of a
commission) shows how far its candidates are in the whole lifecycle, an evaluation read. Imports inside functions count
too: a lazy import is still a dependency. Tests and migrations are not checked (a test may build data of any layer).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Each layer may import the layers listed before it (and itself), never one after it.
APP_LAYERS = [
    ["lib"],
    ["audit", "notifications"],
    ["referentiel"],
    ["accounts"],
    ["passeport"],
    ["certification"],
    ["harmonisation"],
]
CERTIFICATION_LAYERS = ["core", "dossiers", "commissions", "evaluation"]
ENTRY_POINTS = (
    "certification.urls",
    "certification.tasks",
    "certification.apps",
    "certification.models",
    "certification.management",
)
ALLOWED = {
    ("certification.permissions", "certification.dossiers.models"),
    ("certification.permissions", "certification.commissions.models"),
    ("certification.commissions.views.commissions", "certification.evaluation.selectors.progress"),
}
# The Python renderers are being replaced by templates (issue 15, another branch); they read evaluation until then.
LEAVING = ("certification.render_grid", "certification.render_profiles")


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        name = ".".join(part for part in parts if part != "__init__")
        yield name, path


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _app_rank(module: str) -> int | None:
    top = module.split(".")[0]
    for rank, layer in enumerate(APP_LAYERS):
        if top in layer:
            return rank
    return None


def _certification_rank(module: str) -> int:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in CERTIFICATION_LAYERS:
        return CERTIFICATION_LAYERS.index(parts[1])
    return 0  # certification.models, certification.permissions…: the shared core


def _violations() -> list[str]:
    found = []
    for layer in APP_LAYERS:
        for package in layer:
            for module, path in _modules(package):
                for imported in _imports(path):
                    rank, own = _app_rank(imported), _app_rank(module)
                    if rank is not None and own is not None and rank > own:
                        found.append(f"{module} imports {imported}")
                    if not module.startswith("certification") or module.startswith(ENTRY_POINTS + LEAVING):
                        continue
                    if not imported.startswith("certification."):
                        continue
                    if any(module == allowed and imported.startswith(target) for allowed, target in ALLOWED):
                        continue
                    if _certification_rank(imported) > _certification_rank(module):
                        found.append(f"{module} imports {imported}")
                    elif imported.startswith("certification.models") and _certification_rank(module) > 0:
                        found.append(f"{module} imports {imported} (import from the sub-package's models)")
    return sorted(set(found))


def test_no_import_runs_against_the_dependency_direction():
    assert _violations() == []


def test_the_check_sees_an_import_against_the_direction(tmp_path, monkeypatch):
    """The test can fail: a dossiers module importing evaluation is reported."""
    fake = tmp_path / "certification" / "dossiers"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("def f():\n    from certification.evaluation.services import grids\n")
    monkeypatch.setattr("certification.tests.test_dependency_direction.ROOT", tmp_path)

    assert _violations() == [
        "certification.dossiers.bad imports certification.evaluation.services",
        "certification.dossiers.bad imports certification.evaluation.services.grids",
    ]


def test_the_check_sees_an_app_importing_a_higher_app(tmp_path, monkeypatch):
    (tmp_path / "passeport").mkdir()
    (tmp_path / "passeport" / "bad.py").write_text("from certification.models import Dossier\n")
    monkeypatch.setattr("certification.tests.test_dependency_direction.ROOT", tmp_path)

    assert _violations() == [
        "passeport.bad imports certification.models",
        "passeport.bad imports certification.models.Dossier",
    ]
