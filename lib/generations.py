"""Derived figures kept while their inputs stand: a number (« generation ») per kind of derived data, raised after
every commit that wrote one of the models it is computed from.

Two computations cost their pages far more than the rest of them: the lifecycle steps counted in the navigation's
« À faire (N) » on every staff page (fourteen queries the ORM compiles each time), and the académie's harmonisation
page (2,400 candidates). Both change only when a commission records something — not when a student types in a fiche
or a teacher positions a grid line — so ``memo(names, key, compute)`` keeps ``compute()``'s value in the "shared"
cache (a database table: one computation serves every worker and host) under the current numbers of ``names``, and
returns it while those numbers stand.

- ``watch(name, *models)`` raises ``name`` after the commit of any transaction that saved or deleted one of
  ``models`` (``post_save``, ``post_delete``). Writes that send no signal (``QuerySet.update``, ``bulk_create``) call
  ``changed(Model)`` themselves, which raises whatever watches that model (the writer need not know who reads it);
  a test runs each memoised computation and checks that every table it reads is watched.
- The number is raised *after* the commit, outside the writer's transaction: no lock is held on its row while the
  writer works. A reader reads the numbers first, then the rows: it may keep fresh rows under an old number (read
  again after the raise), never old rows under the new number.
- Inside a transaction ``memo`` computes and keeps nothing: that transaction's own writes are not counted yet.
- An entry also expires after ``timeout`` seconds: a bound on any write whose ``bump`` would be missing.
"""

import secrets
from collections import defaultdict
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save

from lib.models import Generation

T = TypeVar("T")

TIMEOUT = 300  # seconds
WATCHED: dict[str, set[type[Model]]] = defaultdict(set)
_MISSING = object()


def watch(name: str, *models: type[Model]) -> None:
    """Raise ``name`` after every commit that saved or deleted a row of one of ``models``."""

    def saved_or_deleted(sender: type[Model], using: str = DEFAULT_DB_ALIAS, **kwargs: object) -> None:
        bump(name, using=using)

    for model in models:
        WATCHED[name].add(model)
        uid = f"generation:{name}:{model._meta.label}"
        post_save.connect(saved_or_deleted, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(saved_or_deleted, sender=model, weak=False, dispatch_uid=uid)


def changed(*models: type[Model], using: str = DEFAULT_DB_ALIAS) -> None:
    """Rows of ``models`` were written without a signal (``QuerySet.update``, ``bulk_create``): raise every
    generation that watches one of them, after the commit."""
    for name, watched in WATCHED.items():
        if watched.intersection(models):
            bump(name, using=using)


def bump(name: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise ``name`` once the current transaction commits (now, outside a transaction)."""
    connection = connections[using]
    pending: set[str] = connection.__dict__.setdefault("_generations_pending", set())
    pending.add(name)
    # One callback per call: a callback registered in a savepoint that rolls back is dropped, the later ones are
    # not. The first to run raises every pending name; the others find nothing left.
    transaction.on_commit(lambda: _raise_pending(using), using=using, robust=True)


def _raise_pending(using: str) -> None:
    pending: set[str] = connections[using].__dict__.get("_generations_pending", set())
    names = tuple(sorted(pending))
    pending.clear()
    # A missing row is created from a random number, which is as new as a raised one.
    if names and Generation.objects.using(using).filter(name__in=names).update(value=F("value") + 1) < len(names):
        _ensure(names, using)


def _ensure(names: tuple[str, ...], using: str) -> None:
    """Create the missing rows, each from a random number: after the database is emptied (a demo reset, ``flush``),
    the new numbers meet none of those a process still keeps entries under."""
    rows = Generation.objects.using(using)
    found = set(rows.filter(name__in=names).values_list("name", flat=True))
    for name in set(names) - found:
        rows.get_or_create(name=name, defaults={"value": secrets.randbelow(2**40) + 1})


def current(names: tuple[str, ...], *, using: str = DEFAULT_DB_ALIAS) -> tuple[int, ...]:
    """The numbers of ``names``, in one query (rows created the first time)."""
    values = dict(Generation.objects.using(using).filter(name__in=names).values_list("name", "value"))
    if len(values) < len(names):
        _ensure(names, using)
        values = dict(Generation.objects.using(using).filter(name__in=names).values_list("name", "value"))
    return tuple(values[name] for name in names)


def memo(names: tuple[str, ...], key: str, compute: Callable[[], T], *, timeout: int = TIMEOUT) -> T:
    """``compute()``, kept in the "shared" cache under ``key`` and the current numbers of ``names``."""
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return compute()
    numbers = current(names)
    full_key = f"generations:{key}:{'-'.join(map(str, numbers))}"
    cache = caches["shared"]
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(full_key, value, timeout)
    return value
