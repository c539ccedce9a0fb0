"""Table-driven tests of the Python reference rewriter: one row, one input and its output.

Each row runs the engine's own reference pass over an in-memory tree (see
``tests/rewrite_harness.py``): the moves build the relocation map exactly as a phase
does, and every rewritten file must still compile.
"""

# ruff: noqa: E501  (table rows read best one per line)

from __future__ import annotations

import pytest

from tests.rewrite_harness import DB, DOWN, GATEWAY, PHASE1, SERVICE, relocate, rewrite

# --- absolute imports (phase 1: app/main.py -> main.py, app/tests -> tests) ----------------

ABSOLUTE = [
    ("from services.x_service.app.main import app\n", "from services.x_service.main import app\n"),
    (
        "from services.x_service.app.main import app, create_app\n",
        "from services.x_service.main import app, create_app\n",
    ),
    (
        "from services.x_service.app.main import app as application\n",
        "from services.x_service.main import app as application\n",
    ),
    ("import services.x_service.app.main\n", "import services.x_service.main\n"),
    ("import services.x_service.app.main as entry\n", "import services.x_service.main as entry\n"),
    ("import os, services.x_service.app.main\n", "import os, services.x_service.main\n"),
    ("from services.x_service.app.tests.conftest import API\n", "from services.x_service.tests.conftest import API\n"),
    ("from services.x_service.app.tests import conftest\n", "from services.x_service.tests import conftest\n"),
    ("import services.x_service.app.tests.conftest\n", "import services.x_service.tests.conftest\n"),
    ("from services.x_service.app.main import *\n", "from services.x_service.main import *\n"),
    (
        "import os; from services.x_service.app.main import app\n",
        "import os; from services.x_service.main import app\n",
    ),
    (
        "from services.x_service.app.main import (\n    app,  # the ASGI app\n    create_app,\n)\n",
        "from services.x_service.main import (\n    app,  # the ASGI app\n    create_app,\n)\n",
    ),
    (
        "try:\n    from services.x_service.app.main import app\nexcept ImportError:\n    app = None\n",
        "try:\n    from services.x_service.main import app\nexcept ImportError:\n    app = None\n",
    ),
    (
        "if TYPE_CHECKING:\n    from services.x_service.app.main import App\n",
        "if TYPE_CHECKING:\n    from services.x_service.main import App\n",
    ),
]


@pytest.mark.parametrize(("src", "expected"), ABSOLUTE)
def test_absolute_imports(src: str, expected: str) -> None:
    assert rewrite(src) == expected


# --- imports inside functions stay inside the function ---------------------------------------

IN_FUNCTION = [
    (
        "def client():\n    from services.x_service.app.main import app\n    return app\n",
        "def client():\n    from services.x_service.main import app\n    return app\n",
    ),
    (
        "async def client():\n    import services.x_service.app.main\n    return services.x_service.app.main.app\n",
        "async def client():\n    import services.x_service.main\n    return services.x_service.main.app\n",
    ),
    (
        "class T:\n    def setup(self):\n        from services.x_service.app.main import create_app  # lazy on purpose\n",
        "class T:\n    def setup(self):\n        from services.x_service.main import create_app  # lazy on purpose\n",
    ),
    (
        "@pytest.fixture\ndef client(db):\n    if db:\n        from services.x_service.app.main import app\n\n        yield app\n",
        "@pytest.fixture\ndef client(db):\n    if db:\n        from services.x_service.main import app\n\n        yield app\n",
    ),
]


@pytest.mark.parametrize(("src", "expected"), IN_FUNCTION)
def test_imports_inside_functions_stay_inside(src: str, expected: str) -> None:
    assert rewrite(src) == expected


def test_in_function_imports_are_counted_as_such() -> None:
    result = relocate({"tests/t.py": IN_FUNCTION[0][0] + ABSOLUTE[0][0]}, PHASE1)
    assert result.report.rewrites["import-absolute (in function)"] == 1
    assert result.report.rewrites["import-absolute"] == 1


# --- `from pkg import submodule` keeps that shape -------------------------------------------

PACKAGE_ATTRIBUTE = [
    # gateway: clients moves up out of app/; tests swap clients.X on the module object
    (
        GATEWAY,
        "from services.x_service.app import clients\n\nclients.members_client = stub\n",
        "from services.x_service import clients\n\nclients.members_client = stub\n",
    ),
    (
        GATEWAY,
        "from services.x_service.app import clients as c\nc.members_client\n",
        "from services.x_service import clients as c\nc.members_client\n",
    ),
    (
        GATEWAY,
        "def create_app():\n    from services.x_service.app.routers import cleanup, dashboard\n",
        "def create_app():\n    from services.x_service.routers import cleanup, dashboard\n",
    ),
    (PHASE1, "from services.x_service.app import main\n", "from services.x_service import main\n"),
    (PHASE1, "from services.x_service.app import main as entry\n", "from services.x_service import main as entry\n"),
    # the module's own name changes: keep the bound name with an alias
    (
        DOWN,
        "from services.x_service import router\nrouter.router\n",
        "from services.x_service.routers import sessions as router\nrouter.router\n",
    ),
    (DOWN, "from services.x_service import router as r\n", "from services.x_service.routers import sessions as r\n"),
    (
        DOWN,
        "from services.x_service import scoring\nscoring.grade()\n",
        "from services.x_service.services import scoring\nscoring.grade()\n",
    ),
    (DOWN, "from services.x_service import sessions\n", "from services.x_service import sessions\n"),
    # names of one statement that now live in different packages: one statement each
    (
        DOWN,
        "from services.x_service import models, router\n",
        "from services.x_service import models\nfrom services.x_service.routers import sessions as router\n",
    ),
    # a sorted block stays sorted (isort order: the shorter module first)
    (
        PHASE1,
        "from services.x_service.app import deps, main\n",
        "from services.x_service import main\nfrom services.x_service.app import deps\n",
    ),
    (
        PHASE1,
        "from services.x_service.app import (\n    deps,  # shared dependencies\n    main,  # the app\n)\n",
        "from services.x_service.app import (\n    deps,  # shared dependencies\n)\n"
        "from services.x_service import (\n    main,  # the app\n)\n",
    ),
    (
        DOWN,
        "from services.x_service import (\n    models,\n    router,  # the API\n)\n",
        "from services.x_service import (\n    models,\n)\n"
        "from services.x_service.routers import (\n    sessions as router,  # the API\n)\n",
    ),
]


@pytest.mark.parametrize(("moves", "src", "expected"), PACKAGE_ATTRIBUTE)
def test_package_attribute_imports_keep_their_shape(moves, src: str, expected: str) -> None:
    assert rewrite(src, moves=moves) == expected


# --- `import a.b.c` and the attribute chains that follow --------------------------------------

ATTRIBUTE_CHAINS = [
    (
        PHASE1,
        "import services.x_service.app.main\n\nservices.x_service.app.main.app\n",
        "import services.x_service.main\n\nservices.x_service.main.app\n",
    ),
    (
        PHASE1,
        "import services.x_service.app.main\n\nf(services.x_service.app.main.app.title, x=services.x_service.app.main)\n",
        "import services.x_service.main\n\nf(services.x_service.main.app.title, x=services.x_service.main)\n",
    ),
    (
        DOWN,
        "import services.x_service.router\n\nservices.x_service.router.router.routes\n",
        "import services.x_service.routers.sessions\n\nservices.x_service.routers.sessions.router.routes\n",
    ),
    (
        GATEWAY,
        "import services.x_service.app.clients\n\npatch.object(services.x_service.app.clients, 'members_client')\n",
        "import services.x_service.clients\n\npatch.object(services.x_service.clients, 'members_client')\n",
    ),
    # an aliased module import: the alias is the name in use, nothing else changes
    (
        PHASE1,
        "import services.x_service.app.main as m\n\nm.app\n",
        "import services.x_service.main as m\n\nm.app\n",
    ),
    # an attribute chain without the import is somebody else's object: left alone
    (PHASE1, "config.services.x_service.app.main\n", "config.services.x_service.app.main\n"),
]


@pytest.mark.parametrize(("moves", "src", "expected"), ATTRIBUTE_CHAINS)
def test_module_imports_and_attribute_chains(moves, src: str, expected: str) -> None:
    assert rewrite(src, moves=moves) == expected


# --- relative imports: depth follows the file and the target ---------------------------------

S = SERVICE
RELATIVE = [
    # the file moves up a level (app/main.py -> main.py)
    (PHASE1, f"{S}/app/main.py", f"{S}/main.py", "from ..router import router\n", "from .router import router\n"),
    (PHASE1, f"{S}/app/main.py", f"{S}/main.py", "from .. import models\n", "from . import models\n"),
    (PHASE1, f"{S}/app/main.py", f"{S}/main.py", "from . import deps\n", "from .app import deps\n"),
    (PHASE1, f"{S}/app/main.py", f"{S}/main.py", "from .deps import get_db\n", "from .app.deps import get_db\n"),
    (
        PHASE1,
        f"{S}/app/main.py",
        f"{S}/main.py",
        "def f():\n    from ..scoring import grade\n",
        "def f():\n    from .scoring import grade\n",
    ),
    # the file and its target move together: nothing changes
    (
        PHASE1,
        f"{S}/app/tests/test_api.py",
        f"{S}/tests/test_api.py",
        "from .conftest import API\n",
        "from .conftest import API\n",
    ),
    (
        PHASE1,
        f"{S}/app/tests/conftest.py",
        f"{S}/tests/conftest.py",
        "from ..main import app\n",
        "from ..main import app\n",
    ),
    (PHASE1, f"{S}/app/tests/conftest.py", f"{S}/tests/conftest.py", "from .. import main\n", "from .. import main\n"),
    (
        PHASE1,
        f"{S}/app/tests/conftest.py",
        f"{S}/tests/conftest.py",
        "from ...router import r\n",
        "from ..router import r\n",
    ),
    (GATEWAY, f"{S}/app/main.py", f"{S}/main.py", "from . import clients\n", "from . import clients\n"),
    (GATEWAY, f"{S}/app/main.py", f"{S}/main.py", "from .routers import cleanup\n", "from .routers import cleanup\n"),
    (
        GATEWAY,
        f"{S}/app/routers/cleanup.py",
        f"{S}/routers/cleanup.py",
        "from .. import clients\n",
        "from .. import clients\n",
    ),
    (
        GATEWAY,
        f"{S}/app/routers/cleanup.py",
        f"{S}/routers/cleanup.py",
        "from ...models import Base\n",
        "from ..models import Base\n",
    ),
    (
        GATEWAY,
        f"{S}/app/routers/cleanup.py",
        f"{S}/routers/cleanup.py",
        "from .dashboard import d\n",
        "from .dashboard import d\n",
    ),
    # the file moves down a level
    (DOWN, f"{S}/router.py", f"{S}/routers/sessions.py", "from .models import Base\n", "from ..models import Base\n"),
    (DOWN, f"{S}/router.py", f"{S}/routers/sessions.py", "from . import models\n", "from .. import models\n"),
    (
        DOWN,
        f"{S}/router.py",
        f"{S}/routers/sessions.py",
        "from .scoring import grade\n",
        "from ..services.scoring import grade\n",
    ),
    (
        DOWN,
        f"{S}/router.py",
        f"{S}/routers/sessions.py",
        "async def score():\n    from .scoring import grade  # lazy\n    return grade()\n",
        "async def score():\n    from ..services.scoring import grade  # lazy\n    return grade()\n",
    ),
    # the file stays, its target moves
    (
        DOWN,
        f"{S}/models.py",
        f"{S}/models.py",
        "from .router import router\n",
        "from .routers.sessions import router\n",
    ),
    (DOWN, f"{S}/models.py", f"{S}/models.py", "from . import router\n", "from .routers import sessions as router\n"),
    (
        DOWN,
        f"{S}/models.py",
        f"{S}/models.py",
        "from . import scoring, router\n",
        "from .services import scoring\nfrom .routers import sessions as router\n",
    ),
    (
        DOWN,
        f"{S}/main.py",
        f"{S}/main.py",
        "from . import (\n    models,\n    router,\n)\n",
        "from . import (\n    models,\n)\nfrom .routers import (\n    sessions as router,\n)\n",
    ),
    # relative imports of things that do not move are not touched
    (DOWN, f"{S}/models.py", f"{S}/models.py", "from .app import deps\n", "from .app import deps\n"),
    (PHASE1, f"{S}/router.py", f"{S}/router.py", "from .models import Base\n", "from .models import Base\n"),
]


@pytest.mark.parametrize(("moves", "path", "new_path", "src", "expected"), RELATIVE)
def test_relative_imports(moves, path: str, new_path: str, src: str, expected: str) -> None:
    assert rewrite(src, path, moves, new_path=new_path) == expected


def test_relative_import_counts() -> None:
    result = relocate({f"{S}/router.py": RELATIVE[14][3] + RELATIVE[17][3]}, DOWN)
    assert result.report.rewrites["import-relative"] == 1
    assert result.report.rewrites["import-relative (in function)"] == 1


# --- dotted paths inside strings -------------------------------------------------------------

STRINGS = [
    (
        PHASE1,
        'mock.patch("services.x_service.app.main.settings")\n',
        'mock.patch("services.x_service.main.settings")\n',
    ),
    (
        PHASE1,
        "@patch('services.x_service.app.main.get_db')\ndef t(): ...\n",
        "@patch('services.x_service.main.get_db')\ndef t(): ...\n",
    ),
    (
        PHASE1,
        'with mock.patch(\n    "services.x_service.app.main.settings", new=s\n):\n    pass\n',
        'with mock.patch(\n    "services.x_service.main.settings", new=s\n):\n    pass\n',
    ),
    (
        PHASE1,
        'mocker.patch("services.x_service.app.main.settings")\n',
        'mocker.patch("services.x_service.main.settings")\n',
    ),
    (
        GATEWAY,
        'monkeypatch.setattr("services.x_service.app.clients.members_client", stub)\n',
        'monkeypatch.setattr("services.x_service.clients.members_client", stub)\n',
    ),
    (
        GATEWAY,
        'monkeypatch.delattr("services.x_service.app.clients.members_client")\n',
        'monkeypatch.delattr("services.x_service.clients.members_client")\n',
    ),
    (
        GATEWAY,
        'patch.object(sys.modules["services.x_service.app.clients"], "members_client")\n',
        'patch.object(sys.modules["services.x_service.clients"], "members_client")\n',
    ),
    # the attribute name of patch.object is not a path
    (GATEWAY, 'patch.object(clients, "members_client", stub)\n', 'patch.object(clients, "members_client", stub)\n'),
    (
        DOWN,
        'mock.patch("services.x_service.router.grade")\n',
        'mock.patch("services.x_service.routers.sessions.grade")\n',
    ),
    # app strings
    (
        PHASE1,
        'uvicorn.run("services.x_service.app.main:app", port=8000)\n',
        'uvicorn.run("services.x_service.main:app", port=8000)\n',
    ),
    (PHASE1, "APP = 'services.x_service.app.main:create_app'\n", "APP = 'services.x_service.main:create_app'\n"),
    (PHASE1, 'MODULES = {"x": "services.x_service.app.main"}\n', 'MODULES = {"x": "services.x_service.main"}\n'),
    (
        PHASE1,
        'importlib.import_module("services.x_service.app.main")\n',
        'importlib.import_module("services.x_service.main")\n',
    ),
    (PHASE1, 'x = r"services.x_service.app.main:app"\n', 'x = r"services.x_service.main:app"\n'),
    (PHASE1, "x = '''services.x_service.app.main:app'''\n", "x = '''services.x_service.main:app'''\n"),
    (PHASE1, 'x = ("services.x_service.app.main" ":app")\n', 'x = ("services.x_service.main" ":app")\n'),
    # worker paths: a module that did not move keeps its path
    (
        PHASE1,
        'WORKER = "services.x_service.worker.WorkerSettings"\n',
        'WORKER = "services.x_service.worker.WorkerSettings"\n',
    ),
    (
        (*PHASE1, ("app/worker.py", "worker.py")),
        'WORKER = "services.x_service.app.worker.WorkerSettings"\n',
        'WORKER = "services.x_service.worker.WorkerSettings"\n',
    ),
]


@pytest.mark.parametrize(("moves", "src", "expected"), STRINGS)
def test_dotted_strings(moves, src: str, expected: str) -> None:
    assert rewrite(src, moves=moves) == expected


def test_string_kinds_are_counted() -> None:
    src = (
        'mock.patch("services.x_service.app.main.settings")\n'
        'monkeypatch.setattr("services.x_service.app.main.settings", 1)\n'
        'APP = "services.x_service.app.main:app"\n'
        'M = "services.x_service.app.main"\n'
    )
    counts = relocate({"tests/t.py": src}, PHASE1).report.rewrites
    assert (counts["patch-target"], counts["app-string"], counts["dotted-string"]) == (2, 1, 1)


# --- prose in comments and docstrings --------------------------------------------------------

PROSE = [
    ("# see services/x_service/app/main.py\n", "# see services/x_service/main.py\n"),
    ("# import services.x_service.app.main first\n", "# import services.x_service.main first\n"),
    (
        '"""Run with ``uvicorn services.x_service.app.main:app``."""\n',
        '"""Run with ``uvicorn services.x_service.main:app``."""\n',
    ),
    ('"""Tests live in services/x_service/app/tests/."""\n', '"""Tests live in services/x_service/tests/."""\n'),
    ('x = f"run services.x_service.app.main:app on {port}"\n', 'x = f"run services.x_service.main:app on {port}"\n'),
    # a class's or a function's docstring reaches the app (a model's schema description, a
    # route's OpenAPI description): left as written
    ('class M:\n    """Built by services/x_service/app/main.py."""\n',
     'class M:\n    """Built by services/x_service/app/main.py."""\n'),
    ('def f():\n    """Served by services/x_service/app/main.py."""\n',
     'def f():\n    """Served by services/x_service/app/main.py."""\n'),
]  # fmt: skip


@pytest.mark.parametrize(("src", "expected"), PROSE)
def test_comments_and_docstrings(src: str, expected: str) -> None:
    assert rewrite(src) == expected


def test_relative_prose_in_a_service_file() -> None:
    src = '"""Mounted by ``app/main.py``; run ``uvicorn app.main:app``."""\n'
    expected = '"""Mounted by ``main.py``; run ``uvicorn main:app``."""\n'
    assert rewrite(src, f"{S}/router.py") == expected


# --- what must not change --------------------------------------------------------------------

UNCHANGED = [
    '__all__ = ["app", "main", "create_app"]\n',
    "from services.y_service.app.main import app\n",
    "import services.y_service.app.main\n",
    'mock.patch("services.y_service.app.main.settings")\n',
    "from webapp.main import app\n",
    "import app.main\n",
    'x = "services.x_service.app.mainframe"\n',
    'x = "services.x_service.app.main_old:app"\n',
    'x = "myservices.x_service.app.main"\n',
    'x = "webapp.main:app"\n',
    'x = "services.x_service.apps.main"\n',
    "# services/x_service/app/mainframe.py and services/x_service/app/tests_old/\n",
    "from services.x_service.app import deps\n",
    "from services.x_service.router import router\n",
    "from .models import Base\n",
    'x = "services.x_service.app"\n',
]


@pytest.mark.parametrize("src", UNCHANGED)
def test_unchanged(src: str) -> None:
    assert rewrite(src) == src


def test_all_list_of_a_moved_module_is_untouched() -> None:
    src = 'from .app.main import app, create_app\n\n__all__ = ["app", "create_app"]\n'
    assert rewrite(src, f"{S}/__init__.py") == 'from .main import app, create_app\n\n__all__ = ["app", "create_app"]\n'


# --- alembic env.py --------------------------------------------------------------------------

ALEMBIC_ENV = [
    (
        "from services.x_service.models import Base  # noqa: F401  (registers all tables)\n"
        "target_metadata = Base.metadata\n",
        "from services.x_service.db.models import Base  # noqa: F401  (registers all tables)\n"
        "target_metadata = Base.metadata\n",
    ),
    ("import services.x_service.models  # noqa: F401\n", "import services.x_service.db.models  # noqa: F401\n"),
    ("from services.x_service import models\n", "from services.x_service.db import models\n"),
]


@pytest.mark.parametrize(("src", "expected"), ALEMBIC_ENV)
def test_alembic_env(src: str, expected: str) -> None:
    assert rewrite(src, f"{S}/migrations/env.py", DB, new_path=f"{S}/alembic/env.py") == expected


# --- the whole pass ---------------------------------------------------------------------------


def test_moved_file_is_rewritten_under_its_new_path_and_parsed_once() -> None:
    result = relocate({f"{S}/app/main.py": "from ..router import router\n"}, PHASE1)
    assert f"{S}/app/main.py" not in result.files
    assert result[f"{S}/main.py"] == "from .router import router\n"
    assert result.report.files_rewritten == [f"{S}/main.py"]


def test_files_that_cannot_mention_a_moved_path_are_not_rewritten() -> None:
    result = relocate({"libs/db.py": "import os\n# nothing to see\n"}, PHASE1)
    assert "libs/db.py" not in result.report.files_rewritten
    assert result["libs/db.py"] == "import os\n# nothing to see\n"


def test_syntax_error_in_a_file_that_mentions_a_moved_module_is_one_clear_error() -> None:
    from restructure.engine import PhaseError

    with pytest.raises(PhaseError, match=r"^tests/broken\.py:2: Python syntax error"):
        relocate({"tests/broken.py": "from services.x_service.app.main import app\ndef (:\n"}, PHASE1)


def test_imports_that_come_out_the_same_are_not_counted() -> None:
    src = "from .. import main\nfrom ..main import app\nfrom .conftest import API\n"
    result = relocate({f"{S}/app/tests/test_api.py": src}, PHASE1)
    assert result[f"{S}/tests/test_api.py"] == src
    assert not result.report.rewrites


# --- parsing only the statements that mention a needle ------------------------------------------

# Layouts where cutting a file at statement boundaries could go wrong: comments between
# statements and at the end of a block, decorators, ``;``, no final newline, a file that
# starts with a comment. Each is rewritten from parts (the file is not parsed whole) and,
# with that path switched off, from one whole-file parse: both must give the expected text.
CUT_CASES = [
    (
        "# header mentions services/x_service/app/main.py\n\nimport os\n",
        "# header mentions services/x_service/main.py\n\nimport os\n",
    ),
    (
        "def f():\n    return 1\n    # see services.x_service.app.main\n\n\nx = 1\n",
        "def f():\n    return 1\n    # see services.x_service.main\n\n\nx = 1\n",
    ),
    (
        "import os\n\n# the app: services.x_service.app.main\n@decorate\n@other(\n    1,\n)\ndef f():\n    from services.x_service.app.main import app\n",
        "import os\n\n# the app: services.x_service.main\n@decorate\n@other(\n    1,\n)\ndef f():\n    from services.x_service.main import app\n",
    ),
    (
        "a = 1; from services.x_service.app.main import app; b = 2\nc = 3\n",
        "a = 1; from services.x_service.main import app; b = 2\nc = 3\n",
    ),
    (
        "x = 1\nfrom services.x_service.app.main import app",
        "x = 1\nfrom services.x_service.main import app",
    ),
    (
        'TEXT = """\nservices.x_service.app.main is\nmentioned here\n"""\nfrom services.x_service.app.main import app  # trailing\n',
        'TEXT = """\nservices.x_service.main is\nmentioned here\n"""\nfrom services.x_service.main import app  # trailing\n',
    ),
    (
        "class A:\n    def m(self):\n        pass\n\n    # services/x_service/app/main.py\n\n\n# end: services.x_service.app.main\n",
        "class A:\n    def m(self):\n        pass\n\n    # services/x_service/main.py\n\n\n# end: services.x_service.main\n",
    ),
    (
        "if True:\n\tfrom services.x_service.app.main import app\n",
        "if True:\n\tfrom services.x_service.main import app\n",
    ),
    # an import run left alone without parsing still counts for the attribute chains after it
    (
        "import services\nimport os\n\ny = 2\nx = services.x_service.app.main.app\n",
        "import services\nimport os\n\ny = 2\nx = services.x_service.main.app\n",
    ),
    # an unmapped import with a moved path in its comment is parsed (the comment changes)
    (
        "import os  # see services/x_service/app/main.py\n\nx = 1\n",
        "import os  # see services/x_service/main.py\n\nx = 1\n",
    ),
    (
        "from .helpers import one\nfrom services.x_service.app.main import app\n",
        "from .helpers import one\nfrom services.x_service.main import app\n",
    ),
    # a function whose nested import is left alone is not parsed; one whose import moves is
    (
        "def f():\n    import os\n    return os\n\n\ny = 2\n\n\ndef g():\n"
        "    from services.x_service.app.main import app\n    return app\n",
        "def f():\n    import os\n    return os\n\n\ny = 2\n\n\ndef g():\n"
        "    from services.x_service.main import app\n    return app\n",
    ),
    # a nested import that names no needle but imports a moved module as a name is parsed
    (
        "def g():\n    from services.x_service.app import main\n    return main\n\n\ny = 2\n",
        "def g():\n    from services.x_service import main\n    return main\n\n\ny = 2\n",
    ),
    # a nested ``import services`` left alone still counts for a later attribute chain
    (
        "def f():\n    import services\n\n\ny = 2\nx = services.x_service.app.main.app\n",
        "def f():\n    import services\n\n\ny = 2\nx = services.x_service.main.app\n",
    ),
    # the word import in a docstring: a hit, left alone
    (
        '"""How to import data."""\n\ny = 2\nfrom services.x_service.app.main import app\n',
        '"""How to import data."""\n\ny = 2\nfrom services.x_service.main import app\n',
    ),
]


@pytest.mark.parametrize("whole_file", [False, True], ids=["parts", "whole-file"])
@pytest.mark.parametrize(("src", "expected"), CUT_CASES)
def test_rewriting_from_parts_equals_the_whole_file_rewrite(
    src: str, expected: str, whole_file: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from restructure import engine

    if whole_file:
        monkeypatch.setattr(engine, "rewrite_python_source", lambda *args, **kwargs: None)
    result = relocate({"libs/user.py": src}, PHASE1)
    assert result["libs/user.py"] == expected
    parsed_whole, parts = result.report.python_files_parsed, result.report.python_fragments_parsed
    assert (parsed_whole > 0, parts > 0) == (whole_file, not whole_file)


@pytest.mark.parametrize(
    "src",
    [
        "from services.x_service.app.main import app\r\nx = 1\r\n",  # carriage returns
        "\ufefffrom services.x_service.app.main import app\n",  # a byte order mark
    ],
)
def test_files_that_cannot_be_cut_are_parsed_whole(src: str) -> None:
    result = relocate({"libs/user.py": src}, PHASE1)
    assert "services.x_service.main" in result["libs/user.py"]
    assert result.report.python_files_parsed == 1 and result.report.python_fragments_parsed == 0


def _files(repo) -> dict[str, str]:
    return {p.relative_to(repo).as_posix(): p.read_text() for p in sorted(repo.rglob("*.py")) if ".git" not in p.parts}


def test_every_phase_on_the_fixture_is_the_same_from_parts_and_from_whole_files(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All fifteen phases, once as shipped and once with every file parsed whole: the same tree."""
    from restructure import engine
    from restructure.plan import load_plan
    from tests.conftest import MONOREPO, make_git_copy

    plan = load_plan()
    trees = []
    for whole_file in (False, True):
        if whole_file:
            monkeypatch.setattr(engine, "rewrite_python_source", lambda *args, **kwargs: None)
        repo = make_git_copy(MONOREPO, tmp_path / f"whole-{whole_file}")
        fragments = 0
        for number in plan.phases:
            report = engine.run_phase(repo, number, allow_dirty=True, echo=lambda _: None, plan=plan)
            fragments += report.python_fragments_parsed
        assert (fragments == 0) is whole_file
        trees.append(_files(repo))
    assert trees[0] == trees[1]
    assert "services/academy_service/models/cohort.py" in trees[0]
