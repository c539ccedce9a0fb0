"""The pytest command of a repository's CI workflow: one row per shape a workflow writes it in,
and one run through real pytest in which the workflow's selection leaves a test out."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from verify import ci_workflow, repo_tests


def workflow(steps: str, defaults: str = "") -> str:
    return (
        "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        + textwrap.indent(textwrap.dedent(defaults), "    ")
        + "    steps:\n"
        + textwrap.indent(textwrap.dedent(steps), "      ")
    )


DEFAULT_DIR = "defaults:\n  run:\n    working-directory: api\n"
CONTINUED = "- run: |\n    pip install -e .\n    pytest \\\n      tests/a tests/b\n"
TWO_CALLS = "- run: pytest -m 'not live' tests/a\n- run: pytest -m 'not live' tests/b\n"
COMMENTED = "- run: |\n    # pytest is run below\n    ruff check .\n    pytest tests  # all\n"

# (id, workflow text, paths, uses ini testpaths, options, a fragment of each skipped line)
ROWS = [
    ("plain", workflow("- run: pytest tests\n"), ["tests"], False, [], []),
    ("python -m with marker", workflow("- run: python -m pytest -m 'not live' tests/unit\n"),
     ["tests/unit"], False, ["-m", "not live"], []),
    ("reporting options dropped", workflow("- run: pytest -q -x --cov=services --cov-report=xml -n 4 tests\n"),
     ["tests"], False, [], []),
    ("glued short option dropped", workflow("- run: pytest -n4 -pno:randomly tests\n"), ["tests"], False, [], []),
    ("no path: the ini testpaths", workflow("- run: pytest -k 'not slow'\n"), [], True, ["-k", "not slow"], []),
    ("runner prefix and env assignment", workflow("- run: DATABASE_URL=x poetry run pytest services\n"),
     ["services"], False, [], []),
    ("uv run", workflow("- run: uv run pytest tests\n"), ["tests"], False, [], []),
    ("cd before pytest", workflow("- run: cd services/a && pytest tests --ignore=tests/e2e\n"),
     ["services/a/tests"], False, ["--ignore=services/a/tests/e2e"], []),
    ("working-directory of the step", workflow("- run: pytest\n  working-directory: services/b\n"),
     ["services/b"], False, [], []),
    ("job default working-directory", workflow("- run: pytest tests\n", DEFAULT_DIR),
     ["api/tests"], False, [], []),
    ("multi-line script with continuation", workflow(CONTINUED),
     ["tests/a", "tests/b"], False, [], []),
    ("two calls, same selection", workflow(TWO_CALLS),
     ["tests/a", "tests/b"], False, ["-m", "not live"], []),
    ("two calls, different selection", workflow("- run: pytest -m unit tests/a\n- run: pytest tests/b\n"),
     ["tests/a", "tests/b"], False, [], ["select differently"]),
    ("matrix expression", workflow("- run: pytest services/${{ matrix.service }}/tests\n"),
     None, False, [], ["built by the workflow at run time"]),
    ("unknown option", workflow("- run: pytest --only-rerun tests\n"), None, False, [], ["--only-rerun"]),
    ("comment and other commands", workflow(COMMENTED),
     ["tests"], False, [], []),
    ("no pytest at all", workflow("- run: ruff check .\n- uses: actions/checkout@v4\n"), None, False, [], None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "paths", "uses_testpaths", "options", "skipped"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_workflow_command(
    tmp_path: Path,
    text: str,
    paths: list[str] | None,
    uses_testpaths: bool,
    options: list[str],
    skipped: list[str] | None,
) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "ci.yml").write_text(text)
    found = ci_workflow.read(tmp_path)
    if skipped is None:
        assert found is None
        return
    assert found is not None
    assert (found.paths if found.sources else None) == paths
    assert found.uses_testpaths == uses_testpaths
    assert found.options == options
    assert len(found.skipped) == len(skipped), found.skipped
    assert all(f in s for f, s in zip(skipped, found.skipped, strict=True)), found.skipped


def test_no_workflow_folder(tmp_path: Path) -> None:
    assert ci_workflow.read(tmp_path) is None


def test_the_workflow_selection_decides_which_tests_run(tmp_path: Path) -> None:
    """The ini testpaths name tests/; the workflow runs only tests/unit without the live
    tests: the harness runs what the workflow runs, and says so."""
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    unit = tmp_path / "tests" / "unit"
    unit.mkdir(parents=True)
    (unit / "test_math.py").write_text(
        "import pytest\n\n\ndef test_adds():\n    assert 1 + 1 == 2\n\n\n"
        "@pytest.mark.live\ndef test_needs_the_staging_api():\n    raise ConnectionError('no network here')\n"
    )
    (tmp_path / "tests" / "test_slow_suite.py").write_text("def test_elsewhere():\n    assert True\n")
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "ci.yml").write_text(workflow("- run: python -m pytest -q -m 'not live' tests/unit\n"))
    configured = repo_tests.configured_testpaths(tmp_path, ci_workflow.read(tmp_path))
    assert configured == (["tests/unit"], "CI workflow .github/workflows/ci.yml")
    run = repo_tests.run(sys.executable, tmp_path, [], {}, tmp_path / "out" / "junit.xml")
    assert run.outcomes == {"tests.unit.test_math::test_adds": "passed"}, run.summary
    assert "selected as the CI workflow does: -m not live" in run.summary
    (folder / "ci.yml").unlink()
    run = repo_tests.run(sys.executable, tmp_path, [], {}, tmp_path / "out" / "junit.xml")
    assert run.outcomes == {
        "tests.test_slow_suite::test_elsewhere": "passed",
        "tests.unit.test_math::test_adds": "passed",
        "tests.unit.test_math::test_needs_the_staging_api": "failed",
    }, run.summary
