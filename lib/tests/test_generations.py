"""lib.generations: a kept value is read again while its generation stands, and computed again after a commit that
wrote a watched model — never before that commit, never from inside a transaction."""

import pytest
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from lib import generations
from lib.models import Generation, PendingFileDeletion

NAME = "test-generation"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def watched():
    generations.watch(NAME, PendingFileDeletion)
    yield
    uid = f"generation:{NAME}:{PendingFileDeletion._meta.label}"
    post_save.disconnect(sender=PendingFileDeletion, dispatch_uid=uid)
    post_delete.disconnect(sender=PendingFileDeletion, dispatch_uid=uid)
    generations.WATCHED.pop(NAME, None)


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return PendingFileDeletion.objects.count()


def _memo(compute):
    return generations.memo((NAME,), "files", compute)


def test_a_value_is_kept_until_a_watched_model_is_written(watched):
    compute = Counter()
    assert (_memo(compute), _memo(compute), compute.calls) == (0, 0, 1)

    PendingFileDeletion.objects.create(name="a.pdf")  # autocommit: the generation is raised at once

    assert (_memo(compute), _memo(compute), compute.calls) == (1, 1, 2)
    PendingFileDeletion.objects.get().delete()
    assert (_memo(compute), compute.calls) == (0, 3)


def test_the_generation_is_raised_after_the_commit_not_before(watched):
    compute = Counter()
    _memo(compute)
    before = generations.current((NAME,))
    with transaction.atomic():
        PendingFileDeletion.objects.create(name="a.pdf")
        PendingFileDeletion.objects.create(name="b.pdf")
        assert generations.current((NAME,)) == before  # nothing raised while the writer works
        assert _memo(compute) == 2  # inside a transaction: computed, its own writes counted, not kept
    assert generations.current((NAME,)) == (before[0] + 1,)  # once per transaction, however many writes
    assert (_memo(compute), compute.calls) == (2, 3)


def test_a_rolled_back_transaction_raises_nothing_a_rolled_back_savepoint_loses_no_later_write(watched):
    before = generations.current((NAME,))
    with pytest.raises(RuntimeError), transaction.atomic():
        PendingFileDeletion.objects.create(name="a.pdf")
        raise RuntimeError
    assert generations.current((NAME,)) == before

    with transaction.atomic():
        try:
            with transaction.atomic():
                PendingFileDeletion.objects.create(name="b.pdf")
                raise RuntimeError
        except RuntimeError:
            pass
        PendingFileDeletion.objects.create(name="c.pdf")  # its callback outlives the savepoint's
    assert generations.current((NAME,)) > before


def test_writes_without_signals_raise_what_watches_their_model(watched):
    compute = Counter()
    _memo(compute)
    PendingFileDeletion.objects.bulk_create([PendingFileDeletion(name="a.pdf")])
    assert _memo(compute) == 0  # bulk_create sent no signal: the kept value stands…
    generations.changed(PendingFileDeletion)  # …until the writer says so, as every bulk write of a watched model does
    assert (_memo(compute), compute.calls) == (1, 2)


def test_an_emptied_table_starts_again_from_a_random_number(watched):
    compute = Counter()
    _memo(compute)
    (first,) = generations.current((NAME,))
    Generation.objects.all().delete()  # a demo reset, a flush
    PendingFileDeletion.objects.bulk_create([PendingFileDeletion(name="a.pdf")])
    (again,) = generations.current((NAME,))
    assert again != first  # so the value kept under the old number is not read back
    assert _memo(compute) == 1
