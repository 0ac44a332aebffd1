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
