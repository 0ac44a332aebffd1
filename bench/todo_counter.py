"""CPU cost of the navigation's « À faire (N) » counter (``todo_count``), shown on every staff page, and of its parts.

Not collected by the suite; run it explicitly: ``.venv/bin/python -m pytest -q -s bench/todo_counter.py``. A teacher
seated on a commission of 30 candidates. « grid compile » is what the ORM spends turning the grids' queryset into SQL
on every call, the cost ``lib.prepared`` saves by compiling it once per process.
"""

import statistics
import time

from django.db import connection
from django.utils import timezone

from certification.evaluation.selectors import todo, todo_deliveries
from tests.factories_certification_grids import fill_grid, seat, with_professional
from tests.factories_certification_marks import add_students


def _t(label, fn):
    fn()
    samples = []
    for _ in range(50):
        start = time.process_time()
        fn()
        samples.append((time.process_time() - start) * 1000)
    print(f"{label:30} {statistics.median(samples):.2f} ms CPU")


def test_todo_counter_cost(cast):
    commission = with_professional(cast)
    students = add_students(cast, 30, commission=commission)
    fill_grid(commission, students[0], seat(commission, cast.teacher), ["S"])
    user = cast.teacher
    now = timezone.now()
    _t("todo_count", lambda: todo.todo_count(user))
    _t("blocking_steps", lambda: todo.blocking_steps(user))
    _t("sheets", lambda: list(todo._sheet_values(user.pk)))
    _t("grid build", lambda: todo._grid_rows(user.pk, now, timezone.localdate(now)))
    _t("grid compile", lambda: str(todo._grid_rows(user.pk, now, timezone.localdate(now)).query))
    _t("grid count", lambda: todo._grid_rows(user.pk, now, timezone.localdate(now)).order_by().count())
    _t("subjects count", lambda: todo._subject_rows(user.pk).order_by().count())
    _t("subjects compile", lambda: str(todo._subject_rows(user.pk).query))
    _t("deliveries count", lambda: todo_deliveries.delivery_rows(user.pk).count())
    sql = str(todo._grid_rows(user.pk, now, timezone.localdate(now)).query)
    print(f"the grids' SQL: {len(sql)} characters ({connection.vendor})")
