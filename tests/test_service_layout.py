"""Where services live is the plan's ``services_dir`` and ``service_suffix``, for verify too.

The phases read both keys; the harness looked in ``services/*_service`` only, so a monorepo
with ``apps/billing/`` could be restructured and never verified. Each row is one layout;
the last test restructures and verifies a small ``apps/<name>/`` monorepo for real.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from restructure.engine import run_phase
from restructure.plan import load_plan
from tests.conftest import PYTHON, git
from tests.verify_support import describe, results, verify
from verify import cli
from verify import services as svc
from verify.context import PASSED
from verify.runner import take_snapshot


@dataclass
class LayoutCase:
    name: str
    layout: svc.Layout
    files: list[str]  # created empty; a service is a directory holding main.py or app/main.py
    expected: list[tuple[str, str, str]]  # (name, package, root from the repository)


LAYOUT_CASES = [
    LayoutCase(
        "the shipped plan's layout",
        svc.Layout(),
        [
            "services/a_service/main.py",
            "services/b_service/app/main.py",
            "services/c_service/x.py",
            "services/d/main.py",
        ],
        [("a", "services.a_service", "services/a_service"), ("b", "services.b_service", "services/b_service")],
    ),
    LayoutCase(
        "no suffix, another directory",
        svc.Layout("apps", ""),
        ["apps/billing/main.py", "apps/orders/app/main.py", "apps/docs/README.md", "services/x_service/main.py"],
        [("billing", "apps.billing", "apps/billing"), ("orders", "apps.orders", "apps/orders")],
    ),
    LayoutCase(
        "a nested services directory",
        svc.Layout("backend/services", "_svc"),
        ["backend/services/auth_svc/app/main.py", "backend/services/auth/main.py"],
        [("auth", "backend.services.auth_svc", "backend/services/auth_svc")],
    ),
]


@pytest.mark.parametrize("case", LAYOUT_CASES, ids=lambda c: c.name)
def test_services_are_found_where_the_layout_says(tmp_path: Path, case: LayoutCase) -> None:
    for name in case.files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    found = [(s.name, s.package, s.relative_root) for s in svc.discover(tmp_path, case.layout)]
    assert found == case.expected


PLAN = textwrap.dedent(
    """\
    version: 1
    services_dir: apps
    service_suffix: ""
    line_limit: 300
    services: [billing]
    phases:
      - phase: 1
        title: "move app/main.py"
        scope: all
        steps:
          - {op: move, from: app/main.py, to: main.py}
          - {op: delete-if-empty, path: app}
    """
)

MAIN = textwrap.dedent(
    """\
    from fastapi import FastAPI

    app = FastAPI(title="billing")


    @app.get("/invoices")
    def invoices():
        return []
    """
)


def _apps_repo(root: Path) -> tuple[Path, Path]:
    repo = root / "repo"
    for name, text in {
        "apps/__init__.py": "",
        "apps/billing/__init__.py": "",
        "apps/billing/app/__init__.py": "",
        "apps/billing/app/main.py": MAIN,
    }.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "apps")
    plan = root / "plan.yaml"
    plan.write_text(PLAN)
    return repo, plan


def test_the_sessions_and_the_refusal_follow_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, plan = _apps_repo(tmp_path)
    assert cli.session_services(str(repo), str(plan)) == ["billing"]
    code = cli.verify_main(["--repo", str(repo)])  # the shipped plan: services/ does not exist here
    assert code == 2
    assert "no services/ directory" in capsys.readouterr().err


def test_a_monorepo_under_apps_is_restructured_and_verified(tmp_path: Path, pg_server) -> None:
    database_url = pg_server.url()
    repo, plan = _apps_repo(tmp_path)
    layout = svc.Layout.of_plan(plan)
    steps = ["imports", "uvicorn"]
    take_snapshot(repo, None, PYTHON, database_url, echo=lambda _line: None, steps=steps, layout=layout)
    run_phase(repo, 1, commit=True, echo=lambda _line: None, plan=load_plan(plan))
    assert (repo / "apps/billing/main.py").is_file() and not (repo / "apps/billing/app").exists()
    runs = verify(
        repo, ["billing"], tmp_path / "reports", steps=[*steps, "routes"], database_url=database_url, layout=layout
    )
    found = results(runs[0])
    for name in ("imports", "uvicorn", "routes"):
        assert found[name].status == PASSED, describe(found[name])
    assert "apps.billing.main:app" in found["uvicorn"].message
