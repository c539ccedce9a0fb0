"""``mentions_any``: one trie regex pass against ``any(n in text for n in needles)``, one row
per shape of needle set, and a seeded sweep of random texts and needles."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from restructure.engine import FEW_NEEDLES, _needles_pattern, mentions_any

ROWS: list[tuple[str, list[str], list[str]]] = [
    ("no needles", [], ["", "app.main", "anything"]),
    (
        "one path",
        ["services/a/app/main.py"],
        ["x services/a/app/main.py y", "services/a/app/main.pyc", "services/a/app"],
    ),
    (
        "a needle that is a prefix of another",
        ["app.main", "app.main_x"],
        ["app.mai", "app.main", "app.main_x", "pp.main"],
    ),
    ("needles sharing a prefix", ["app/router.py", "app/routes.py", "app/r"], ["app/rout", "app/routes", "x app/r"]),
    (
        "regex metacharacters",
        ["a.b", "x(1)", "[ab]", "c*", "\\d", "^$|"],
        ["aXb", "a.b", "x(1", "[ab]", "cc", "\\d", "^$|"],
    ),
    ("non-ASCII", ["café/main.py", "ü"], ["cafe/main.py", "café/main.py", "ü"]),
    ("across a newline", ["a\nb"], ["a\nb", "a b", "ab"]),
    ("the empty needle", [""], ["", "x"]),
    ("a needle longer than the text", ["services/academy_service/app/main.py"], ["services/", ""]),
    ("overlapping occurrences", ["aab", "ab"], ["aaab", "aab", "ba"]),
]


def trie(text: str, needles: list[str]) -> bool:
    """The trie regex alone (``mentions_any`` takes it beyond ``FEW_NEEDLES`` needles)."""
    return _needles_pattern(tuple(needles)).search(text) is not None


WAYS = {"mentions_any": mentions_any, "the trie regex alone": trie}


@pytest.mark.parametrize("way", WAYS.values(), ids=WAYS.keys())
@pytest.mark.parametrize(("label", "needles", "texts"), ROWS, ids=[r[0] for r in ROWS])
def test_mentions_any_is_any_substring(
    way: Callable[[str, list[str]], bool], label: str, needles: list[str], texts: list[str]
) -> None:
    for text in texts:
        assert way(text, needles) == any(n in text for n in needles), (label, text)


MANY = [f"services/s{i}_service/app/main.py" for i in range(40)] + [f"s{i}_service.app.router" for i in range(40)]
MANY_TEXTS = ["", "services/s39_service/app/main.py", "x s7_service.app.router", "services/s40_service/app/main.py"]


def test_many_needles_take_the_trie_regex() -> None:
    assert len(MANY) > FEW_NEEDLES
    for text in MANY_TEXTS:
        assert mentions_any(text, MANY) == any(n in text for n in MANY), text
    assert [mentions_any(t, MANY) for t in MANY_TEXTS] == [False, True, True, False]


def test_rows_hold_hits_and_misses() -> None:
    answers = {mentions_any(text, needles) for _, needles, texts in ROWS for text in texts}
    assert answers == {True, False}


@pytest.mark.parametrize("way", WAYS.values(), ids=WAYS.keys())
def test_random_needle_sets_and_texts(way: Callable[[str, list[str]], bool]) -> None:
    rng = random.Random(7)
    alphabet = "ab./_\n"
    for _ in range(400):
        needles = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(0, 60))]
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert way(text, needles) == any(n in text for n in needles), (needles, text)
