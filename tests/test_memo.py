"""The collector pause around a build: the build's objects leave the youngest generation at once, and stay collectable."""

from __future__ import annotations

import gc
import weakref

from kb import memo


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_pause_leaves_nothing_young_and_restores_the_collector() -> None:
    assert gc.isenabled()
    with memo.collector_paused():
        assert not gc.isenabled()
        kept = [[index] for index in range(200_000)]  # tracked containers, as a build makes
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # nothing left frozen out of later collections
    # Already in the oldest generation: no young collection walks them, a full one still does.
    oldest = {id(item) for item in gc.get_objects(generation=2)}
    assert id(kept[0]) in oldest and id(kept[-1]) in oldest


def test_a_nested_pause_keeps_the_collector_off_until_the_outer_one_ends() -> None:
    with memo.collector_paused():
        with memo.collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_cycles_made_during_a_pause_are_still_collected() -> None:
    with memo.collector_paused():
        first, second = _Node(), _Node()
        first.other, second.other = second, first
        probe = weakref.ref(first)
        del first, second
    assert probe() is not None  # a cycle: reference counting alone cannot free it
    gc.collect()
    assert probe() is None
