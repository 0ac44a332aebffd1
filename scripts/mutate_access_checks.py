# ruff: noqa: E501, S603
"""Remove one permission check at a time and check that the access matrix then fails.

Run from the repository root: `.venv/bin/python scripts/mutate_access_checks.py`. Each line says CAUGHT (the
matrix failed, as it must) or MISSED; the exit code counts the misses. Add a line when you add a view.
"""

import subprocess
import sys
from pathlib import Path

MUTATIONS = [
    ("accounts/views.py", "    permissions.require_staff(request.user)\n    cohorts = (", "    cohorts = ("),
    (
        "accounts/views.py",
        "cohort = permissions.get_cohort_for_user(request.user, pk)\n    students",
        "from accounts.models import Cohort; cohort = Cohort.objects.get(pk=pk)\n    students",
    ),
    (
        "accounts/views.py",
        "student = permissions.get_student_for_user(request.user, pk)",
        "from accounts.models import Student; student = Student.objects.get(pk=pk)",
    ),
    ("accounts/views.py", "    permissions.require_admin(request.user)\n    entries", "    entries"),
    (
        "accounts/views.py",
        "    permissions.require_staff(request.user)\n    establishment_ids = permissions.staff_establishment_ids",
        "    establishment_ids = permissions.staff_establishment_ids",
    ),
    (
        "accounts/views.py",
        "    permissions.require_admin(request.user)\n    establishment_ids = permissions.admin_establishment_ids(request.user)\n    establishment = ",
        "    establishment_ids = permissions.admin_establishment_ids(request.user)\n    establishment = ",
    ),
    (
        "accounts/views.py",
        "    permissions.require_admin(request.user)\n    establishment_ids = permissions.admin_establishment_ids(request.user)\n    form = CohortForm",
        "    establishment_ids = permissions.admin_establishment_ids(request.user)\n    form = CohortForm",
    ),
    (
        "accounts/views.py",
        "    if cohort.establishment_id not in permissions.admin_establishment_ids(request.user):\n        raise PermissionDenied",
        "    if False:\n        raise PermissionDenied",
    ),
    (
        "accounts/views_import.py",
        "cohort = permissions.get_cohort_for_admin(request.user, pk)",
        "from accounts.models import Cohort; cohort = Cohort.objects.get(pk=pk)",
    ),
    ("accounts/views_outbox.py", "    permissions.require_admin(request.user)\n", ""),
    ("referentiel/views.py", "@login_required\ndef referentiel_detail", "def referentiel_detail"),
    ("accounts/views.py", "@login_required\ndef home", "def home"),
    (
        "accounts/permissions.py",
        "    raise PermissionDenied(\"Seuls l'administration",
        "    return cohort\n    raise PermissionDenied(\"Seuls l'administration",
    ),
]
failures = 0
for path, old, new in MUTATIONS:
    p = Path(path)
    original = p.read_text()
    if old not in original:
        print("NOT FOUND", path, old[:60])
        failures += 1
        continue
    p.write_text(original.replace(old, new, 1))
    try:
        r = subprocess.run(
            [".venv/bin/python", "-m", "pytest", "-q", "-x", "tests/test_access_matrix.py", "-p", "no:randomly"],
            capture_output=True,
            text=True,
        )
    finally:
        p.write_text(original)
    caught = r.returncode != 0
    print("CAUGHT " if caught else "MISSED ", path, old.strip().splitlines()[0][:70])
    failures += not caught
sys.exit(failures)
