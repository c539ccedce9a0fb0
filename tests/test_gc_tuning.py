"""The collector's pace while phases run: slower inside, as it was afterwards, even on an error."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

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


EXIT_SCRIPT = """
import atexit, gc, weakref
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))  # runs after the tool's hook
from restructure.gc_tuning import fewer_collections
with fewer_collections():
    pass
class Holder:
    pass
holder = Holder()
weakref.finalize(holder, print, "finalizer ran")
"""


def test_the_exit_skips_the_final_collection_but_runs_finalizers() -> None:
    done = subprocess.run([sys.executable, "-c", EXIT_SCRIPT], capture_output=True, text=True, check=True)
    assert "frozen at exit: True" in done.stdout
    assert "finalizer ran" in done.stdout


ENDING_SCRIPT = """
import gc
from restructure.gc_tuning import YOUNG_COLLECTION_EVERY, fewer_collections
made = []
with fewer_collections(process_ends=True):
    made = [[i] for i in range(1000)]
print("frozen after:", gc.get_freeze_count() >= 1000)
print("young threshold kept:", gc.get_threshold()[0] == YOUNG_COLLECTION_EVERY)
"""


def test_a_run_that_ends_the_process_leaves_its_objects_frozen() -> None:
    """``invoke`` exits after the run: no collection walks the run's objects on the way out."""
    done = subprocess.run([sys.executable, "-c", ENDING_SCRIPT], capture_output=True, text=True, check=True)
    assert "frozen after: True" in done.stdout
    assert "young threshold kept: True" in done.stdout


def test_a_phase_leaves_no_tree_for_the_collector(tmp_path: Path) -> None:
    """A tree and the images derived from it hold each other; the phase releases them when it
    ends, so refcounting frees its trees (and their texts) without a collection. The only
    tree left is the one the import-roots inference keeps for the next phase, with nothing
    derived from it."""
    from restructure import engine
    from restructure.trees import FileTree
    from tests.conftest import MONOREPO, make_git_copy

    repo = make_git_copy(MONOREPO, tmp_path / "repo")
    gc.collect()
    before = {id(o) for o in gc.get_objects() if isinstance(o, FileTree)}  # other tests' trees
    gc.disable()
    try:
        engine.run_phase(repo, 1, dry_run=True, echo=lambda _text: None)
        alive = [o for o in gc.get_objects() if isinstance(o, FileTree) and id(o) not in before]
    finally:
        gc.enable()
    assert len(alive) <= 1, f"{len(alive)} trees wait for the collector"
    assert all(not tree.derived for tree in alive)


HELD_SCRIPT = """
import sys
import restructure.python.syntax as syntax
from restructure.gc_tuning import fewer_collections
class Noisy:
    def __del__(self):
        sys.stdout.write("deallocated at teardown\\n")
syntax._RECENT.trees["held"] = Noisy()  # what a module of the tool caches
with fewer_collections(process_ends={ends}):
    pass
print("run over")
"""


@pytest.mark.parametrize("ends", [True, False])
def test_a_process_that_ends_leaves_the_tools_caches_to_the_system(ends: bool) -> None:
    """Tearing the modules down deallocated every cached parse tree one object at a time; when
    the process ends right after the run, the caches outlive the teardown (the system frees
    the memory with the process). A run inside a longer process (the tests) keeps the usual
    teardown."""
    script = HELD_SCRIPT.replace("{ends}", str(ends))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "run over" in done.stdout
    assert ("deallocated at teardown" in done.stdout) is not ends
