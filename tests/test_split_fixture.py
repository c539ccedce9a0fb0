"""Phases 1..15 on a scratch git copy of the fixture monorepo: behaviour and code unchanged.

One run of every phase (module-scoped, it takes a minute), then checks:

* the AST of every top-level definition is unchanged across the whole fixture (moves
  and splits only; import paths and patch strings are normalised, as the relocation
  rewrites them on purpose);
* per service, in a fresh process with ``PYTHONHASHSEED=0``: the route table holds the
  same routes and every overlapping literal/parameter pair keeps its order, and the
  OpenAPI document and SQLAlchemy metadata are equal;
* the fixture's tests pass, ``ruff check`` / ``ruff format --check`` are clean, no layer
  file is over the plan's line limit unless the plan keeps it, no ``alembic/__init__.py`` appears;
* the split hazards of the fixture notes, one row each.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from restructure.engine import run_phase
from restructure.plan import load_plan
from restructure.python.routes import Placed, check_order
from tests.conftest import MONOREPO, PYTHON, make_git_copy
from tests.test_fixture_runs import stale_tests

pytestmark = pytest.mark.slow

SURFACE = Path(__file__).parent / "helpers" / "surface.py"
SERVICES = ["academy", "members", "payments", "communications", "store", "volunteer", "media",
            "transport", "sessions", "attendance", "events", "ai", "gateway"]  # fmt: skip
# Files the plan keeps over 300 lines on purpose: its rule-2 exceptions, each with a reason.
KEPT_LONG = {e.path for e in load_plan().exceptions if e.rule == 2}
LAYER_DIRS = {"models", "schemas", "routers", "services", "clients"}


class _Normalise(ast.NodeTransformer):
    """Forget what the relocation rewrites on purpose: import sources and dotted strings."""

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        return ast.ImportFrom(module="<module>", names=node.names, level=0)

    def visit_Import(self, node: ast.Import) -> ast.AST:
        return ast.Import(names=[ast.alias(name="<module>", asname=a.asname) for a in node.names])

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str) and node.value.startswith("services."):
            return ast.Constant(value="<dotted>")
        return node


def definitions(root: Path) -> dict[str, Counter[str]]:
    """Per service: a multiset of normalised ASTs of every top-level class and function."""
    out: dict[str, Counter[str]] = {}
    for path in sorted((root / "services").rglob("*.py")):
        rel = path.relative_to(root)
        if "alembic" in rel.parts or "tests" in rel.parts:
            continue
        service = rel.parts[1]
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if path.name == "main.py" and getattr(node, "name", "") == "create_app":
                continue  # its include block becomes one include of the assembled router, on purpose
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                dump = ast.dump(_Normalise().visit(node), include_attributes=False)
                out.setdefault(service, Counter())[dump] += 1
    return out


def surface(root: Path, service: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(root)}
    done = subprocess.run([PYTHON, str(SURFACE), service], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{service}: {done.stderr[-2000:]}"
    return json.loads(done.stdout)


def surfaces(root: Path) -> dict[str, dict]:
    with ThreadPoolExecutor(max_workers=6) as pool:
        return dict(zip(SERVICES, pool.map(lambda s: surface(root, s), SERVICES), strict=True))


@pytest.fixture(scope="module")
def restructured(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = make_git_copy(MONOREPO, tmp_path_factory.mktemp("split") / "monorepo")
    before = {"definitions": definitions(root), "surfaces": surfaces(root)}
    reports = {n: run_phase(root, n, commit=True, echo=lambda _: None) for n in range(1, 16)}
    return {"root": root, "before": before, "reports": reports}


def test_every_definition_is_unchanged(restructured: dict) -> None:
    before = restructured["before"]["definitions"]
    after = definitions(restructured["root"])
    for service in before:
        if service == "identity_service":
            continue
        missing = before[service] - after.get(service, Counter())
        extra = after.get(service, Counter()) - before[service]
        assert not missing and not extra, f"{service}: {len(missing)} definition(s) changed or lost"


@pytest.mark.parametrize("service", SERVICES)
def test_routes_openapi_and_metadata_unchanged(restructured: dict, service: str) -> None:
    old = restructured["before"]["surfaces"][service]
    new = surface(restructured["root"], service)
    assert sorted(map(json.dumps, old["routes"])) == sorted(map(json.dumps, new["routes"]))

    def placed(routes: list[dict]) -> list[Placed]:
        return [Placed(r["path"], frozenset(r["methods"]), r["endpoint"] or "", 0, i) for i, r in enumerate(routes)]

    assert check_order(placed(old["routes"]), placed(new["routes"])) == []
    assert old["openapi"] == new["openapi"]
    assert old["metadata"] == new["metadata"]


def test_nothing_needs_a_human_for_patch_targets(restructured: dict) -> None:
    items = [h for r in restructured["reports"].values() for h in r.needs_human if "patch target" in h.reason]
    assert items == []


def test_ruff_clean_and_no_long_layer_files(restructured: dict) -> None:
    """The fixture is ruff clean before; afterwards ``ruff check`` still is. ``ruff format``
    may only want to wrap the lines the reports name as lengthened by a rewritten reference:
    the tool leaves those statements as written (it never restyles user code)."""
    root = restructured["root"]
    ruff = str(Path(PYTHON).parent / "ruff")
    assert subprocess.run([ruff, "check", "--quiet", "."], cwd=root).returncode == 0
    fmt = subprocess.run([ruff, "format", "--check", "--quiet", "."], cwd=root, capture_output=True, text=True)
    flagged = {line.split(":")[0].split()[-1] for line in fmt.stdout.splitlines() if "-->" in line}
    noted = {
        note.split(":")[0]
        for report in restructured["reports"].values()
        for note in report.notes
        if "a rewritten reference makes this line" in note
    }
    assert flagged <= noted, sorted(flagged - noted)
    long = []
    limit = load_plan().line_limit
    for path in (root / "services").rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        layer = path.parent.name in LAYER_DIRS or path.name in {"models.py", "schemas.py", "router.py"}
        if layer and len(path.read_text().splitlines()) > limit and rel not in KEPT_LONG:
            long.append(rel)
    assert long == []
    assert not list(root.glob("services/*/alembic/__init__.py"))


def _pytest(root: Path, target: str, database_url: str) -> tuple[str, int, str]:
    env = {**os.environ, "PYTHONPATH": str(root), "TEST_DATABASE_URL": database_url}
    done = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", target], cwd=root, env=env,
                          capture_output=True, text=True)  # fmt: skip
    return target, done.returncode, done.stdout[-1500:]


def test_fixture_tests_pass_after(restructured: dict, pg_server) -> None:
    root = restructured["root"]
    targets = [p.relative_to(root).as_posix() for p in sorted((root / "tests").glob("test_*.py"))]
    targets += [p.relative_to(root).as_posix() for p in sorted(root.glob("services/*/tests")) if p.is_dir()]
    # the attendance legacy tests error on purpose (a fixture nobody defines): outcome kept
    stale = {"services/attendance_service/tests"}
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda t: _pytest(root, t, pg_server.url("postgres")), targets))
    failed = [(t, out) for t, code, out in results if code != 0 and t not in stale]
    assert failed == []
    legacy = next(out for t, _, out in results if t in stale)
    # the tests that ask for the undefined fixture, counted in the fixture itself and matched
    # against the ones its HAZARDS.md lists as stale
    source = (MONOREPO / "services/attendance_service/app/tests/test_legacy_import.py").read_text()
    erroring = len(re.findall(r"^def test_\w+\(legacy_db\)", source, re.M))
    assert erroring == stale_tests()["services/attendance_service/app/tests"] > 0
    assert re.search(rf"(?<!\d){erroring} errors?\b", legacy), legacy


# --- hazards of the fixture notes that concern splitting -----------------------------------

HAZARD_TEXT = [
    # (hazard ids, file after the restructure, text that must be there)
    ("communications-02/04", "services/communications_service/routers/__init__.py",
     'api_router.include_router(email.router, prefix="/email", tags=["email"])'),
    ("payments-05/07/08", "services/payments_service/routers/__init__.py",
     # main.py's multi-line include keeps its layout; only the receiver, router and prefix change
     'api_router.include_router(\n    admin.admin_router,\n    tags=["admin"],\n'
     "    dependencies=[Depends(require_admin)],\n)"),
    ("payments-05", "services/payments_service/routers/__init__.py",
     'api_router.include_router({home:payments:paystack_webhook}.webhook_router, prefix="/webhooks")'),
    ("members-14/15", "services/members_service/routers/__init__.py",
     'api_router.include_router(coach_agreements.agreements_router, prefix="/members")'),
    ("communications-11", "services/communications_service/tasks.py",
     "from services.communications_service.routers."
     "{home:communications:_render_announcement} import _render_announcement"),
    ("communications-11", "services/communications_service/tasks.py",
     "from services.communications_service.routers."
     "{home:communications:_create_notifications} import _create_notifications"),
    ("communications-12", "services/communications_service/routers/{home:communications:publish_announcement}.py",
     "    from services.communications_service.tasks import fan_out_announcement"),
    ("members-05", "services/members_service/models/member.py",
     'coach_profile: Mapped[Optional["CoachProfile"]] = relationship(back_populates="member")'),
    ("members-05", "services/members_service/models/member.py",
     "    from services.members_service.models.coach_profile import CoachProfile"),
    ("members-07", "services/members_service/models/coach_profile.py", 'order_by="CoachAgreement.signed_at"'),
    ("members-30", "services/members_service/routers/{home:members:apply_as_coach}.py",
     "    from services.members_service.services.member_service import get_member_by_auth"),
    ("store-15", "services/store_service/routers/admin.py",
     "from services.store_service.models import get_order as fetch_order"),
    ("store-33", "services/store_service/models/inventory.py",
     "    from services.store_service.models.order import Order"),
    ("payments-31", "services/payments_service/routers/payouts.py",
     "from services.payments_service.routers.{home:payments:paystack} import paystack"),
    ("payments-32", "services/payments_service/routers/_shared.py",
     "    from services.payments_service.routers.payouts import _apply_transfer_outcome"),
    ("sessions-11", "services/sessions_service/routers/templates.py",
     "from services.sessions_service.routers.sessions import get_clock"),
    ("attendance-09", "services/attendance_service/routers/internal.py",
     "from services.attendance_service.routers.attendance import ATTENDED, _summarise, _upsert_record"),
    ("attendance-12", "services/attendance_service/tests/conftest.py",
     '"services.attendance_service.routers.attendance._fetch_session"'),
    ("communications-19/21", "tests/test_communications_api.py",
     '"services.communications_service.routers.{home:communications:publish_announcement}.enqueue_job"'),
    ("communications-20", "tests/test_communications_api.py",
     '"services.communications_service.routers.email.enqueue_job"'),
    ("payments-33", "tests/test_payments_api.py",
     '"services.payments_service.routers.{home:payments:paystack}.paystack"'),
    ("payments-34", "tests/test_payments_api.py",
     '"services.payments_service.routers.{home:payments:paystack_webhook}.verify_signature"'),
    ("payments-35", "tests/test_payments_api.py", '"services.payments_service.routers.payouts.paystack"'),
    ("members-44", "services/members_service/tests/test_coaches.py",
     '"services.members_service.routers.{home:members:_notify_coach}.get_service_client"'),
    ("members-45", "services/members_service/tests/test_coaches.py",
     '"services.members_service.routers.{home:members:sign_agreement}._utcnow"'),
    ("members-46", "services/members_service/tests/test_coaches.py",
     '"services.members_service.routers.volunteers._today"'),
    ("sessions-17", "services/sessions_service/tests/test_api.py",
     '"services.sessions_service.routers.internal._notify_cancellation"'),
    ("volunteer-25", "tests/test_volunteer_api.py",
     '"services.volunteer_service.routers.volunteers.get_member_summary"'),
    ("volunteer-26", "tests/test_volunteer_api.py",
     '"services.volunteer_service.services.volunteer_service.get_service_client"'),
    # a Dockerfile that COPYs another service's single models.py must copy the package
    ("ai-dockerfile-models-copy", "services/ai_service/Dockerfile",
     "COPY services/academy_service/models/ /app/services/academy_service/models/"),
]  # fmt: skip


def _derived(root: Path, text: str) -> str:
    """``{home:SERVICE:NAME}``: the stem of the routers file that defines NAME after the split.

    Where a split puts a name is inferred from the code, so the rows name the symbol, not
    the file a particular placement gave it; the patch strings and imports must then point
    at that file.
    """

    def home(match: re.Match[str]) -> str:
        found = [p for p in _defined_in(root, match[1], match[2]) if "/routers/" in p]
        assert len(found) == 1, (match[0], found)
        return Path(found[0]).stem

    return re.sub(r"\{home:(\w+):(\w+)\}", home, text)


@pytest.mark.parametrize(("hazard", "path", "text"), HAZARD_TEXT, ids=[h[0] for h in HAZARD_TEXT])
def test_split_hazard(restructured: dict, hazard: str, path: str, text: str) -> None:
    root = restructured["root"]
    assert _derived(root, text) in (root / _derived(root, path)).read_text(), hazard


def _defined_in(root: Path, service: str, name: str) -> list[str]:
    found = []
    for path in (root / "services" / f"{service}_service").rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.parse(path.read_text()).body:
            targets = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
            if getattr(node, "name", None) == name or name in targets:
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


@pytest.mark.parametrize(
    ("hazard", "service", "name", "count"),
    [
        ("payments-30 one paystack singleton", "payments", "paystack", 1),
        ("sessions-10 one get_clock", "sessions", "get_clock", 1),
        ("store-11..13 three get_order, never merged", "store", "get_order", 3),
        ("volunteer-05/06 two _enrich_opportunity", "volunteer", "_enrich_opportunity", 2),
        ("attendance-03 MemberRef kept", "attendance", "MemberRef", 1),
        ("store-35 MemberRef kept", "store", "MemberRef", 1),
        ("media singleton storage_service", "media", "storage_service", 1),
    ],
)
def test_split_keeps_single_objects(restructured: dict, hazard: str, service: str, name: str, count: int) -> None:
    assert len(_defined_in(restructured["root"], service, name)) == count, hazard


def test_unmounted_router_stays_unmounted(restructured: dict) -> None:
    root = restructured["root"]
    init = (root / "services/communications_service/routers/__init__.py").read_text()
    assert "preferences" not in init
    assert (root / "services/communications_service/routers/preferences.py").is_file()


def test_alembic_env_unchanged(restructured: dict) -> None:
    root = restructured["root"]
    for env in (MONOREPO / "services").glob("*/alembic/env.py"):
        assert (root / env.relative_to(MONOREPO)).read_text() == env.read_text(), env


def test_workers_import(restructured: dict) -> None:
    root = restructured["root"]
    for service in ("academy", "communications"):
        code = f"import services.{service}_service.worker as w; print(len(w.WorkerSettings.functions))"
        done = subprocess.run([PYTHON, "-c", code], cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                              capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr[-1000:]
