"""The cyclic garbage collector's pace while phases run (see :func:`fewer_collections`)."""

from __future__ import annotations

import atexit
import functools
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: Allocations between two young-generation collections while phases run (Python's default: 700).
#: Each such collection walks every object made since the last one, most of them parse trees
#: that live until their phase ends; little of it is garbage since a phase releases what it
#: derived from its trees (:func:`restructure.trees.release_derived`): the reference cycles
#: that kept each phase's trees and images alive until a collection. With that release, going
#: from 100,000 to 1,000,000 took ``invoke all``'s collections on the fixture from 0.34 to
#: 0.02 CPU s (peak 173 -> 175 MiB) and on a 5x generated tree from 1.8 to 1.0 s (peak
#: 513 -> 526 MiB); without the release the 5x peak was 899 MiB at 100,000 and 1.7 GiB at
#: 1,000,000.
YOUNG_COLLECTION_EVERY = 1_000_000


@contextmanager
def fewer_collections(process_ends: bool = False) -> Iterator[None]:
    """Run the body with the cyclic garbage collector called far less often.

    A phase builds hundreds of thousands of small LibCST nodes that live until the phase
    ends; with the default thresholds every few hundred allocations trigger a collection
    and each older-generation pass walks all of them again: measured on the built-in
    fixture, a quarter of ``invoke all``'s CPU time went to collections that freed
    little. Cycles are still collected, later: the fixture's peak memory went from 178 to
    198 MiB while the collector's CPU time fell from 1.9 s to 0.3 s (0.5 s without the
    freeze of the objects that exist before the run). The thresholds are put back and the
    frozen objects released afterwards (the test suite runs phases in its own process).

    ``process_ends``: the caller exits right after the body (an ``invoke`` task). Everything
    is frozen instead: once the thresholds were back, the next collection of the oldest
    generation walked every object the run had cached, to free memory the exit frees anyway
    (1.7 of the 55 CPU seconds of ``invoke all`` on a 5x generated tree)."""
    _at_exit_freeze()
    saved = gc.get_threshold()
    gc.freeze()  # what exists already (the imported modules) is never walked again meanwhile
    gc.set_threshold(YOUNG_COLLECTION_EVERY, 50, 100)
    try:
        yield
    finally:
        if process_ends:
            _outlive_teardown()
            gc.freeze()
        else:
            gc.set_threshold(*saved)
            gc.unfreeze()  # back among the collected: a test process runs many phases


def _outlive_teardown() -> None:
    """Keep what the tool's modules hold (their caches: the stdlib parse tree of every file
    read, the reference sites of every text) out of the interpreter's teardown, for a process
    that ends now: tearing the modules down deallocated those trees one object at a time,
    0.065 of the 4.3 CPU seconds of ``invoke all`` on the fixture, to return memory the
    process's exit returns to the system at once. The values are held by a reference cycle
    that is frozen with everything else, so no collection frees it either."""
    package = __name__.partition(".")[0]
    kept: list[object] = [
        value
        for name, module in list(sys.modules.items())
        if name == package or name.startswith(package + ".")
        for value in vars(module).values()
    ]
    kept.append(kept)


@functools.cache  # registered once per process
def _at_exit_freeze() -> None:
    """Freeze every object when the interpreter exits, before its final collection: that
    collection walked every tree the run had cached once more (1.2 of 9 CPU seconds of
    ``invoke all`` on the fixture) to free memory the exit frees anyway. Finalizers that
    ``weakref.finalize`` and ``atexit`` registered (temporary directories) still run."""
    atexit.register(gc.freeze)
