"""A written Python file is refused exactly when compiling its text is refused.

:func:`restructure.text.validate.check` compiles the run's shared ``ast`` parse of the text
(later steps read the same tree) rather than the text. Each row is a text the compiler
refuses for one reason (the grammar, or a rule checked after parsing: a misplaced
``from __future__``, ``return`` or ``break`` outside their block, ``nonlocal`` at module
level, a duplicate argument) or accepts; the verdict and the message must be those of
``compile(text)``.
"""

from __future__ import annotations

import pytest

from restructure.text.validate import InvalidResult, check

ROWS = [
    ("valid code", "from __future__ import annotations\n\nimport os\n\n\ndef f() -> str:\n    return os.sep\n"),
    ("a grammar error", "def f(:\n    pass\n"),
    ("an unclosed bracket", "x = [1,\n"),
    ("a misplaced from __future__", "import os\nfrom __future__ import annotations\n"),
    ("return outside a function", "x = 1\nreturn x\n"),
    ("break outside a loop", "if True:\n    break\n"),
    ("yield outside a function", "yield 1\n"),
    ("await outside an async function", "def f():\n    await g()\n"),
    ("nonlocal at module level", "nonlocal x\n"),
    ("a duplicate argument", "def f(a, a):\n    pass\n"),
    ("an unknown future feature", "from __future__ import braces_everywhere\n"),
    ("a null byte", "x = 1\0\n"),
    ("mixed tabs and spaces", "if True:\n\tx = 1\n        y = 2\n"),
    ("a lambda default after a non-default", "f = lambda a=1, b: a\n"),
]


def by_definition(path: str, text: str) -> str | None:
    try:
        compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"{path}:{exc.lineno}: Python syntax error: {exc.msg}"
    return None


@pytest.mark.parametrize(("hazard", "text"), ROWS, ids=[r[0] for r in ROWS])
def test_refused_as_compiling_the_text_refuses_it(hazard: str, text: str) -> None:
    expected = by_definition("pkg/mod.py", text)
    if expected is None:
        check("pkg/mod.py", text)
        return
    with pytest.raises(InvalidResult) as raised:
        check("pkg/mod.py", text)
    assert str(raised.value) == expected


def test_the_table_holds_refusals_beyond_the_grammar() -> None:
    import ast

    beyond = []
    for hazard, text in ROWS:
        try:
            ast.parse(text)
        except SyntaxError:
            continue
        if by_definition("pkg/mod.py", text) is not None:
            beyond.append(hazard)
    assert len(beyond) >= 5, beyond  # a parse alone would let these through
