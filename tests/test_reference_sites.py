"""``sites`` walks most statements for their imports only; it must find what a walk through
every node finds. The oracle below is that plain walk (``ast.walk``, every node checked).

One row per way a call site or an ASGI string can be spelled so that a text test could miss
it (escapes, strings joined across a colon, a decorator, nesting, a name in another normal
form), plus every Python file of the built-in fixtures."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from restructure.entrypoints import ASGI_TARGET, DOTTED
from restructure.python.reference_sites import PATCHERS, Site, _call_name, _is_sys_path, _path_of, sites

FIXTURES = Path(__file__).resolve().parents[1] / "compose-fixtures"


def oracle(text: str) -> list[Site]:
    """Every node of the tree checked: the definition of a site."""
    found: list[Site] = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found.extend(Site("import", node.lineno, f"import {a.name}", a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(a.name for a in node.names if a.name != "*")
            written = f"from {'.' * node.level}{node.module or ''} import {', '.join(a.name for a in node.names)}"
            found.append(Site("from", node.lineno, written, node.module or "", names, node.level))
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            first = node.args[0] if node.args else None
            value = first.value if isinstance(first, ast.Constant) else None
            if name in PATCHERS and isinstance(value, str) and DOTTED.match(value):
                found.append(Site("patch", node.lineno, value, value))
            elif name in {"insert", "append"} and _is_sys_path(node.func):
                directory = _path_of(node.args[-1]) if node.args else None
                if directory is not None:
                    found.append(Site("syspath", node.lineno, ast.unparse(node), directory))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and ASGI_TARGET.match(node.value):
            found.append(Site("asgi", node.lineno, node.value, node.value.removesuffix("()")))
    return sorted(found, key=lambda s: (s.line, s.kind, s.text))


ROWS = {
    "imports only": "import os\nfrom . import x\nfrom ..pkg.mod import a, b as c\n",
    "imports nested in functions, try, if, with, match": (
        "def f():\n    try:\n        import a\n    except ImportError:\n        from b import c\n    finally:\n"
        "        import d\n\nif x:\n    pass\nelse:\n    import e\nwith x:\n    import g\n"
        "match y:\n    case 1:\n        import h\nclass C:\n    import i\n"
    ),
    "a plain ASGI string": 'TARGET = "pkg.main:app"\n',
    "an ASGI string in a call deep in a function": 'def f():\n    run(config=Config(app="pkg.main:app()"))\n',
    "an ASGI string joined at its colon": 'TARGET = ("pkg.main" ":app")\nOTHER = ("pkg.main:" "app")\n',
    "an ASGI string joined around a lone colon": 'TARGET = "pkg.main" ":" "app"\n',
    "an ASGI string with an escaped colon": 'TARGET = "pkg.main\\x3aapp"\nOTHER = "pkg.main\\N{COLON}app"\n',
    "an ASGI string continued over a line": 'TARGET = "pkg.main:\\\napp"\n',
    "an ASGI string in an f-string": 'TARGET = f"pkg.main:app{suffix}"\n',
    "an ASGI string in a docstring of a class": 'class C:\n    """pkg.main:app"""\n',
    "a patch decorator": '@mock.patch("pkg.mod.name")\ndef test():\n    pass\n',
    "a patch in a nested function": (
        'def outer():\n    def inner():\n        with patch("pkg.mod.name"):\n            pass\n'
    ),
    "setattr and delattr with dotted strings": (
        'monkeypatch.setattr("pkg.mod.a", 1)\nmonkeypatch.delattr("pkg.mod.b")\n'
    ),
    "sys.path insert and append": (
        "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n"
        "if True:\n    sys.path.append(str(Path(__file__).parent.parent))\n"
    ),
    "a call named in another normal form": '\uff50atch("pkg.mod.name")\n',
    "non-ASCII text elsewhere": '# caf\u00e9\nimport os\nTARGET = "pkg.main:app"\n',
    "annotations and slices with colons": "x: int = 1\ny = z[1:2]\nd = {'a':b}\nf = lambda q:q\n",
    "statements sharing a line": 'import os; TARGET = "pkg.main:app"\n',
    "no sites at all": "A = 1\n\n\ndef f(x: int) -> int:\n    return x + 1\n",
}


@pytest.mark.parametrize("text", list(ROWS.values()), ids=list(ROWS))
def test_sites_equal_the_full_walk(text: str) -> None:
    assert sites(text) == oracle(text)


def test_rows_find_the_sites_they_are_about() -> None:
    """The rows hold real sites of every kind (the comparison is not between empty lists)."""
    kinds = {site.kind for text in ROWS.values() for site in oracle(text)}
    assert kinds == {"import", "from", "asgi", "patch", "syspath"}
    assert {s.text for s in oracle(ROWS["an ASGI string joined at its colon"])} == {"pkg.main:app"}


def test_every_fixture_file_gives_the_same_sites() -> None:
    files = sorted(p for p in FIXTURES.rglob("*.py") if "__pycache__" not in p.parts)
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert sites(text) == oracle(text), path
