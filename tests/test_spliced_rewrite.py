"""A rewritten file gets new text only for its changed statements: the result must equal
LibCST's code for the whole new module, byte for byte. One row per layout hazard around a
top-level statement (comments above it, decorators, ``;``, a block's indented trailing
comment, line ends, no final newline, a form feed)."""

from __future__ import annotations

import libcst as cst
import pytest

from restructure.python.references import _changed_statements, _spliced


class Rename(cst.CSTTransformer):
    """``old`` becomes ``renamed`` wherever it is a name."""

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value="renamed") if original_node.value == "old" else updated_node


ROWS = {
    "middle statement": "import x\n\nA = old\n\nB = 2\n",
    "first statement after header comments": "# header\n# more\n\nA = old\nB = 2\n",
    "comment lines above the changed one": "A = 1\n\n# about B\n# more\nB = old\n",
    "decorated function with a comment above": "A = 1\n\n\n# why\n@deco(old)\n# between\ndef f():\n    return old\n",
    "semicolons": "A = 1; B = old\nC = 3\n",
    "block with an indented trailing comment": "def f():\n    x = old\n    # trailing, indented\n\nB = old\n",
    "class with a comment at column 0 after it": "class C:\n    a = old\n# after the class\nB = 1\n",
    "CRLF line ends": "A = 1\r\n\r\n# c\r\nB = old\r\nC = 2\r\n",
    "form feed on a blank line": "A = 1\n\x0c\nB = old\n",
    "backslash continuation": "A = \\\n    old\nB = 2\n",
    "every statement changed": "A = old\nB = old\n# end\n",
    "trailing comments at the end of the file": "A = old\n\n# footer\n",
    "string with newlines": 'A = """\nold\n"""\nB = old\n',
}


@pytest.mark.parametrize("source", list(ROWS.values()), ids=list(ROWS))
def test_splice_equals_whole_module_code(source: str) -> None:
    module = cst.parse_module(source)
    new_module = module.with_changes(body=[node.visit(Rename()) for node in module.body])
    changed = _changed_statements(module, new_module)
    assert changed, "the row changes at least one statement"
    expected = new_module.code
    assert expected != source
    assert _spliced(module, source, changed) == expected


def test_no_final_newline_falls_back_to_the_whole_module() -> None:
    """LibCST's code for a last statement ends with a newline the file does not have."""
    module = cst.parse_module("A = 1\nB = old")
    changed = {1: module.body[1].visit(Rename())}
    assert _spliced(module, "A = 1\nB = old", changed) is None


def test_a_changed_header_is_not_spliced() -> None:
    module = cst.parse_module("# old header\n\nA = 1\n")
    new_module = module.with_changes(header=[cst.EmptyLine(comment=cst.Comment("# new header"))])
    assert _changed_statements(module, new_module) is None


def test_a_wrong_place_is_refused_not_guessed() -> None:
    """The text at the statement's place must be LibCST's code for it: a source that is not
    the module's own text is refused (the caller then generates the whole module)."""
    module = cst.parse_module("A = 1\nB = old\n")
    changed = {1: module.body[1].visit(Rename())}
    assert _spliced(module, "A = 1\nB = other\n", changed) is None
