"""The collector's pace while phases run: slower inside, as it was afterwards, even on an error."""

from __future__ import annotations

import gc

import pytest

from restructure.gc_tuning import YOUNG_COLLECTION_EVERY, fewer_collections


def test_thresholds_raised_inside_and_restored_after() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == YOUNG_COLLECTION_EVERY > before[0]
        assert gc.get_freeze_count() > 0, "the objects that existed before are frozen"
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0, "and released afterwards"


def test_thresholds_restored_when_the_body_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("phase failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
