"""The tool's import blocks equal what the target's own ruff isort would write.

Oracle: a real ruff (``ruff check --select I``) over a scratch project carrying each
configuration; no finding means the block is already sorted and wrapped as the target
wants. One row per setting the renderer honours.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import libcst as cst
import pytest

from restructure.python.compose import generated_module
from restructure.python.import_style import Import, ImportStyle, style_for
from restructure.python.lint import ruff_binary
from tests.helpers.pinned_ruff import pinned_ruff

IMPORTS = [
    Import("os"),
    Import("os.path"),
    Import("sys", alias="system"),
    Import("typing", names=(("TYPE_CHECKING", None), ("Any", None), ("cast", None))),
    Import("datetime", names=(("datetime", None), ("date", None), ("UTC", None))),
    Import("__future__", names=(("annotations", None),)),
    Import("sqlalchemy", names=(("String", None), ("ForeignKey", None), ("func", None), ("JSON", None))),
    Import("sqlalchemy.orm", names=(("Mapped", None), ("mapped_column", None), ("relationship", None))),
    Import("fastapi", names=(("APIRouter", None), ("Depends", None), ("status", "http_status"))),
    Import("pydantic", names=(("BaseModel", None), ("Field", None))),
    Import("Zeta2"),
    Import("alpha10"),
    Import("alpha2"),
    Import("libs.db", names=(("Base", None), ("get_async_db", None), ("new_id", None))),
    Import(
        "services.alpha_service.models.very_long_module_name_for_wrapping",
        names=tuple((f"SomeQuiteLongClassName{i}", None) for i in range(6)),
    ),
    Import("services.alpha_service.schemas", names=(("ItemOut", None), ("ITEM_LIMIT", None), ("_helper", None))),
    Import("", level=1, names=(("enums", None),)),
    Import("shared", level=2, names=(("thing", None),)),
    Import("sibling", level=1, names=(("x", None), ("y", "z"))),
]

FIRST_PARTY_MODULES = [
    "libs.db",
    "services.alpha_service.models.very_long_module_name_for_wrapping",
    "services.alpha_service.models.other",
    "services.alpha_service.schemas",
]

CONFIGS = {
    "defaults": "",
    "known-first-party": '[tool.ruff.lint.isort]\nknown-first-party = ["libs", "services"]\n',
    "force-sort-within-sections": "[tool.ruff.lint.isort]\nforce-sort-within-sections = true\n",
    "combine-as-imports": "[tool.ruff.lint.isort]\ncombine-as-imports = true\n",
    "force-single-line": "[tool.ruff.lint.isort]\nforce-single-line = true\n",
    "case-sensitive": "[tool.ruff.lint.isort]\ncase-sensitive = true\n",
    "order-by-type off": "[tool.ruff.lint.isort]\norder-by-type = false\n",
    "from-first": "[tool.ruff.lint.isort]\nfrom-first = true\n",
    "lines-between-types": "[tool.ruff.lint.isort]\nlines-between-types = 1\n",
    "short lines": "",  # line-length 60 below
    "legacy isort table": '[tool.ruff.isort]\nknown-first-party = ["services"]\n',
    "extra-standard-library": '[tool.ruff.lint.isort]\nextra-standard-library = ["pydantic"]\n',
    "known-third-party": '[tool.ruff.lint.isort]\nknown-third-party = ["libs"]\n',
}


def _project(tmp_path: Path, name: str) -> Path:
    root = tmp_path / "proj"
    for module in FIRST_PARTY_MODULES:  # as in a real tree: the imported modules exist
        path = root / (module.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    length = 60 if name == "short lines" else 100
    config = CONFIGS[name]
    head = f'[tool.ruff]\nline-length = {length}\n\n[tool.ruff.lint]\nselect = ["I"]\n\n'
    (root / "pyproject.toml").write_text(head + config)
    return root


OLD_RUFF = "0.4.10"  # the era of many pinned targets: its isort differs in first-party detection


@pytest.fixture(scope="module", params=["ours", OLD_RUFF])
def ruff(request: pytest.FixtureRequest) -> str:
    if request.param == "ours":
        binary = ruff_binary()
        assert binary, "ruff is a dev dependency of this project"
        return binary
    return pinned_ruff(request.param)


def _ruff_findings(binary: str, root: Path, rel: str) -> str:
    done = subprocess.run(
        [binary, "check", "--no-cache", "--diff", rel], cwd=root, capture_output=True, text=True, check=False
    )
    return done.stdout + done.stderr if done.returncode else ""


@pytest.mark.parametrize("name", sorted(CONFIGS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_block_is_what_ruff_isort_writes(ruff: str, tmp_path: Path, name: str, seed: int) -> None:
    root = _project(tmp_path, name)
    rel = "services/alpha_service/models/generated.py"
    style = style_for(root, rel)
    rng = random.Random(seed)
    chosen = rng.sample(IMPORTS, k=12 if seed > 1 else len(IMPORTS))
    block = style.render(chosen)
    tc = style.render([Import("services.alpha_service.models.other", names=(("Other", None), ("Another", None)))])
    text = f'"""Generated."""\n\n{block}\nif TYPE_CHECKING:\n' + "".join(f"    {line}\n" for line in tc.splitlines())
    text += "\n" * style.blank_lines_after(True) + "class Thing:\n    pass\n"
    (root / rel).write_text(text)
    findings = _ruff_findings(ruff, root, rel)
    assert findings == "", findings


@pytest.mark.parametrize(
    ("first", "blank"),
    [("class A:\n    pass\n", 2), ("def f():\n    pass\n", 2), ("@dec\ndef f():\n    pass\n", 2), ("x = 1\n", 1)],
)
def test_blank_lines_after_the_block(ruff: str, tmp_path: Path, first: str, blank: int) -> None:
    root = _project(tmp_path, "defaults")
    style = style_for(root, "m.py")
    is_definition = first.startswith(("class", "def", "@"))
    assert style.blank_lines_after(is_definition) == blank
    (root / "m.py").write_text(style.render([Import("os")]) + "\n" * blank + first)
    assert _ruff_findings(ruff, root, "m.py") == ""


@pytest.mark.parametrize(
    ("config", "source", "quote"),
    [
        ('[tool.ruff.format]\nquote-style = "single"\n', 'x = "a"\n', "'"),
        ('[tool.ruff.format]\nquote-style = "double"\n', "x = 'a'\n", '"'),
        ("", "x = 'a'\ny = 'b'\nz = \"c\"\n", "'"),
        ("", 'x = "a"\n', '"'),
    ],
)
def test_quote_style_from_config_then_source(tmp_path: Path, config: str, source: str, quote: str) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n" + config)
    assert style_for(tmp_path, "pkg/m.py", source).quote == quote


def test_nearest_config_wins_and_isort_table_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 120\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "ruff.toml").write_text("line-length = 70\n[lint.isort]\nforce-single-line = true\n")
    near = style_for(tmp_path, "svc/pkg/m.py")
    assert (near.line_length, near.force_single_line) == (70, True)
    assert style_for(tmp_path, "other/m.py").line_length == 120
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "setup.cfg").write_text("[isort]\nknown_first_party = app, libs\nline_length = 99\n")
    isort = style_for(bare, "m.py")
    assert (isort.line_length, isort.known_first_party) == (99, frozenset({"app", "libs"}))


def test_style_is_exact_type() -> None:
    assert ImportStyle().render([Import("b"), Import("a")]) == "import a\nimport b\n"


BODIES = {
    "class right after": "class A:\n    pass\n",
    "comment attached to a class": "# the model\nclass A:\n    pass\n",
    "comment set apart from a class": "# --- section ---\n\n\nclass A:\n    pass\n",
    "assignment": "x = os.sep\n",
    "comment then assignment": "# why\nx = os.sep\n",
    "moved with blank lines of its old place": "\n\n\n\nclass A:\n    pass\n",
}


@pytest.mark.parametrize("body", sorted(BODIES))
def test_generated_module_head_meets_the_first_statement_as_ruff_wants(ruff: str, tmp_path: Path, body: str) -> None:
    """The only blank lines the tool writes are between its head and the first moved statement."""
    root = _project(tmp_path, "defaults")
    style = style_for(root, "m.py")
    # after a first statement, as in a real source: a module's first comments are its header
    source = cst.parse_module("first = 0\n" + BODIES[body])
    module = generated_module('"""Generated."""', [Import("os")], [], list(source.body[1:]), source, style)
    (root / "m.py").write_text(module.code)
    assert _ruff_findings(ruff, root, "m.py") == "", module.code
    done = subprocess.run([ruff, "format", "--no-cache", "--check", "m.py"], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, module.code
    assert module.code.endswith(BODIES[body].lstrip("\n")), "the statement itself is untouched"
