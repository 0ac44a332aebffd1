"""No exam code and no situation letter is tested in the code: what an exam is comes from its definition.

``referentiel.exams`` (``exam.definition``, ``situation.definition``) says which exam has a single assessor, a fiche
sujet, « réelle vécue » fiches…; ``Exam.ccf`` says which exams are taken in CCF. A new exam or a new circular is then
a data change. This test walks the application's ``.py``, ``.html`` and ``.jinja`` files and fails on an exam code
written as a string literal (``"E4"``, ``'E6'``) or on a comparison of a situation code with a letter
(``situation.code == "B"``, ``situation__code="A"``, ``code__in=("A", "B")``, ``("E4", "B")``).

Not walked: the data (``data/``), migrations, tests (they may name exams), the benchmarks (``bench/``: scenarios
named after an exam) and the files listed in ``NOT_YET_CONVERTED``.
"""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Directories never walked, wherever they are.
SKIPPED_DIRS = {"migrations", "tests", "__pycache__", "node_modules"}
# Directories skipped at the top of the repository only.
SKIPPED_TOP_DIRS = {"data", "bench", "var", "media", "static"}

# Files that name situations by their letter, with the reason: scenario data written in Python, not rules. Each one
# declares the dated steps of its scenario per situation code (as data/sessions declares the situations).
NOT_YET_CONVERTED = {
    "certification/commissions/demo.py": "demo scenario: the dated steps of each situation of the demo commissions",
    "dataset/certifying.py": "generated scenario: the dated steps of each situation of the generated commissions",
}

EXAM_CODE = re.compile(r"""(["'])E\d+\1""")
SITUATION_LETTER = re.compile(
    r"""\bcode\s*(?:==|!=)\s*(["'])[A-Z]\1"""  # situation.code == "B"
    r"""|(["'])[A-Z]\2\s*(?:==|!=)\s*[\w.]*code\b"""  # "B" == situation.code
    r"""|code(?:__in)?\s*=\s*[(\[]?\s*(["'])[A-Z]\3"""  # situation__code="B", code__in=("A", "B")
    r"""|\bin\s*[(\[]\s*(["'])[A-Z]\4\s*,"""  # situation.code in ("A", "B")
)


def offences(text: str) -> list[tuple[int, str]]:
    """``(line number, line)`` of each line naming an exam code or comparing a situation code with a letter."""
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if EXAM_CODE.search(line) or SITUATION_LETTER.search(line)
    ]


def walked_files() -> list[str]:
    """The repository's ``.py``, ``.html`` and ``.jinja`` files this rule applies to, relative to the root
    (``/`` separated)."""
    found = []
    for directory, subdirs, files in os.walk(ROOT):
        relative = Path(directory).relative_to(ROOT)
        subdirs[:] = sorted(
            name
            for name in subdirs
            if not name.startswith(".")
            and name not in SKIPPED_DIRS
            and not (relative == Path(".") and name in SKIPPED_TOP_DIRS)
        )
        for name in sorted(files):
            if name.endswith((".py", ".html", ".jinja")) and not name.startswith("test_"):
                found.append((relative / name).as_posix())
    return found


@pytest.mark.parametrize(
    "line",
    [
        'if exam.code == "E4":',
        "if commission.exam.code != 'E6':",
        'CCF_EXAMS = ("E4", "E6")',
        'Exam.objects.filter(code__in=["E4", "E6"])',
        'commission={"exam__code": "E4"}',
        '{% if commission.exam.code == "E4" %}',
        'return situation.code == "B"',
        '{% if situation.code == "B" %}',
        'Passage.objects.filter(situation__code="B")',
        'situations.filter(code__in=("A", "B"))',
        'if situation.code in ("A", "B"):',
        'if "A" == situation.code:',
        'return {("E4", "B"): "chosen"}',
    ],
)
def test_the_rule_sees_an_exam_code_or_a_situation_letter(line):
    assert offences(f"def view(request):\n    {line}\n") == [(2, line)]


@pytest.mark.parametrize(
    "line",
    [
        "if exam.definition.single_assessor:",
        "{% if situation.definition.subject_sheet %}",
        "Exam.objects.filter(ccf=True)",
        'sheet.column_dimensions[chr(ord("A") + index - 1)].width = width',
        'f"Fiche {exam.code} n° {fiche.number}"',
        'kind = FicheKind.objects.get(code="nego-vente")',
        'level.code == "TS"',
    ],
)
def test_the_rule_lets_the_model_and_other_letters_be(line):
    assert offences(line) == []


def test_the_walk_covers_the_views_services_and_templates():
    files = set(walked_files())
    for path in (
        "certification/commissions/views/subjects.py",
        "certification/evaluation/services/sheets.py",
        "passeport/pdf.py",
        "dataset/passeports.py",
        "templates/certification/commissions/commission_detail.html",
        "templates/passeport/pdf/includes/fit_result.html",
    ):
        assert path in files
    assert not any(path.startswith(("data/", "bench/")) or "/migrations/" in path for path in files)
    assert set(NOT_YET_CONVERTED) <= files, "a file listed as not yet converted no longer exists: drop its line"


def test_no_exam_code_or_situation_letter_is_tested_outside_the_exam_model():
    found = []
    for path in walked_files():
        if path in NOT_YET_CONVERTED:
            continue
        found += [f"{path}:{number}: {line}" for number, line in offences((ROOT / path).read_text(encoding="utf-8"))]
    assert not found, (
        "Ask the exam's definition (exam.definition, situation.definition, Exam.ccf) instead of an exam code or a "
        "situation letter:\n" + "\n".join(found)
    )
