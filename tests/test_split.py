"""Split, merge and route-order guarantees, each on a small hand-written module.

Every case runs the real LibCST code and, where a result must import and run, a real
Python subprocess on the files written to a temporary package.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from restructure.python.import_style import style_for
from restructure.python.lint import ruff_check
from restructure.python.merge import MergeError, merge_modules
from restructure.python.patch_targets import Ambiguous, retarget
from restructure.python.routes import Placed, RouteOrderError, order_pieces, paths_overlap
from restructure.python.split import SplitError, SplitSpec, split_module
from restructure.python.symbols import analyse
from restructure.relocation import RelocationMap

PYPROJECT = textwrap.dedent(
    """
    [tool.ruff]
    line-length = 100
    [tool.ruff.lint]
    select = ["E", "F", "I"]
    ignore = ["E402"]
    [tool.ruff.lint.isort]
    known-first-party = ["pkg"]
    """
)

MODELS = '''\
"""Models of a tiny service."""

import enum
import uuid

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Status(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


MAX_SEATS = 12


class Cohort(Base):
    __tablename__ = "t_cohorts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    status: Mapped[Status] = mapped_column(Enum(Status, name="status"), default=Status.OPEN)
    enrollments: Mapped[list["Enrollment"]] = relationship(back_populates="cohort")

    def full(self) -> bool:
        return len(self.enrollments) >= MAX_SEATS


class Enrollment(Base):
    __tablename__ = "t_enrollments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("t_cohorts.id"))
    name: Mapped[str] = mapped_column(String(50))
    cohort: Mapped["Cohort"] = relationship(back_populates="enrollments")
'''

SCHEMAS = """\
from pydantic import BaseModel


class CohortOut(BaseModel):
    id: int
    enrollments: list["EnrollmentOut"] = []


class EnrollmentOut(BaseModel):
    id: int
    cohort: "CohortOut | None" = None


CohortOut.model_rebuild()
"""

ROUTER = """\
from fastapi import APIRouter

router = APIRouter(prefix="/x", tags=["x"])
PAGE = 20


def _shared_helper(n: int) -> int:
    return n * PAGE


def _only_a(n: int) -> int:
    return n + 1


@router.get("/a/templates")
async def list_templates() -> int:
    return _shared_helper(_only_a(1))


@router.get("/b")
async def list_b() -> int:
    return _shared_helper(2)


admin_router = APIRouter(prefix="/admin")


@admin_router.get("/a/{item}")
async def get_a(item: str) -> str:
    return item
"""


def write_package(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        for parent in path.relative_to(root).parents:
            init = root / parent / "__init__.py"
            if parent != Path(".") and not init.exists():
                init.write_text("")


def run_python(root: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})  # fmt: skip


def definitions(source: str) -> dict[str, str]:
    module = cst.parse_module(source)
    return {
        st.defines[0]: module.code_for_node(st.node).strip("\n")
        for st in analyse(module).statements
        if st.kind in {"class", "function"}
    }


def split_models(tmp_path: Path, groups: dict[str, list[str]]) -> tuple[dict[str, str], Path]:
    spec = SplitSpec.from_args({"groups": groups, "rules": [{"kind": "enum", "to": "enums"}]})
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "pkg").mkdir()  # the package the split module lives in, as in a real tree
    style = style_for(tmp_path, "pkg/models/__init__.py", MODELS)
    result = split_module(MODELS, "pkg/models.py", "pkg/models", spec, style=style)
    texts = {f"pkg/models/{k}": v for k, v in result.files.items()}
    write_package(tmp_path, texts)
    return texts, tmp_path


def test_every_definition_lands_in_exactly_one_file_unchanged(tmp_path: Path) -> None:
    texts, _ = split_models(tmp_path, {"base": ["Base"], "cohort": ["Cohort"], "enrollment": ["Enrollment"]})
    before = definitions(MODELS)
    seen: dict[str, str] = {}
    for path, text in texts.items():
        for name, code in definitions(text).items():
            assert name not in seen, f"{name} in {seen.get(name)} and {path}"
            seen[name] = path
            assert code.strip() == before[name].strip(), name
    assert set(seen) == set(before)
    assert seen["Status"].endswith("enums.py")


def test_string_annotations_stay_strings_and_import_under_type_checking(tmp_path: Path) -> None:
    texts, root = split_models(tmp_path, {"base": ["Base"], "cohort": ["Cohort"], "enrollment": ["Enrollment"]})
    cohort = texts["pkg/models/cohort.py"]
    assert 'Mapped[list["Enrollment"]]' in cohort
    assert "if TYPE_CHECKING:\n    from pkg.models.enrollment import Enrollment" in cohort
    assert "from pkg.models.enums import Status" in cohort  # runtime: the column type
    assert "MAX_SEATS = 12" in cohort  # the constant moved with its only user
    assert ruff_check(root, texts) == []
    done = run_python(root, "import pkg.models as m\nfrom sqlalchemy.orm import configure_mappers\n"
                            "configure_mappers()\nprint(sorted(m.__all__))")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Enrollment" in done.stdout and "Status" in done.stdout


def test_runtime_import_cycle_is_refused_naming_it() -> None:
    source = "class A:\n    def b(self):\n        return B()\n\n\nclass B:\n    def a(self):\n        return A()\n"
    spec = SplitSpec.from_args({"groups": {"a": ["A"], "b": ["B"]}})
    with pytest.raises(SplitError, match=r"import cycle a -> b -> a"):
        split_module(source, "pkg/m.py", "pkg/m", spec)


def test_unknown_symbol_is_refused() -> None:
    spec = SplitSpec.from_args({"groups": {"a": ["Nope"]}})
    with pytest.raises(SplitError, match="'Nope'"):
        split_module("class A:\n    pass\n", "pkg/m.py", "pkg/m", spec)


def test_model_rebuild_goes_after_every_class_it_resolves(tmp_path: Path) -> None:
    spec = SplitSpec.from_args({"groups": {"cohort": ["CohortOut"], "enrollment": ["EnrollmentOut"]}})
    result = split_module(SCHEMAS, "pkg/schemas.py", "pkg/schemas", spec)
    texts = {f"pkg/schemas/{k}": v for k, v in result.files.items()}
    holder = [p for p, t in texts.items() if "model_rebuild" in t]
    assert len(holder) == 1
    write_package(tmp_path, texts)
    done = run_python(tmp_path, "from pkg.schemas import CohortOut\n"
                                "print(CohortOut(id=1, enrollments=[{'id': 2}]).enrollments[0].id)")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"


def test_router_split_helpers_routers_and_lookup_sites() -> None:
    spec = SplitSpec.from_args(
        {"groups": {"a": {"paths": ["/a"]}, "b": {"paths": ["/b"]}, "admin": {"routers": ["admin_router"]}},
         "helpers": "_shared"}
    )  # fmt: skip
    result = split_module(ROUTER, "pkg/router.py", "pkg/routers", spec, init=False)
    assert result.homes["_shared_helper"] == "pkg.routers._shared"  # used by two files
    assert result.homes["_only_a"] == "pkg.routers.a"  # moves with its only user
    assert result.homes["PAGE"] == "pkg.routers._shared"
    assert result.routers == {"pkg.routers.a": ["router"], "pkg.routers.b": ["router"],
                              "pkg.routers.admin": ["admin_router"], "pkg.routers._shared": []}  # fmt: skip
    assert 'router = APIRouter(prefix="/x", tags=["x"])' in result.files["a.py"]
    assert result.readers["_shared_helper"] == {"pkg.routers.a", "pkg.routers.b"}
    assert "APIRouter" not in result.files["_shared.py"]


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ("/x/templates", "/x/{id}", True),
        ("/x/templates", "/x/{id}/y", False),
        ("/files/{key:path}", "/files/a/b", True),
        ("/a", "/b", False),
        ("/x/", "/x/{id}", False),
        ("/x/{a}/c", "/x/b/{d}", True),
    ],
)
def test_paths_overlap(a: str, b: str, overlap: bool) -> None:
    assert paths_overlap(a, b) is overlap


def test_include_order_keeps_literal_before_parameter_across_files() -> None:
    routes = [
        Placed("/s/{id}", frozenset({"GET"}), "get_session", 0, 1),
        Placed("/s/templates", frozenset({"GET"}), "list_templates", 1, 0),
    ]
    assert order_pieces(routes, ["sessions", "templates"]).order == [1, 0]


def test_include_order_refused_when_no_order_keeps_every_pair() -> None:
    routes = [
        Placed("/s/mine", frozenset({"GET"}), "mine", 0, 0),
        Placed("/s/{id}", frozenset({"GET"}), "get_one", 1, 1),
        Placed("/s/templates", frozenset({"GET"}), "templates", 1, 2),
        Placed("/s/{other}", frozenset({"GET"}), "other", 0, 3),
    ]
    with pytest.raises(RouteOrderError, match=r"GET /s/mine \(mine\) before GET /s/\{id\}"):
        order_pieces(routes, ["a", "b"])


def test_merge_refuses_two_definitions_with_one_name() -> None:
    parts = [
        ("pkg/a.py", cst.parse_module("def helper():\n    return 1\n")),
        ("pkg/b.py", cst.parse_module("def helper():\n    return 2\n")),
    ]
    with pytest.raises(MergeError, match="'helper'"):
        merge_modules(parts, "pkg/c.py", {})


def test_merge_drops_imports_the_merge_makes_local() -> None:
    parts = [
        ("pkg/schemas.py", cst.parse_module("from pydantic import BaseModel\n\n\nclass A(BaseModel):\n    x: int\n")),
        ("pkg/extra.py", cst.parse_module("from pkg.schemas import A\n\n\nclass B(A):\n    y: int\n")),
    ]
    text, defined, _ = merge_modules(parts, "pkg/schemas.py", {})
    assert "from pkg.schemas import" not in text
    assert defined == {"pkg/schemas.py": ["A"], "pkg/extra.py": ["B"]}
    ast.parse(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("svc.router.get_member", "svc.routers.members.get_member"),
        (
            "svc.router.enqueue",
            Ambiguous("svc.router.enqueue", ("svc.routers.a", "svc.routers.b"), "svc.router.enqueue"),
        ),
        ("svc.other.thing", None),
    ],
)
def test_patch_targets_follow_the_lookup_site(value: str, expected: object) -> None:
    relocation = RelocationMap()
    relocation.patch_sites["svc.router.get_member"] = "svc.routers.members"
    relocation.ambiguous["svc.router.enqueue"] = ["svc.routers.a", "svc.routers.b"]
    assert retarget(value, relocation) == expected
