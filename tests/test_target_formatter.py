"""The target's own ruff wraps a line a rewritten reference made too long; nothing else.

One row per hazard: where the requirement is read, which binary counts as the target's, what
the range format may change, and a real phase on a tiny repository (with a requirement our
ruff satisfies, and with one nothing here satisfies).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from restructure import engine
from restructure.python import target_formatter
from tests.conftest import git, make_repo
from tests.helpers.pinned_ruff import pinned_ruff

OURS = subprocess.run(
    [str(Path(sys.executable).parent / "ruff"), "--version"], capture_output=True, text=True, check=True
).stdout.split()[-1]

REQUIREMENT_ROWS = [
    ("pinned in requirements-dev.txt", {"requirements-dev.txt": "pytest\nruff==0.4.10\n"}, "==0.4.10"),
    ("range with a comment", {"requirements-dev.txt": "ruff>=0.5  # lint and format\n"}, ">=0.5"),
    ("extras and a marker", {"requirements.txt": "ruff[x]~=0.4.0; python_version>'3'\n"}, "~=0.4.0"),
    ("PEP 735 group", {"pyproject.toml": '[dependency-groups]\ndev = ["ruff<0.6"]\n'}, "<0.6"),
    (
        "optional dependencies",
        {"pyproject.toml": '[project]\nname = "x"\n[project.optional-dependencies]\nlint = ["ruff>=0.3"]\n'},
        ">=0.3",
    ),
    (
        "Poetry dev group, caret constraint",
        {"pyproject.toml": '[tool.poetry.group.dev.dependencies]\nruff = "^0.4.10"\n'},
        "<0.5,>=0.4.10",
    ),
    (
        "a lock file's pin before the range that allowed it",
        {
            "uv.lock": 'version = 1\n[[package]]\nname = "ruff"\nversion = "0.4.10"\n',
            "requirements-dev.txt": "ruff>=0.4\n",
        },
        "==0.4.10",
    ),
    ("a package named like it is not it", {"requirements-dev.txt": "ruff-lsp==0.0.1\n"}, None),
    ("no requirement: no formatter of the target's", {"requirements.txt": "fastapi\n"}, None),
]


@pytest.mark.parametrize(("why", "files", "spec"), REQUIREMENT_ROWS, ids=[r[0] for r in REQUIREMENT_ROWS])
def test_the_requirement_is_read_where_the_target_declares_it(
    tmp_path: Path, why: str, files: dict[str, str], spec: str | None
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = target_formatter.ruff_requirement(tmp_path)
    assert (str(found[0]) if found else None) == spec, why


def test_only_a_binary_whose_version_satisfies_the_requirement_counts(tmp_path: Path) -> None:
    (tmp_path / "requirements-dev.txt").write_text(f"ruff>={OURS}\n")
    found = target_formatter.find(tmp_path)
    assert found is not None and found.version == OURS
    other = tmp_path / "older"
    other.mkdir()
    (other / "requirements-dev.txt").write_text("ruff==0.0.1\n")
    assert target_formatter.find(other) is None
    # the target's own virtualenv comes first
    pinned = tmp_path / "pinned"
    (pinned / ".venv" / "bin").mkdir(parents=True)
    (pinned / ".venv" / "bin" / "ruff").symlink_to(pinned_ruff("0.4.10"))
    (pinned / "requirements-dev.txt").write_text("ruff==0.4.10\n")
    found = target_formatter.find(pinned)
    assert found is not None and found.version == "0.4.10" and found.binary.startswith(str(pinned))


def test_a_scratch_copy_finds_the_ruff_of_the_repository_it_copies(tmp_path: Path) -> None:
    """The pre-flight runs the phases on a clone, which has no untracked virtualenv."""
    original, scratch = tmp_path / "original", tmp_path / "scratch"
    (original / ".venv" / "bin").mkdir(parents=True)
    (original / ".venv" / "bin" / "ruff").symlink_to(pinned_ruff("0.4.10"))
    scratch.mkdir()
    for root in (original, scratch):
        (root / "requirements-dev.txt").write_text("ruff==0.4.10\n")
    assert target_formatter.find(scratch) is None
    target_formatter.find.cache_clear()
    with target_formatter.copy_of(scratch, original):
        found = target_formatter.find(scratch)
    assert found is not None and found.binary.startswith(str(original))
    assert target_formatter.find(scratch) is None


CONFIG = "[tool.ruff]\nline-length = 100\n"
LONG = '"services.volunteer_service.services.volunteer_service.get_service_client"'
WRAP_ROWS = [
    (
        "with header: wrapped, the body and an unformatted neighbour left as written",
        f"x = [1,2]\n\n\ndef test_one(client):\n    with mock.patch({LONG}, service_client):\n"
        "        result = client.post(\n            '/a',   headers=h\n        )\n",
        5,
        f"x = [1,2]\n\n\ndef test_one(client):\n    with mock.patch(\n        {LONG}, service_client\n    ):\n"
        "        result = client.post(\n            '/a',   headers=h\n        )\n",
    ),
    (
        "assignment: hugged arguments",
        f"y = mock.patch({LONG}, service_client, 1)\nz=2\n",
        1,
        f"y = mock.patch(\n    {LONG}, service_client, 1\n)\nz=2\n",
    ),
    ("a line inside a string: nothing to wrap", f's = """\n{LONG}{LONG}\n"""\n', 2, None),
]


@pytest.mark.parametrize("version", [OURS, "0.4.10"])
@pytest.mark.parametrize(("why", "text", "line", "expected"), WRAP_ROWS, ids=[r[0] for r in WRAP_ROWS])
def test_wrap_formats_only_the_logical_line(
    tmp_path: Path, version: str, why: str, text: str, line: int, expected: str | None
) -> None:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    binary = str(Path(sys.executable).parent / "ruff") if version == OURS else pinned_ruff(version)
    formatter = target_formatter.Formatter(binary, version, f"ruff=={version}")
    assert target_formatter.wrap(formatter, tmp_path, "t.py", text, line) == expected, why


TINY = "services/tiny_service"
TEST_TEXT = (
    "from unittest import mock\n\n\n"
    "def test_clock():\n"
    '    with mock.patch("services.tiny_service.app.helpers.clock", return_value=1) as clock:\n'
    "        assert clock() == 1\n"
)
PLAN = (
    "version: 1\nservices: [tiny]\nphases:\n  - phase: 1\n    scope: all\n    steps:\n"
    "      - {op: move, from: app/helpers.py, to: shared_helpers/time_and_clock_helpers.py}\n"
)


@pytest.mark.parametrize(("requirement", "wrapped"), [(f"ruff>={OURS}", True), ("ruff==0.0.1", False)])
def test_a_phase_wraps_with_the_targets_ruff_or_reports_the_line(
    tmp_path: Path, requirement: str, wrapped: bool
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "pyproject.toml": CONFIG,
            "requirements-dev.txt": requirement + "\n",
            "services/__init__.py": "",
            f"{TINY}/__init__.py": "",
            f"{TINY}/main.py": "app = object()\n",
            f"{TINY}/app/__init__.py": "",
            f"{TINY}/app/helpers.py": "def clock():\n    return 0\n",
            f"{TINY}/tests/test_clock.py": TEST_TEXT,
        },
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    report = engine.run_phase(repo, 1, plan_path=plan, commit=True, echo=lambda _: None)
    assert not report.failed, report.problems
    text = (repo / TINY / "tests/test_clock.py").read_text()
    assert "services.tiny_service.shared_helpers.time_and_clock_helpers.clock" in text
    notes = [n for n in report.notes if n.startswith(f"{TINY}/tests/test_clock.py:5:")]
    assert len(notes) == 1, report.notes
    assert ("wrapped by the target's own ruff" in notes[0]) == wrapped, notes
    assert (max(len(line) for line in text.splitlines()) <= 100) == wrapped, text
    assert text.splitlines()[:4] == TEST_TEXT.splitlines()[:4]  # nothing above the statement moved
    assert text.splitlines()[-1] == TEST_TEXT.splitlines()[-1]  # nor its body
    saved = json.loads((repo / ".git/restructure/reports/phase-01.json").read_text())
    assert saved["notes"] == report.notes
    assert git(repo, "status", "--porcelain") == ""


def test_two_wrapped_lines_in_one_file_are_named_where_they_are_now(tmp_path: Path) -> None:
    second = TEST_TEXT.replace("test_clock", "test_clock_again")
    repo = make_repo(
        tmp_path / "repo",
        {
            "pyproject.toml": CONFIG,
            "requirements-dev.txt": f"ruff>={OURS}\n",
            "services/__init__.py": "",
            f"{TINY}/__init__.py": "",
            f"{TINY}/main.py": "app = object()\n",
            f"{TINY}/app/__init__.py": "",
            f"{TINY}/app/helpers.py": "def clock():\n    return 0\n",
            f"{TINY}/tests/test_clock.py": TEST_TEXT + "\n\n" + second.split("\n\n\n", 1)[1],
        },
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    report = engine.run_phase(repo, 1, plan_path=plan, commit=True, echo=lambda _: None)
    lines = (repo / TINY / "tests/test_clock.py").read_text().splitlines()
    named = [int(n.split(":")[1]) for n in report.notes if "wrapped by the target's own ruff" in n]
    assert len(named) == 2, report.notes
    assert [lines[n - 1] for n in named] == ["    with mock.patch("] * 2, (named, lines)
    assert max(len(line) for line in lines) <= 100


def test_a_line_over_the_limit_only_by_its_pragma_comment_is_not_reported(tmp_path: Path) -> None:
    # ruff format and E501 leave a trailing ``# type: ignore[...]`` out of a line's width:
    # the rewritten line fits, so there is nothing to wrap and nothing to report
    pragma = '    clock = mock.patch("services.tiny_service.app.helpers.clock")  # type: ignore[attr-defined]\n'
    repo = make_repo(
        tmp_path / "repo",
        {
            "pyproject.toml": CONFIG,
            "requirements-dev.txt": "ruff==0.0.1\n",
            "services/__init__.py": "",
            f"{TINY}/__init__.py": "",
            f"{TINY}/main.py": "app = object()\n",
            f"{TINY}/app/__init__.py": "",
            f"{TINY}/app/helpers.py": "def clock():\n    return 0\n",
            f"{TINY}/tests/test_clock.py": "from unittest import mock\n\n\ndef test_clock():\n" + pragma,
        },
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    report = engine.run_phase(repo, 1, plan_path=plan, commit=True, echo=lambda _: None)
    lines = (repo / TINY / "tests/test_clock.py").read_text().splitlines()
    assert len(lines[-1]) > 100 and lines[-1].endswith("# type: ignore[attr-defined]"), lines
    assert "time_and_clock_helpers.clock" in lines[-1]
    assert not [n for n in report.notes if "test_clock.py:5" in n], report.notes
