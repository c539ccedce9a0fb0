"""Table-driven tests of reference rewriting in non-Python files, one row per input line.

Each row puts one file into an in-memory tree with a small service
(``tests/rewrite_harness.py``), applies the moves through the plan's ``move`` operation
and runs the engine's reference pass; the rewritten file must re-parse by its type
(YAML, TOML, INI, Dockerfile, shell).
"""

# ruff: noqa: E501  (table rows read best one per line)

from __future__ import annotations

import pytest

from tests.rewrite_harness import DB, GATEWAY, PHASE1, PHASE1_WORKER, SERVICE, relocate, rewrite

S = SERVICE

# --- docker-compose command: lines (uvicorn and arq) -----------------------------------------

COMPOSE = [
    (
        "    command: uvicorn services.x_service.app.main:app --host 0.0.0.0 --port 8000 --reload\n",
        "    command: uvicorn services.x_service.main:app --host 0.0.0.0 --port 8000 --reload\n",
    ),
    (
        '    command: ["uvicorn", "services.x_service.app.main:app", "--port", "8000"]\n',
        '    command: ["uvicorn", "services.x_service.main:app", "--port", "8000"]\n',
    ),
    (
        "    command: >\n      uvicorn services.x_service.app.main:app\n      --workers 2\n",
        "    command: >\n      uvicorn services.x_service.main:app\n      --workers 2\n",
    ),
    (
        "    command: arq services.x_service.app.worker.WorkerSettings\n",
        "    command: arq services.x_service.worker.WorkerSettings\n",
    ),
    (
        '    command: ["arq", "services.x_service.app.worker.WorkerSettings"]\n',
        '    command: ["arq", "services.x_service.worker.WorkerSettings"]\n',
    ),
    # a worker that did not move keeps its path
    (
        "    command: arq services.y_service.worker.WorkerSettings\n",
        "    command: arq services.y_service.worker.WorkerSettings\n",
    ),
    (
        "    volumes:\n      - ./services/x_service/app/tests:/app/services/x_service/app/tests\n",
        "    volumes:\n      - ./services/x_service/tests:/app/services/x_service/tests\n",
    ),
    (
        '    healthcheck:\n      test: ["CMD", "python", "-c", "import services.x_service.app.main"]\n',
        '    healthcheck:\n      test: ["CMD", "python", "-c", "import services.x_service.main"]\n',
    ),
    ("    volumes:\n      - .:/app\n", "    volumes:\n      - .:/app\n"),
]


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.prod.yml", "compose.yaml"])
@pytest.mark.parametrize(("body", "expected"), COMPOSE)
def test_compose_commands(name: str, body: str, expected: str) -> None:
    head = "services:\n  x:\n"
    assert rewrite(head + body, name, PHASE1_WORKER) == head + expected


def test_compose_rewrites_are_counted() -> None:
    text = "services:\n  x:\n" + COMPOSE[0][0] + "  w:\n" + COMPOSE[3][0]
    assert relocate({"docker-compose.yml": text}, PHASE1_WORKER).report.rewrites["compose"] == 2


# --- Dockerfile CMD and COPY ------------------------------------------------------------------

DOCKERFILE = [
    (
        'CMD ["uvicorn", "services.x_service.app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
        'CMD ["uvicorn", "services.x_service.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
    ),
    ("CMD uvicorn services.x_service.app.main:app --reload\n", "CMD uvicorn services.x_service.main:app --reload\n"),
    (
        'ENTRYPOINT ["python", "-m", "uvicorn", "services.x_service.app.main:app"]\n',
        'ENTRYPOINT ["python", "-m", "uvicorn", "services.x_service.main:app"]\n',
    ),
    (
        "CMD uvicorn \\\n    services.x_service.app.main:app \\\n    --port 8000\n",
        "CMD uvicorn \\\n    services.x_service.main:app \\\n    --port 8000\n",
    ),
    (
        "COPY services/x_service/app/main.py /app/services/x_service/app/main.py\n",
        "COPY services/x_service/main.py /app/services/x_service/main.py\n",
    ),
    (
        "COPY services/x_service/app/tests/ /app/services/x_service/app/tests/\n",
        "COPY services/x_service/tests/ /app/services/x_service/tests/\n",
    ),
    (
        'COPY ["services/x_service/app/main.py", "/app/services/x_service/app/main.py"]\n',
        'COPY ["services/x_service/main.py", "/app/services/x_service/main.py"]\n',
    ),
    (
        'RUN python -c "import services.x_service.app.main"\n',
        'RUN python -c "import services.x_service.main"\n',
    ),
    # container paths under WORKDIR /app are not service-relative paths
    ("COPY services/x_service/ /app/services/x_service/\n", "COPY services/x_service/ /app/services/x_service/\n"),
    ("COPY requirements.txt /app/requirements.txt\n", "COPY requirements.txt /app/requirements.txt\n"),
    ("RUN pytest -q /app/tests\n", "RUN pytest -q /app/tests\n"),
    ("WORKDIR /app\n", "WORKDIR /app\n"),
]


@pytest.mark.parametrize("name", [f"{S}/Dockerfile", f"{S}/Dockerfile.dev", "docker/x.dockerfile"])
@pytest.mark.parametrize(("body", "expected"), DOCKERFILE)
def test_dockerfile_cmd_and_copy(name: str, body: str, expected: str) -> None:
    head = "FROM python:3.11-slim\nWORKDIR /app\n"
    assert rewrite(head + body, name) == head + expected


# --- shell scripts ---------------------------------------------------------------------------

SHELL = [
    ("uvicorn services.x_service.app.main:app --port 8000\n", "uvicorn services.x_service.main:app --port 8000\n"),
    ("python -m services.x_service.app.main\n", "python -m services.x_service.main\n"),
    ("pytest -q services/x_service/app/tests\n", "pytest -q services/x_service/tests\n"),
    ("pytest -q ./services/x_service/app/tests/\n", "pytest -q ./services/x_service/tests/\n"),
    (
        'pytest "services/x_service/app/tests/test_api.py::test_x"\n',
        'pytest "services/x_service/tests/test_api.py::test_x"\n',
    ),
    (
        'PYTHONPATH="$root" python -c "import services.x_service.app.main"\n',
        'PYTHONPATH="$root" python -c "import services.x_service.main"\n',
    ),
]

# Forms that name every service through a variable: only an all-services move rewrites them.
SHELL_TEMPLATES = [
    (
        'PYTHONPATH="$root" python -c "import services.${svc}_service.app.main"\n',
        'PYTHONPATH="$root" python -c "import services.${svc}_service.main"\n',
    ),
    ('python -c "import services.$svc.app.main"\n', 'python -c "import services.$svc.main"\n'),
    ('for t in services/*/app/tests; do pytest "$t"; done\n', 'for t in services/*/tests; do pytest "$t"; done\n'),
    ('pytest "services/${1}_service/app/tests"\n', 'pytest "services/${1}_service/tests"\n'),
    ('uvicorn "services.${SERVICE}.app.main:app"\n', 'uvicorn "services.${SERVICE}.main:app"\n'),
    # a variable followed by something that is not the moved path
    (
        'python -c "import services.${svc}_service.app.mainframe"\n',
        'python -c "import services.${svc}_service.app.mainframe"\n',
    ),
    (
        'alembic -c "services/${svc}_service/alembic.ini" upgrade head\n',
        'alembic -c "services/${svc}_service/alembic.ini" upgrade head\n',
    ),
]


@pytest.mark.parametrize(("body", "expected"), SHELL)
def test_shell_scripts(body: str, expected: str) -> None:
    head = "#!/usr/bin/env bash\nset -euo pipefail\n"
    assert rewrite(head + body, "scripts/db/migrate.sh") == head + expected


@pytest.mark.parametrize(("body", "expected"), SHELL_TEMPLATES)
def test_shell_templates_of_an_all_services_move(body: str, expected: str) -> None:
    head = "#!/usr/bin/env bash\nsvc=$1\n"
    assert rewrite(head + body, "scripts/db/migrate.sh", all_services=True) == head + expected


def test_shell_templates_are_left_alone_by_a_one_service_move() -> None:
    text = '#!/bin/sh\npython -c "import services.${svc}_service.app.main"\n'
    assert rewrite(text, "scripts/db/migrate.sh") == text


def test_relative_form_in_a_script_inside_the_service() -> None:
    text = '#!/bin/sh\ncd "$(dirname "$0")"\nPYTHONPATH=../.. uvicorn app.main:app --reload\n'
    assert rewrite(text, f"{S}/run.sh") == text.replace("app.main:app", "main:app")


# --- alembic env.py (Python, see test_python_references) and alembic.ini ---------------------

ALEMBIC_INI = [
    (
        "alembic.ini",
        "[alembic]\nscript_location = services/x_service/migrations\n",
        "[alembic]\nscript_location = services/x_service/alembic\n",
    ),
    (
        "alembic.ini",
        "[alembic]\nversion_locations = services/x_service/migrations/versions\n",
        "[alembic]\nversion_locations = services/x_service/alembic/versions\n",
    ),
    (
        f"{S}/alembic.ini",
        "[alembic]\nscript_location = services/x_service/migrations\nprepend_sys_path = .\n",
        "[alembic]\nscript_location = services/x_service/alembic\nprepend_sys_path = .\n",
    ),
    (
        f"{S}/alembic.ini",
        "[alembic]\nscript_location = %(here)s/migrations\n",
        "[alembic]\nscript_location = %(here)s/alembic\n",
    ),
    # a path that did not move
    (
        f"{S}/alembic.ini",
        "[alembic]\nscript_location = %(here)s/migrations_old\nsqlalchemy.url =\n",
        "[alembic]\nscript_location = %(here)s/migrations_old\nsqlalchemy.url =\n",
    ),
]


@pytest.mark.parametrize(("path", "src", "expected"), ALEMBIC_INI)
def test_alembic_ini(path: str, src: str, expected: str) -> None:
    assert rewrite(src, path, DB) == expected


def test_a_moved_directory_with_a_one_word_name_is_not_rewritten_in_prose() -> None:
    text = "Run the migrations first; migrations live next to the models.\n"
    assert rewrite(text, f"{S}/README.md", DB) == text


# --- pytest.ini / pyproject / setup.cfg settings ----------------------------------------------

SETTINGS = [
    (
        "pytest.ini",
        "[pytest]\ntestpaths = services/x_service/app/tests tests\n",
        "[pytest]\ntestpaths = services/x_service/tests tests\n",
    ),
    (
        "pytest.ini",
        "[pytest]\naddopts = -p services.x_service.app.tests.plugin\n",
        "[pytest]\naddopts = -p services.x_service.tests.plugin\n",
    ),
    (
        "pyproject.toml",
        '[tool.pytest.ini_options]\ntestpaths = ["services/x_service/app/tests", "tests"]\n',
        '[tool.pytest.ini_options]\ntestpaths = ["services/x_service/tests", "tests"]\n',
    ),
    (
        "pyproject.toml",
        '[tool.ruff.lint.per-file-ignores]\n"services/x_service/app/tests/*" = ["S101"]\n',
        '[tool.ruff.lint.per-file-ignores]\n"services/x_service/tests/*" = ["S101"]\n',
    ),
    (
        "pyproject.toml",
        '[tool.coverage.run]\nomit = ["services/x_service/app/main.py"]\n',
        '[tool.coverage.run]\nomit = ["services/x_service/main.py"]\n',
    ),
    (
        "setup.cfg",
        "[tool:pytest]\ntestpaths =\n    services/x_service/app/tests\n",
        "[tool:pytest]\ntestpaths =\n    services/x_service/tests\n",
    ),
    (
        "tox.ini",
        "[testenv]\ncommands = pytest services/x_service/app/tests\n",
        "[testenv]\ncommands = pytest services/x_service/tests\n",
    ),
]


@pytest.mark.parametrize(("path", "src", "expected"), SETTINGS)
def test_pytest_and_pyproject_settings(path: str, src: str, expected: str) -> None:
    assert rewrite(src, path) == expected


# --- CI workflows ----------------------------------------------------------------------------

CI = [
    (
        "      - run: pytest -q services/x_service/app/tests\n",
        "      - run: pytest -q services/x_service/tests\n",
    ),
    (
        "      - run: python -c 'import services.x_service.app.main'\n",
        "      - run: python -c 'import services.x_service.main'\n",
    ),
    (
        "      - run: |\n          uvicorn services.x_service.app.main:app &\n          sleep 2\n",
        "      - run: |\n          uvicorn services.x_service.main:app &\n          sleep 2\n",
    ),
    (
        '      - uses: actions/upload-artifact@v4\n        with:\n          path: "services/x_service/app/tests/report.xml"\n',
        '      - uses: actions/upload-artifact@v4\n        with:\n          path: "services/x_service/tests/report.xml"\n',
    ),
]


@pytest.mark.parametrize("path", [".github/workflows/ci.yml", ".github/workflows/nightly.yaml", ".gitlab-ci.yml"])
@pytest.mark.parametrize(("body", "expected"), CI)
def test_ci_workflows(path: str, body: str, expected: str) -> None:
    head = "jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
    assert rewrite(head + body, path) == head + expected


def test_ci_workflow_trigger_paths() -> None:
    src = "on:\n  push:\n    paths:\n      - 'services/x_service/app/tests/**'\n      - 'services/x_service/app/**'\n"
    expected = "on:\n  push:\n    paths:\n      - 'services/x_service/tests/**'\n      - 'services/x_service/app/**'\n"
    assert rewrite(src, ".github/workflows/ci.yml") == expected


# --- Markdown ----------------------------------------------------------------------------------

MARKDOWN_REPO = [
    ("Run `uvicorn services.x_service.app.main:app`.\n", "Run `uvicorn services.x_service.main:app`.\n"),
    ("Tests live in `services/x_service/app/tests/`.\n", "Tests live in `services/x_service/tests/`.\n"),
    ("The entry point is services/x_service/app/main.py.\n", "The entry point is services/x_service/main.py.\n"),
    ("Tests: services/x_service/app/tests, then lint.\n", "Tests: services/x_service/tests, then lint.\n"),
    ("See [main](services/x_service/app/main.py).\n", "See [main](services/x_service/main.py).\n"),
    ("See [main](./services/x_service/app/main.py).\n", "See [main](./services/x_service/main.py).\n"),
    ("| x | `services/x_service/app/main.py` |\n", "| x | `services/x_service/main.py` |\n"),
    (
        "```bash\npytest services/x_service/app/tests/test_api.py\n```\n",
        "```bash\npytest services/x_service/tests/test_api.py\n```\n",
    ),
    ("Import `services.x_service.app.main` lazily.\n", "Import `services.x_service.main` lazily.\n"),
]

MARKDOWN_TEMPLATES = [
    ("Apps live in `services/<svc>/app/main.py`.\n", "Apps live in `services/<svc>/main.py`.\n"),
    ("Import them as `services.<svc>.app.main:app`.\n", "Import them as `services.<svc>.main:app`.\n"),
    ("Tests: `services/<svc>/app/tests/`.\n", "Tests: `services/<svc>/tests/`.\n"),
    ("Tests: `services/{svc}/app/tests/`.\n", "Tests: `services/{svc}/tests/`.\n"),
    ("Entry: `services/<name>_service/app/main.py`.\n", "Entry: `services/<name>_service/main.py`.\n"),
    ("`services/*/app/tests` is not collected.\n", "`services/*/tests` is not collected.\n"),
    ("`services/<svc>/app/mainframe.py` is not a file.\n", "`services/<svc>/app/mainframe.py` is not a file.\n"),
]

MARKDOWN_SERVICE_README = [
    (
        "PYTHONPATH=../.. uvicorn app.main:app --reload --port 8001\n",
        "PYTHONPATH=../.. uvicorn main:app --reload --port 8001\n",
    ),
    ("The entry point is `app/main.py`.\n", "The entry point is `main.py`.\n"),
    ("The entry point is app/main.py.\n", "The entry point is main.py.\n"),
    ("Run `pytest app/tests` from here.\n", "Run `pytest tests` from here.\n"),
    ("`app/tests/conftest.py` provides the client.\n", "`tests/conftest.py` provides the client.\n"),
    (
        "    PYTHONPATH=. pytest -q services/x_service/app/tests\n",
        "    PYTHONPATH=. pytest -q services/x_service/tests\n",
    ),
    # what the service README may say that is not the moved path
    ("The app serves `/app/main` in the container.\n", "The app serves `/app/main` in the container.\n"),
    ("Copied to `/app/tests` in the image.\n", "Copied to `/app/tests` in the image.\n"),
    (
        "Not `webapp.main:app` nor `myapp/main.py` nor `app.mainframe`.\n",
        "Not `webapp.main:app` nor `myapp/main.py` nor `app.mainframe`.\n",
    ),
    ("The `app` package holds deps.\n", "The `app` package holds deps.\n"),
]


@pytest.mark.parametrize(("src", "expected"), MARKDOWN_REPO)
def test_markdown(src: str, expected: str) -> None:
    assert rewrite(src, "docs/ARCHITECTURE.md") == expected


@pytest.mark.parametrize(("src", "expected"), MARKDOWN_TEMPLATES)
def test_markdown_templates_of_an_all_services_move(src: str, expected: str) -> None:
    assert rewrite(src, "CLAUDE.md", all_services=True) == expected


@pytest.mark.parametrize(("src", "expected"), MARKDOWN_SERVICE_README)
def test_markdown_relative_forms_in_a_service_readme(src: str, expected: str) -> None:
    assert rewrite(src, f"{S}/README.md") == expected


def test_relative_forms_only_apply_inside_the_moved_service() -> None:
    text = "PYTHONPATH=../.. uvicorn app.main:app\nThe entry point is `app/main.py`.\n"
    assert rewrite(text, "services/y_service/README.md") == text
    assert rewrite(text, "README.md") == text


def test_gateway_readme_after_phase_14() -> None:
    src = (
        "- `app/main.py` builds the app.\n"
        "- `app/clients.py` holds one client per service.\n"
        "- `app/routers/dashboard.py` and `app/routers/cleanup.py` are the gateway's own routes.\n"
        "    PYTHONPATH=. pytest -q services/x_service/app/tests\n"
        "`app/tests/stubs.py` swaps every client in `app/clients.py`.\n"
    )
    expected = (
        "- `main.py` builds the app.\n"
        "- `clients.py` holds one client per service.\n"
        "- `routers/dashboard.py` and `routers/cleanup.py` are the gateway's own routes.\n"
        "    PYTHONPATH=. pytest -q services/x_service/tests\n"
        "`tests/stubs.py` swaps every client in `clients.py`.\n"
    )
    assert rewrite(src, f"{S}/README.md", GATEWAY) == expected


# --- token boundaries, in every kind of file --------------------------------------------------

BOUNDARIES = [
    "uvicorn webapp.main:app",
    "uvicorn services.x_service.app.mainframe:app",
    "import services.x_service.app.main_v2",
    "python -m myservices.x_service.app.main",
    "cat services/x_service/app/mainframe.py",
    "cat services/x_service/app/main.pyc",
    "ls services/x_service/app/tests_old/",
    "ls other-services/x_service/app/tests",
    "ls services/x_service/apps/tests",
    "uvicorn services.y_service.app.main:app",
    "pytest services/y_service/app/tests",
    "import services.x_service.app",
]


@pytest.mark.parametrize(
    ("path", "wrap"),
    [
        ("scripts/run.sh", "#!/bin/sh\n{}\n"),
        ("docker-compose.yml", "services:\n  x:\n    command: {}\n"),
        (f"{S}/Dockerfile", "FROM python:3.11\nRUN {}\n"),
        ("README.md", "Run `{}`.\n"),
        (f"{S}/README.md", "Run `{}`.\n"),
        ("pytest.ini", "[pytest]\naddopts = {}\n"),
        (".github/workflows/ci.yml", "jobs:\n  t:\n    steps:\n      - run: {}\n"),
    ],
)
@pytest.mark.parametrize("line", BOUNDARIES)
def test_token_boundaries(path: str, wrap: str, line: str) -> None:
    text = wrap.format(line)
    assert rewrite(text, path, PHASE1_WORKER) == text


def test_rewrite_kinds_are_counted_per_file_type() -> None:
    files = {
        "docker-compose.yml": "services:\n  x:\n" + COMPOSE[0][0],
        f"{S}/Dockerfile": "FROM python:3.11\n" + DOCKERFILE[0][0],
        "scripts/run.sh": "#!/bin/sh\n" + SHELL[0][0],
        "README.md": MARKDOWN_REPO[0][0],
        "pytest.ini": SETTINGS[0][1],
        "pyproject.toml": SETTINGS[2][1],
    }
    counts = relocate(files, PHASE1).report.rewrites
    assert {k: counts[k] for k in ("compose", "dockerfile", "shell", "markdown", "ini", "toml")} == {
        "compose": 1,
        "dockerfile": 1,
        "shell": 1,
        "markdown": 1,
        "ini": 1,
        "toml": 1,
    }
