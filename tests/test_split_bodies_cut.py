"""A split parses its source with the top-level definitions' bodies cut, and writes the same files.

:meth:`ParsedFiles.bodies_cut` gives a split the LibCST parse of its source with the body of
every top-level function and class replaced by ``...`` (what placement reads of a class body,
its ``__tablename__`` and foreign keys, comes from the stdlib parse). Each definition then
moves as the text cut from the source. Each row is a source shaped by one hazard for that cut;
the split on the cut parse must give exactly the files, homes, routes and placements (with
their evidence) of the split on the whole parse, or refuse with :class:`BodiesCut` (the engine
then splits on the whole parse); ``cut`` says which the row expects, so that the table cannot
pass by refusing everything.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
import pytest

from restructure.python.parsing import ParsedFiles
from restructure.python.split import SplitSpec, split_module
from restructure.python.statement_text import BodiesCut

HEAD = 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/x")\n'
GROUPS = {"groups": {"a": {"paths": ["/a"]}, "b": {"paths": ["/b"]}}, "helpers": "_shared"}


@dataclass
class Row:
    hazard: str
    source: str
    cut: bool = True  # the cut parse is used (False: refused, the whole parse is used)
    args: dict[str, object] | None = None


ROUTES = """

def _helper(n: int) -> int:
    # a comment inside a body
    total = 0

    for i in range(n):  # trailing comment
        total += i
    return total


@router.get("/a")
def get_a() -> int:
    \"\"\"A docstring

    with a blank line.\"\"\"
    return _helper(1)


@router.get("/b")
async def get_b() -> int:
    def inner() -> int:
        return 2

    class Local:
        value = 3

    return inner() + Local.value + _helper(2)
"""

ROWS = [
    Row("routes, a helper, nested definitions, comments and blank lines in bodies", HEAD + ROUTES),
    Row(
        "a one-line function body (kept whole by the cut)",
        HEAD + '\n\ndef _one(): return 1\n\n\n@router.get("/a")\ndef a():\n    return _one()\n',
    ),
    Row(
        "comments after the last function, indented and at column 0",
        HEAD + ROUTES + "    # indented, after the last body\n# at column 0\n",
    ),
    Row(
        "decorators over several lines with comments between them",
        HEAD
        + '\n\n@router.get(\n    "/a",  # the path\n    response_model=int,\n)\n# between decorators\n'
        + '@router.get("/a/again")\ndef a() -> int:\n    return 1\n\n\n'
        + '@router.get("/b")\ndef b() -> int:\n    return 2\n',
    ),
    Row(
        "comment lines between the head and the first statement of a body",
        HEAD + '\n\n@router.get("/a")\ndef a() -> int:\n    # first\n\n    # second\n    return 1\n',
    ),
    Row("a body that is only a docstring", HEAD + '\n\n@router.get("/a")\ndef a() -> None:\n    """Nothing else."""\n'),
    Row(
        "a string in a body that looks like code",
        HEAD + '\n\n@router.get("/a")\ndef a() -> str:\n    return """\ndef fake():\n    pass\n"""\n',
    ),
    Row("CRLF line ends", (HEAD + ROUTES).replace("\n", "\r\n")),
    Row("tab indentation", (HEAD + ROUTES).replace("    ", "\t")),
    Row(
        "the first body indented by two spaces, the rest by four",
        HEAD + '\n\n@router.get("/a")\ndef a() -> int:\n  return 1\n\n\n'
        + '@router.get("/b")\ndef b() -> int:\n    return 2\n',
    ),
    Row(
        "a function under if __name__ == '__main__' (not top-level: not cut)",
        HEAD + ROUTES
        + '\n\nif __name__ == "__main__":\n\n    def main() -> None:\n        print(get_a())\n\n    main()\n',
    ),
    Row("no newline at the end of the file (no texts cut: refused)", (HEAD + ROUTES).rstrip("\n"), cut=False),
    Row(
        "class bodies cut: a model's table and foreign key still place it",
        "from sqlalchemy import ForeignKey\n\nfrom pkg.db import Base\n\n\nclass Order(Base):\n"
        '    __tablename__ = "orders"\n\n    def total(self) -> int:\n        return 1\n\n\n'
        'class Customer(Base):\n    __tablename__ = "customers"\n\n\n'
        'class Shipment(Base):\n    __tablename__ = "shipments"\n    order_id = ForeignKey("orders.id")\n\n\n'
        "def order_count() -> int:\n    # counts\n    return 0\n",
        args={"groups": ["order", "customer"]},
    ),
    Row(
        "a foreign key given by keyword, a schema with a nested class and comments in its body",
        "from pydantic import BaseModel\nfrom sqlalchemy import ForeignKey\n\nfrom pkg.db import Base\n\n\n"
        'class Order(Base):\n    __tablename__ = "orders"\n\n\nclass Line(Base):\n'
        '    __tablename__ = "lines"\n    order_id = ForeignKey(column="orders.id")  # by keyword\n\n\n'
        "class OrderOut(BaseModel):\n    # the public view\n    id: int\n\n    class Config:\n"
        "        orm_mode = True\n    # a comment after the last statement, indented\n\n\n"
        "class Failure(Exception): pass\n\n\n"
        "@dataclass\nclass Totals:\n    count: int = 0\n",
        args={"groups": ["order", "line"]},
    ),
    Row(
        "a body with a semicolon line, a backslash continuation and a with block",
        HEAD + '\n\n@router.get("/a")\ndef a() -> int:\n    x = 1; y = 2\n    z = x + \\\n        y\n'
        '    with open("f") as f:\n        pass\n    return z\n',
    ),
]  # fmt: skip


def _split(source: str, args: dict[str, object], module: cst.Module, cut: bool) -> object:
    result = split_module(
        source, "pkg/router.py", "pkg/routers", SplitSpec.from_args(args), init=False, module=module, bodies_cut=cut
    )
    placements = [(d.line(), d.evidence) for d in result.placements]
    return (result.files, result.homes, result.routes, result.routers, result.readers, result.public, placements)


@pytest.mark.parametrize("row", ROWS, ids=[r.hazard for r in ROWS])
def test_a_split_on_the_cut_parse_writes_what_the_whole_parse_writes(row: Row) -> None:
    args = row.args or GROUPS
    whole = _split(row.source, args, cst.parse_module(row.source), False)
    parsed = ParsedFiles()
    module, cut = parsed.bodies_cut("pkg/router.py", row.source)
    assert cut  # every row has a function body to cut
    if not row.cut:
        with pytest.raises(BodiesCut):
            _split(row.source, args, module, True)
        return
    assert _split(row.source, args, module, True) == whole


def test_the_whole_parse_is_given_when_the_phase_has_it() -> None:
    parsed = ParsedFiles()
    source = HEAD + ROUTES
    whole = parsed.parse("pkg/router.py", source)
    assert parsed.bodies_cut("pkg/router.py", source) == (whole, False)
    assert parsed.counts["pkg/router.py"] == 1


def test_a_file_built_from_a_cut_parse_splits_again_without_a_parse() -> None:
    """A schema extraction leaves the router it read (rebuilt from the cut parse) for the
    split that follows in the same phase: the module it was built as serves that split."""
    parsed = ParsedFiles()
    source = HEAD + ROUTES
    module, cut = parsed.bodies_cut("pkg/router.py", source)
    spec = SplitSpec.from_args(GROUPS)
    first = split_module(source, "pkg/router.py", "pkg/routers", spec, init=False, module=module, bodies_cut=cut)
    text, built = first.files["a.py"], first.modules["a.py"]
    parsed.remember_outline("pkg/routers/a.py", text, built)
    again, cut_again = parsed.bodies_cut("pkg/routers/a.py", text)
    assert (again, cut_again) == (built, True)
    assert parsed.counts["pkg/routers/a.py"] == 0
    args = {"groups": {"a": {"paths": ["/a"]}}, "helpers": "_shared"}
    assert _split(text, args, again, True) == _split(text, args, cst.parse_module(text), False)
