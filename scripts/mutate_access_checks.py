# ruff: noqa: S603
"""Remove one access check at a time from the views and check that the access matrix then fails.

Run from the repository root: `.venv/bin/python scripts/mutate_access_checks.py [--only PATH_SUBSTRING]`.
Mutations are found in the view modules, not listed by hand, so a new view is covered as soon as it uses the
usual helpers:
- a call `get_<thing>_for_user(request.user, …)` or `get_cohort_for_admin(…)` swapped for its unchecked twin
  in tests/unchecked.py;
- a `write=True`, `follow=True`, `jury=True` or `manage=True` flag dropped;
- a `permissions.require_<role>(request.user)` call dropped;
- a `@login_required` decorator dropped.
Each line says CAUGHT (the matrix failed, as it must) or MISSED; the exit code counts the misses.
The files are restored after each mutation; do not edit the tree while it runs.
"""

import re
import subprocess
import sys
from pathlib import Path

VIEW_FILES = sorted(
    [
        Path("ndrc/views.py"),
        *Path("accounts").glob("views*.py"),
        *Path("passeport").glob("views*.py"),
        *Path("certification").glob("*/views.py"),
        *Path("certification").glob("*/views/*.py"),
        *Path("referentiel").glob("views*.py"),
        *Path("health").glob("views*.py"),
        *Path("mock_exams").glob("views*.py"),
    ]
)
MATRIX = [".venv/bin/python", "-m", "pytest", "-q", "-x", "tests/test_access_matrix.py", "-p", "no:randomly"]
HELPER_CALL = re.compile(
    r"\b(?:permissions\.)?(get_\w+_for_(?:user|admin)|get_commission_student|get_own_student|get_own_passage"
    r"|get_staff_establishment|require_member|get_own_candidacy)"
    r"\((request\.user)"
)
FLAG = re.compile(r",\s*(?:write|follow|jury|manage)=True")
REQUIRE = re.compile(r"^\s*permissions\.require_\w+\(request\.user\)\s*$")


def mutations(path: Path):
    lines = path.read_text().splitlines(keepends=True)
    for index, line in enumerate(lines):
        for match in HELPER_CALL.finditer(line):
            twin = f'__import__("tests.unchecked", fromlist=["_"]).{match.group(1)}('
            yield index, line[: match.start()] + twin + line[match.start(2) :], f"{match.group(1)} unchecked"
        for match in FLAG.finditer(line):
            yield index, line[: match.start()] + line[match.end() :], f"{match.group(0).strip(', ')} dropped"
        if REQUIRE.match(line):
            yield index, line[: len(line) - len(line.lstrip())] + "pass\n", line.strip() + " dropped"
        if line.strip() == "@login_required":
            yield index, "", "@login_required dropped"


def main() -> int:
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    if only:
        # Only the matrix rows of that area: much faster, and the other rows cannot catch these views anyway.
        MATRIX.extend(["-k", only.split("/")[0]])
    if subprocess.run(MATRIX, capture_output=True).returncode != 0:
        sys.exit("The access matrix fails before any mutation: fix it first, or every mutation would look caught.")
    misses = total = 0
    for path in VIEW_FILES:
        if only not in str(path):
            continue
        original = path.read_text()
        lines = original.splitlines(keepends=True)
        for index, new_line, what in list(mutations(path)):
            mutated = lines.copy()
            mutated[index] = new_line
            path.write_text("".join(mutated))
            try:
                caught = subprocess.run(MATRIX, capture_output=True).returncode != 0
            finally:
                path.write_text(original)
            total += 1
            misses += not caught
            print(f"{'CAUGHT' if caught else 'MISSED'}  {path}:{index + 1}  {what}", flush=True)
    print(f"{total - misses}/{total} mutations caught")
    return misses


if __name__ == "__main__":
    sys.exit(main())
