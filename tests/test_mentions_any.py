"""``mentions_any``: one trie regex pass against ``any(n in text for n in needles)``, one row
per shape of needle set, and a seeded sweep of random texts and needles."""

# ruff: noqa: E501  (table rows read best one per line)

from __future__ import annotations

import random

import pytest

from restructure.engine import mentions_any

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


@pytest.mark.parametrize(("label", "needles", "texts"), ROWS, ids=[r[0] for r in ROWS])
def test_mentions_any_is_any_substring(label: str, needles: list[str], texts: list[str]) -> None:
    for text in texts:
        assert mentions_any(text, needles) == any(n in text for n in needles), (label, text)


def test_rows_hold_hits_and_misses() -> None:
    answers = {mentions_any(text, needles) for _, needles, texts in ROWS for text in texts}
    assert answers == {True, False}


def test_random_needle_sets_and_texts() -> None:
    rng = random.Random(7)
    alphabet = "ab./_\n"
    for _ in range(400):
        needles = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(0, 30))]
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert mentions_any(text, needles) == any(n in text for n in needles), (needles, text)
