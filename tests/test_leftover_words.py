"""The leftover scan's word matcher: the same answer as the lookbehind pattern it replaces,
one row per character that can stand before a path."""

from __future__ import annotations

import re

import pytest

from restructure.engine import _trie_pattern, _Words

WORDS = {"app/main.py", "app/models.py", "services/a_service/app/main.py", "app.main"}
AFTER = r"(?!\w|[.-]\w)"
REFERENCE = re.compile(rf"(?<![\w./-])(?:{_trie_pattern(WORDS)}){AFTER}")

ROWS = {
    "start of the text": ("app/main.py is gone", True),
    "after a space": ("see app/main.py", True),
    "after a backtick": ("`app/main.py`", True),
    "after a quote": ('"app/models.py"', True),
    "after a letter": ("myapp/main.py", False),
    "after a digit": ("v2app/main.py", False),
    "after an underscore": ("x_app/main.py", False),
    "after a dot": ("x.app/main.py", False),
    "after a slash (a longer path)": ("src/app/main.py", False),
    "after a dash": ("my-app/main.py", False),
    "after a non-ASCII letter": ("éapp/main.py", False),
    "after a non-ASCII space": ("\u00a0app/main.py", True),
    "first occurrence refused, second found": ("src/app/main.py and app/main.py", True),
    "longer word wins where the shorter is refused": ("services/a_service/app/main.py", True),
    "followed by a word character": ("app/main.pyc", False),
    "followed by .bak": ("app/main.py.bak", False),
    "followed by a full stop": ("moved app/main.py.", True),
    "dotted form": ("python -m app.main", True),
    "dotted form inside a longer name": ("x.app.main", False),
    "nothing": ("main.py", False),
    "empty text": ("", False),
}


@pytest.mark.parametrize(("text", "expected"), list(ROWS.values()), ids=list(ROWS))
def test_words_match_as_the_lookbehind_pattern_does(text: str, expected: bool) -> None:
    assert bool(REFERENCE.search(text)) is expected, "the row's expectation is the pattern's own answer"
    assert _Words(WORDS, AFTER).search(text) is expected
