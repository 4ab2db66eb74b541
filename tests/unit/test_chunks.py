"""`storage.db.chunks`: long IN (...) lists in order, none longer than the size every backend binds."""

from __future__ import annotations

import pytest

from storage.db import IN_LIST_CHUNK, chunks


def test_items_come_in_order_in_lists_of_at_most_the_size():
    assert list(chunks(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunks([], 3)) == []


def test_the_default_size_leaves_room_for_two_parameters_an_item_under_sqlites_oldest_limit():
    assert 2 * IN_LIST_CHUNK + 10 <= 999
    assert [len(c) for c in chunks(range(IN_LIST_CHUNK + 1))] == [IN_LIST_CHUNK, 1]


def test_any_iterable_will_do():
    assert list(chunks((n for n in "abc"), 2)) == [["a", "b"], ["c"]]
    assert list(chunks({"x": 1}, 5)) == [["x"]]


def test_a_size_below_one_is_a_mistake():
    with pytest.raises(ValueError):
        list(chunks([1], 0))
