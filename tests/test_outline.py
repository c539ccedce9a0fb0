"""The outline of a module must say what the whole module says at module level and in its
definitions' heads: the routers assembly reads router modules from their outline.

Each row (and every Python file of the built-in fixtures) is parsed whole and outlined, and
every fact the assembly's resolver reads is compared: statement kinds and order, router
objects, aliases, top-level names, import bindings, each function's routes, include calls.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from restructure.python.outline import outline
from restructure.python.routers_init import _alias_of, _include_call
from restructure.python.routes import function_routes, router_objects
from restructure.python.symbols import import_bindings, top_level_names

FIXTURES = Path(__file__).resolve().parents[1] / "compose-fixtures"


def facts(module: cst.Module) -> dict[str, object]:
    routers = router_objects(module)
    names = top_level_names(module)
    return {
        "kinds": [type(node).__name__ for node in module.body],
        "routers": routers,
        "names": names,
        "aliases": {name: _alias_of(module, name) for kind, name in names if kind == "assign"},
        "imports": import_bindings(module),
        "routes": [function_routes(node, routers, 0) for node in module.body if isinstance(node, cst.FunctionDef)],
        "includes": [
            cst.Module(body=[]).code_for_node(call)
            for node in module.body
            if isinstance(node, cst.SimpleStatementLine) and (call := _include_call(node)) is not None
        ],
    }


ROWS = {
    "a router module": (
        "from fastapi import APIRouter, Depends\n\nfrom .deps import get_db\n\n"
        'router = APIRouter(prefix="/items", tags=["items"])\n\n\n'
        '@router.get("/")\nasync def list_items(db=Depends(get_db)):\n    """All items."""\n    return []\n\n\n'
        '@router.post("/{item_id}")\n# between\n@other\ndef create(\n    item_id: int,\n) -> dict:\n'
        "    x = 1\n    # trailing, indented\n    return {}\n"
    ),
    "an alias and an include": (
        "from fastapi import APIRouter\nfrom .members import router as members_router\n\n"
        "router = members_router\napi = APIRouter()\n"
        'api.include_router(members_router, prefix="/m")  # note\n'
    ),
    "one-line bodies stay whole": 'def f(): return 1\nclass C: x = 1\n@router.get("/a")\ndef g(): pass\n',
    "a class with methods": (
        "class Repo:\n    def get(self):\n        return 1\n\n    async def put(self):\n        pass\n"
    ),
    "tab indentation": 'router = APIRouter()\n\n@router.get("/t")\ndef t():\n\treturn 1\n',
    "comments before the first body line": "def f():\n    # why\n\n    return 1\n",
    "a string body spanning lines": 'def f():\n    return """\nnot code: def x(): pass\n"""\nY = 2\n',
    "TYPE_CHECKING imports": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .models import Item\n",
    "CRLF line ends": 'router = APIRouter()\r\n\r\n@router.get("/c")\r\ndef c():\r\n    return 1\r\n',
    "no final newline": "def f():\n    return 1",
    "non-ASCII in a head": '@router.get("/caf\u00e9")\ndef caf\u00e9():\n    return "\u00fc"\n',
}


def _compare(text: str) -> None:
    cut = outline(text)
    whole = cst.parse_module(text)
    if cut is None:
        return
    assert len(cut) <= len(text)
    assert facts(cst.parse_module(cut)) == facts(whole)


@pytest.mark.parametrize("text", list(ROWS.values()), ids=list(ROWS))
def test_outline_says_what_the_module_says(text: str) -> None:
    _compare(text)


def test_rows_are_cut() -> None:
    """Most rows have a body to cut (the comparison is not the text against itself)."""
    cut = [name for name, text in ROWS.items() if outline(text) not in (None, text)]
    assert len(cut) >= 8, cut
    assert outline(ROWS["one-line bodies stay whole"]) is None


def test_a_lone_carriage_return_is_not_cut() -> None:
    assert outline("def f():\r    return 1\n") is None


def test_every_fixture_file() -> None:
    files = sorted(p for p in FIXTURES.rglob("*.py") if "__pycache__" not in p.parts)
    assert len(files) > 100
    for path in files:
        _compare(path.read_text(encoding="utf-8"))
