"""``manage.py …`` with the packs' last rendering step made slow: the worker can then be killed mid-build.

Test only (test_packs_worker_killed.py starts it in a subprocess). The slowness is a monkeypatch applied here,
before the command runs; production code has no sleep and no switch for it. When the slow step starts, it writes
the file named by ``SLOW_PACK_MARKER`` so the test knows the build is under way.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ndrc.settings")

import django  # noqa: E402

django.setup()

from django.core.management import execute_from_command_line  # noqa: E402

from certification.evaluation.services import packs  # noqa: E402

_render = packs.formative_summary_pdf


def _slow_summary(commission, student):
    Path(os.environ["SLOW_PACK_MARKER"]).write_text(str(student.pk))
    time.sleep(float(os.environ.get("SLOW_PACK_SECONDS", "120")))
    return _render(commission, student)


packs.formative_summary_pdf = _slow_summary

if __name__ == "__main__":
    execute_from_command_line(["manage.py", *sys.argv[1:]])
