"""Every test folder of the repository is in pytest's testpaths: `make test` (and CI) run only those, and twice an
app's tests were silently left out (harmonisation and health, then mock_exams)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_top_level_package_with_tests_is_collected():
    testpaths = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"])
    with_tests = {
        path.parts[len(ROOT.parts)]
        for path in ROOT.glob("*/**/test_*.py")
        if "tests" in path.parts[len(ROOT.parts) :] and path.parts[len(ROOT.parts)] not in {".venv", "var"}
    }
    assert with_tests - testpaths == set()


def test_every_transactional_test_puts_the_migrated_data_back():
    """A ``transaction=True`` test without ``serialized_rollback`` flushes the database and lets post_migrate recreate
    the content types; the next browser test then reloads its serialized copy on top of them and fails at setup
    (« UNIQUE constraint failed: django_content_type »), in whichever test follows it on the same xdist worker."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.glob("*/**/test_*.py")
        if ".venv" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "django_db(transaction=True" in line and "serialized_rollback=True" not in line
    ]
    assert offenders == []


def test_no_module_is_over_500_lines():
    """Issue 15: a module past 500 lines (migrations and data aside) is split by what it answers, before it grows
    into the next « where is X? »."""
    skipped = {".venv", ".git", "var", "node_modules", "migrations", "data"}
    long = {
        str(path.relative_to(ROOT)): count
        for path in ROOT.rglob("*.py")
        if not skipped.intersection(path.relative_to(ROOT).parts)
        for count in [len(path.read_text(encoding="utf-8").splitlines())]
        if count > 500
    }
    assert long == {}
