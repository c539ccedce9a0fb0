"""Statements cut from the source must be exactly what LibCST generates for them.

One row per layout hazard around a top-level statement; for each row every statement's cut
text is compared with ``Module.code_for_node``, and modules assembled from the statements
(reordered, given other leading lines as a split does, mixed with generated statements) with
``Module.code``. Rows LibCST and ``ast`` count differently must fall back, never cut wrong.
"""

from __future__ import annotations

import libcst as cst
import pytest

from restructure.python.compose import separated
from restructure.python.statement_text import module_code, source_statements

ROWS = {
    "plain statements": "import x\n\nA = 1\n\nB = 2\n",
    "header comments and a blank line": "#!/usr/bin/env python\n# licence\n\nA = 1\nB = 2\n",
    "comments directly above the first statement": "# about A\nA = 1\n",
    "docstring first": '"""Doc."""\n\nA = 1\n',
    "comment lines above a statement": "A = 1\n\n# about B\n# more\nB = 2\n",
    "decorated function, comments between decorators": (
        "A = 1\n\n\n# why\n@deco\n# between\n@other(1)\n\ndef f():\n    return 1\n"
    ),
    "semicolons": "A = 1; B = 2\nC = 3\n",
    "semicolon and backslash": "A = 1; \\\n  B = 2\nC = 3\n",
    "block with an indented trailing comment": "def f():\n    x = 1\n    # trailing, indented\n\nB = 2\n",
    "class with a comment at column 0 after it": "class C:\n    a = 1\n# after the class\nB = 1\n",
    "CRLF line ends": "A = 1\r\n\r\n# c\r\nB = 2\r\nC = 2\r\n",
    "form feed on a blank line": "A = 1\n\x0c\nB = 2\n",
    "form feed before a comment": "A = 1\n\x0c# page\nB = 2\n",
    "backslash continuation": "A = \\\n    1\nB = 2\n",
    "string with newlines": 'A = """\nx\n"""\nB = 2\n',
    "trailing comments at the end of the file": "A = 1\n\n# footer\n",
    "trailing whitespace and tabs": "A = 1   \n\t\nB = 2\t# note\n",
    "compound one-liners": "if x: y = 1\nfor i in z: pass\nB = 2\n",
    "if/elif/else and try/finally": (
        "if a:\n    b = 1\nelif c:\n    pass\nelse:\n    d = 2\ntry:\n    e()\nfinally:\n    f()\n"
    ),
    "async def and with": "async def f():\n    async with x as y:\n        pass\n\nwith a, b:\n    pass\n",
    "tab indentation": "def f():\n\treturn 1\n\n\nclass C:\n\tx = 1\n",
    "two-space indentation": "def f():\n  if x:\n    return 1\n",
    "match statement": "match x:\n    case 1:\n        pass\n    case _:\n        y = 2\n",
    "non-ASCII text": "A = 'café'  # ünïcode\n# ñ\nB = 2\n",
    "empty lines at the very end": "A = 1\n\n\n",
}


@pytest.mark.parametrize("source", list(ROWS.values()), ids=list(ROWS))
def test_cut_texts_equal_libcst_code(source: str) -> None:
    module = cst.parse_module(source)
    known = source_statements(module, source)
    assert known is not None, "this layout is cut, not generated"
    for node in module.body:
        assert known.text_of(node, module) == module.code_for_node(node)
    assert module_code(module, known) == source


@pytest.mark.parametrize("source", list(ROWS.values()), ids=list(ROWS))
def test_assembled_modules_equal_libcst_code(source: str) -> None:
    """Reversed, spaced as a split spaces definitions, with a comment carried above one and a
    generated statement among them: the assembly's text is still ``Module.code``."""
    module = cst.parse_module(source)
    known = source_statements(module, source)
    generated = cst.parse_statement("from x import y\n")
    carried = cst.EmptyLine(comment=cst.Comment("# carried"))
    body = [separated(node) for node in reversed(module.body)]
    body[0] = body[0].with_changes(leading_lines=[carried, *body[0].leading_lines])
    new = module.with_changes(body=[generated, *body], header=[], footer=[carried])
    assert module_code(new, known) == new.code


FALLBACKS = {
    "no final newline": "A = 1\nB = 2",
    "a lone carriage return": "A = 1\rB = 2\n",
    "no statements": "# only a comment\n",
}


@pytest.mark.parametrize("source", list(FALLBACKS.values()), ids=list(FALLBACKS))
def test_layouts_the_cut_cannot_trust_fall_back(source: str) -> None:
    module = cst.parse_module(source)
    assert source_statements(module, source) is None
    assert module_code(module, None) == source


def test_a_statement_changed_inside_is_generated() -> None:
    """Only leading lines may differ from the source's statement; any other change is generated."""
    source = "A = 1\nB = 2\n"
    module = cst.parse_module(source)
    known = source_statements(module, source)
    assert known is not None
    changed = module.body[1].with_changes(body=[cst.parse_statement("B = 3\n").body[0]])
    assert known.text_of(changed, module) is None
    new = module.with_changes(body=[module.body[0], changed])
    assert module_code(new, known) == "A = 1\nB = 3\n"


def test_another_indentation_or_newline_is_generated() -> None:
    source = "def f():\n    return 1\n"
    module = cst.parse_module(source)
    known = source_statements(module, source)
    assert known is not None
    other = module.with_changes(default_indent="\t")
    assert known.text_of(module.body[0], other) is None
    assert module_code(other, known) == other.code
