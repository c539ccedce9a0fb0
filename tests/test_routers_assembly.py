"""``assemble-routers`` on small services, one row per hazard of the assembly.

Each row is a tiny git repository with one service, run through a one-phase plan (move or
split the routers into ``routers/``, then ``assemble-routers``). What the app does is read
by an independent oracle: the app is imported in a fresh process before and after, its
effective route sequence walked with :func:`fastapi.routing.iter_route_contexts`, and a
request sent for every route and for every pair of routes one request could match (the
request a pair shares is built by merging the two templates); each must reach the same
handler (every handler answers with its own name). Comments are checked with
:mod:`tokenize` on the files as written.
"""

from __future__ import annotations

import ast
import io
import itertools
import json
import random
import re
import subprocess
import sys
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from restructure import engine
from restructure.python import routes as routes_module
from tests.conftest import make_git_copy

PYTHON = sys.executable
SERVICE = "services/svc_service"
MAIN_MODULE = "services.svc_service.main"
NOT_IN_BLOCK = {"health"}  # handlers main.py includes outside the assembled block

# -------------------------------------------------------------------------- the oracle

ORACLE = r'''
import importlib, itertools, json, re, sys
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

app = importlib.import_module(sys.argv[1]).app
sequence = [
    {
        "methods": sorted(ctx.methods or []),
        "path": ctx.path,
        "endpoint": ctx.endpoint.__name__,
        "module": ctx.endpoint.__module__,
        "tags": [str(t) for t in getattr(ctx, "tags", None) or []],
        "dependencies": [d.dependency.__name__ for d in getattr(ctx, "dependencies", None) or []],
    }
    for ctx in iter_route_contexts(app.routes)
]


def sample(path):
    return re.sub(r"\{[^}]+\}", "x1", path)


def merged(a, b):
    """A request path both templates match, or None (literal segments differ, or lengths)."""
    sa, sb = a.split("/"), b.split("/")
    if len(sa) != len(sb):
        return None
    out = []
    for x, y in zip(sa, sb):
        px, py = x.startswith("{"), y.startswith("{")
        if not px and not py and x != y:
            return None
        out.append(y if px and not py else x if not px else "x1")
    return "/".join(out)


ours = [r for r in sequence if r["module"].startswith("services.")]  # not /docs and the like
requests = {(m, sample(r["path"])) for r in ours for m in r["methods"]}
for a, b in itertools.combinations(ours, 2):
    url = merged(a["path"], b["path"])
    if url is not None:
        requests |= {(m, url) for m in set(a["methods"]) & set(b["methods"])}
client = TestClient(app)
answers = {}
for method, url in sorted(requests):
    response = client.request(method, url)
    answers[f"{method} {url}"] = response.json() if response.status_code == 200 else response.status_code
print(json.dumps({"sequence": sequence, "answers": answers, "paths": list(app.openapi()["paths"])}))
'''


def oracle(root: Path) -> dict:
    env = {"PYTHONPATH": str(root), "PYTHONHASHSEED": "0", "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([PYTHON, "-c", ORACLE, MAIN_MODULE], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def block(sequence: list[dict]) -> list[tuple[str, str]]:
    """(methods, path) of the routes the assembled router registers, in registration order."""
    return [
        (",".join(r["methods"]), r["path"])
        for r in sequence
        if r["module"].startswith("services.") and r["endpoint"] not in NOT_IN_BLOCK
    ]


def displaced(before: list[tuple[str, str]], after: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, int]]:
    """Routes outside the (unique, in these rows) longest common subsequence: route -> (old, new), 1-based.

    Plain O(n^2) dynamic programming, independent of the splitter's own code.
    """
    n, m = len(before), len(after)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if before[i] == after[j] else max(table[i + 1][j], table[i][j + 1])
    kept: set[tuple[str, str]] = set()
    i = j = 0
    while i < n and j < m:
        if before[i] == after[j]:
            kept.add(before[i])
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return {r: (before.index(r) + 1, after.index(r) + 1) for r in before if r not in kept}


# -------------------------------------------------------------------------- comments


def comments(text: str) -> list[tuple[int, str]]:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return [(t.start[0], t.string.rstrip()) for t in tokens if t.type == tokenize.COMMENT]


def attached(init_text: str) -> dict[str, list[str]]:
    """comment -> the router argument of each ``api_router.include_router`` it sits above (in the
    block of comment and blank lines directly above), inside, or after (same line)."""
    lines = init_text.splitlines()
    spans = []
    for node in ast.parse(init_text).body:
        call = node.value if isinstance(node, ast.Expr) else None
        if isinstance(call, ast.Call) and ast.unparse(call.func) == "api_router.include_router":
            start = node.lineno
            while start > 1 and (not lines[start - 2].strip() or lines[start - 2].lstrip().startswith("#")):
                start -= 1
            spans.append((start, node.end_lineno, ast.unparse(call.args[0])))
    out: dict[str, list[str]] = {}
    for line, text in comments(init_text):
        out.setdefault(text, []).extend(ref for start, end, ref in spans if start <= line <= end)
    return out


# -------------------------------------------------------------------------- fixtures


def router_file(routes: list[tuple[str, str, str]], prefix: str = "") -> str:
    """A router module: (method, path, handler) in registration order; each handler answers its name."""
    head = "from fastapi import APIRouter\n\n"
    head += f'router = APIRouter(prefix="{prefix}")\n' if prefix else "router = APIRouter()\n"
    body = ""
    for method, path, name in routes:
        params = ", ".join(f"{p}: str" for p in re.findall(r"\{(\w+)\}", path))
        body += f'\n\n@router.{method}("{path}")\ndef {name}({params}) -> str:\n    return "{name}"\n'
    return head + body


HEALTH = router_file([("get", "/health", "health")])
A_ROUTER = router_file([("get", "/one", "a_one"), ("post", "/one", "a_create")], prefix="/a")
B_ROUTER = router_file([("get", "/two", "b_two"), ("delete", "/two/{key}", "b_delete")], prefix="/b")
MOVE_AB = (
    "      - {op: move, from: a_router.py, to: routers/a.py}\n"
    "      - {op: move, from: b_router.py, to: routers/b.py}\n"
    "      - {op: ensure-package, path: routers/__init__.py}\n"
    "      - {op: assemble-routers}\n"
)
MAIN_HEAD_AB = (
    "from fastapi import FastAPI\n\n"
    "from services.svc_service.a_router import router as a_router\n"
    "from services.svc_service.b_router import router as b_router\n"
    "from services.svc_service.health import router as health_router\n\n"
    "app = FastAPI()\n\n"
    "# liveness stays outside the package\n"
    "app.include_router(health_router)  # no prefix: probes call /health\n"
)
MULTI_LINE_APP = """

def create_app() -> FastAPI:
    app = FastAPI()
    # liveness stays outside the package
    app.include_router(health_router)  # no prefix: probes call /health
    app.include_router(a_router, prefix="/api")
    app.include_router(
        b_router,  # the admin side
        # every admin route is versioned
        prefix="/api",  # shared by both
    )  # end of admin
    return app


app = create_app()
"""
STAY = ("# liveness stays outside the package", "# no prefix: probes call /health")


def split(groups: str) -> str:
    return (
        "      - op: split\n        module: router.py\n        into: routers\n        groups:\n"
        + groups
        + "        fallback: most-referenced\n"
        "      - {op: assemble-routers}\n"
    )


MAIN_ONE_ROUTER = (
    "from fastapi import FastAPI\n\n"
    "from services.svc_service.router import router\n\n"
    "app = FastAPI()\n"
    'app.include_router(router, prefix="/api")\n'
)

# /a/first, then four /b routes, then four more /a routes: only /a/first has to move, but the
# old rule (the piece whose first route came first goes first) put all /a routes first and
# moved the four /b routes behind them
INTERLEAVED = router_file(
    [("get", "/a/first", "a_first")]
    + [("get", f"/b/{n}", f"b_{n}") for n in range(1, 5)]
    + [("get", f"/a/{n}", f"a_{n}") for n in range(2, 6)]
)
INTERLEAVED_GROUPS = '          alpha: {paths: ["/a"]}\n          beta: {paths: ["/b"]}\n'

# /s/templates must stay before /s/{sid}: the templates piece goes first although that moves
# both /s/{sid} routes behind the /t routes (sessions first would move one route, and shadow
# /s/templates)
SHADOW = router_file(
    [("get", "/s/templates", "list_templates"), ("get", "/s/{sid}", "get_session"),
     ("delete", "/s/{sid}", "delete_session")]
    + [("get", f"/t/{n}", f"template_{n}") for n in ("a", "b", "c")]
)  # fmt: skip
SHADOW_GROUPS = '          templates: {paths: ["/s/templates", "/t"]}\n          sessions: {paths: ["/s"]}\n'

OPENAPI_SCRIPT = (
    '"""Write docs/openapi.json from the app (run from the repository root)."""\n\n'
    "import json\nfrom pathlib import Path\n\nfrom services.svc_service.main import app\n\n"
    'if __name__ == "__main__":\n'
    '    Path("docs").mkdir(exist_ok=True)\n'
    '    Path("docs/openapi.json").write_text(json.dumps(app.openapi(), indent=2{sort}) + "\\n")\n'
)


@dataclass
class Case:
    name: str
    files: dict[str, str]  # paths under the service directory
    steps: str
    attach: dict[str, str] = field(default_factory=dict)  # comment -> router argument it must sit at
    stay: tuple[str, ...] = ()  # comments that stay in main.py
    moved: int = 0  # routes that must change place (derived from the fixture's construction)
    old_rule_moves_more: bool = False
    repo_files: dict[str, str] = field(default_factory=dict)
    document: str | None = None  # committed OpenAPI document the report must name


CASES = [
    Case(
        "prefix from a module-level constant of main.py",
        {
            "a_router.py": A_ROUTER,
            "b_router.py": B_ROUTER,
            "health.py": HEALTH,
            "main.py": MAIN_HEAD_AB + '\nAPI = "/api"\n'
            "app.include_router(a_router, prefix=API)  # public API\n"
            "app.include_router(b_router, prefix=API)  # admin API\n",
        },
        MOVE_AB,
        attach={"# public API": "a.router", "# admin API": "b.router"},
        stay=STAY,
    ),
    Case(
        "include lines that outgrow the line length once assembled: wrapped as the formatter wraps them",
        {
            "a_router.py": A_ROUTER,
            "b_router.py": B_ROUTER,
            "health.py": HEALTH,
            # 85 characters each in main.py; longer than 88 as ``api_router.include_router(a.router, ...``
            "main.py": MAIN_HEAD_AB
            + 'app.include_router(a_router, prefix="/api/pub", tags=["public"])  # for all, no auth\n'
            'app.include_router(b_router, prefix="/internal", tags=["staff", "internal", "admin"])\n',
        },
        MOVE_AB,
        attach={"# for all, no auth": "a.router"},
        stay=STAY,
    ),
    Case(
        "routers package with imports of its own and a constant from main.py: one blank line after the imports",
        {
            "a_router.py": A_ROUTER,
            "b_router.py": B_ROUTER,
            "health.py": HEALTH,
            "routers/__init__.py": '"""Routers."""\n\nfrom .c import router as c_router\n\n__all__ = ["c_router"]\n',
            "routers/c.py": router_file([("get", "/three", "c_three")], prefix="/c"),
            "main.py": MAIN_HEAD_AB + '\nAPI = "/api"\n'
            "app.include_router(a_router, prefix=API)  # public API\n"
            "app.include_router(b_router, prefix=API)  # admin API\n",
        },
        MOVE_AB,
        attach={"# public API": "a.router", "# admin API": "b.router"},
        stay=STAY,
    ),
    Case(
        "leading comment",
        {
            "a_router.py": A_ROUTER,
            "b_router.py": B_ROUTER,
            "health.py": HEALTH,
            "main.py": MAIN_HEAD_AB
            + '\n# the public side\n# (kept first)\napp.include_router(a_router, prefix="/api")\n'
            '\n# the admin side\napp.include_router(b_router, prefix="/api")\n',
        },
        MOVE_AB,
        attach={"# the public side": "a.router", "# (kept first)": "a.router", "# the admin side": "b.router"},
        stay=STAY,
    ),
    Case(
        "trailing comment",
        {
            "a_router.py": A_ROUTER,
            "b_router.py": B_ROUTER,
            "health.py": HEALTH,
            "main.py": MAIN_HEAD_AB + 'app.include_router(a_router, prefix="/api")  # public API\n'
            'app.include_router(b_router, prefix="/api")  # admin API\n',
        },
        MOVE_AB,
        attach={"# public API": "a.router", "# admin API": "b.router"},
        stay=STAY,
    ),
    Case(
        "comment on a multi-line include",
        {
            "a_router.py": A_ROUTER,
            "b_router.py": B_ROUTER,
            "health.py": HEALTH,
            "main.py": MAIN_HEAD_AB.split("\napp = FastAPI()")[0] + MULTI_LINE_APP,
        },
        MOVE_AB,
        attach={
            "# the admin side": "b.router",
            "# every admin route is versioned": "b.router",
            "# shared by both": "b.router",
            "# end of admin": "b.router",
        },
        stay=STAY,
    ),
    Case(
        "include with prefix, tags and dependencies",
        {
            "a_router.py": A_ROUTER,
            "b_router.py": B_ROUTER,
            "health.py": HEALTH,
            "deps.py": "from fastapi import Header, HTTPException\n\n\n"
            "def staff_only(x_staff: str | None = Header(None)) -> None:\n"
            '    if x_staff != "yes":\n        raise HTTPException(403)\n',
            "main.py": MAIN_HEAD_AB.replace("import FastAPI", "import Depends, FastAPI").replace(
                "from services.svc_service.health",
                "from services.svc_service.deps import staff_only\nfrom services.svc_service.health",
            )
            + 'app.include_router(a_router, prefix="/api/v1/public", tags=["public"])\n'
            'app.include_router(\n    b_router,\n    prefix="/api/v1/staff",\n    tags=["staff"],\n'
            "    dependencies=[Depends(staff_only)],  # staff header required\n)\n",
        },
        MOVE_AB,
        attach={"# staff header required": "b.router"},
        stay=STAY,
    ),
    Case(
        "router that splits into two pieces",
        {
            "router.py": router_file(
                [
                    ("get", "/items", "list_items"),
                    ("get", "/items/{item_id}", "get_item"),
                    ("get", "/tags", "list_tags"),
                    ("get", "/tags/{tag}", "get_tag"),
                ]
            ),
            "main.py": MAIN_ONE_ROUTER.replace(
                "app.include_router(", "# the catalogue: items and tags\napp.include_router("
            ).replace('"/api")\n', '"/api")  # one router today\n'),
        },
        split('          items: {paths: ["/items"]}\n          tags: {paths: ["/tags"]}\n'),
        attach={"# the catalogue: items and tags": "items.router", "# one router today": "items.router"},
    ),
    Case(
        "non-overlapping routes keep the original order",
        {"router.py": INTERLEAVED, "main.py": MAIN_ONE_ROUTER},
        split(INTERLEAVED_GROUPS),
        moved=1,
        old_rule_moves_more=True,
    ),
    Case(
        "overlapping literal/param pair keeps its order when the grouping forces a move",
        {"router.py": SHADOW, "main.py": MAIN_ONE_ROUTER},
        split(SHADOW_GROUPS),
        moved=2,
    ),
    Case(
        "committed openapi.json named with the script that writes it",
        {"router.py": INTERLEAVED, "main.py": MAIN_ONE_ROUTER},
        split(INTERLEAVED_GROUPS),
        moved=1,
        repo_files={"scripts/write_openapi.py": OPENAPI_SCRIPT.format(sort="")},
        document="docs/openapi.json",
    ),
    Case(
        "committed openapi.json with sorted paths not named (its order does not change)",
        {"router.py": INTERLEAVED, "main.py": MAIN_ONE_ROUTER},
        split(INTERLEAVED_GROUPS),
        moved=1,
        repo_files={"scripts/write_openapi.py": OPENAPI_SCRIPT.format(sort=", sort_keys=True")},
    ),
]


def build(case: Case, root: Path) -> tuple[Path, Path]:
    """The case's repository (committed, OpenAPI document written by its own script) and plan."""
    files = {"services/__init__.py": "", f"{SERVICE}/__init__.py": ""}
    files |= {f"{SERVICE}/{name}": text for name, text in case.files.items()} | case.repo_files
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for script in case.repo_files:
        env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
        subprocess.run([PYTHON, script], cwd=root, env=env, check=True, capture_output=True)
    plan = root.with_name(f"{root.name}-plan.yaml")
    plan.write_text("version: 1\nservices: [svc]\nphases:\n  - phase: 1\n    scope: svc\n    steps:\n" + case.steps)
    return make_git_copy(root, root.with_name(f"{root.name}-repo")), plan


def run(repo: Path, plan: Path) -> engine.PhaseReport:
    return engine.run_phase(repo, 1, plan_path=plan, commit=True, echo=lambda _: None)


ROUTE_NOTE = re.compile(r"route order: (\S+) (\S+) #(\d+) -> #(\d+) of")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_assembly(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, plan = build(case, tmp_path / "src")
    old_main = (repo / SERVICE / "main.py").read_text()
    before = oracle(repo)
    report = run(repo, plan)
    after = oracle(repo)
    assert [o.outcome for o in report.outcomes if o.step.startswith("assemble")] == ["done"]
    init = (repo / SERVICE / "routers/__init__.py").read_text()
    new_main = (repo / SERVICE / "main.py").read_text()

    # the same routes, and every request (one per route, one per pair both match) reaches the same handler
    def table(sequence: list[dict]) -> list[str]:  # the module a handler lives in changes on purpose
        return sorted(json.dumps({k: v for k, v in r.items() if k != "module"}) for r in sequence)

    assert table(before["sequence"]) == table(after["sequence"])
    assert before["answers"] == after["answers"]

    # every comment of main.py is in the new main.py or the assembled module, once
    new_comments = Counter(t for _, t in comments(new_main)) + Counter(t for _, t in comments(init))
    assert Counter(t for _, t in comments(old_main)) == new_comments
    found = attached(init)
    for comment, ref in case.attach.items():
        assert found.get(comment) == [ref], f"{comment!r} sits at {found.get(comment)}, not at {ref}"
    for comment in case.stay:
        assert comment in new_main

    # what the tool writes is lint- and format-clean by construction (no fixer ever runs)
    written = [f"{SERVICE}/main.py", f"{SERVICE}/routers/__init__.py"]
    ruff = str(Path(PYTHON).parent / "ruff")
    for command in (["check", "--select", "E,F,I"], ["format", "--check"]):
        done = subprocess.run([ruff, *command, "--isolated", *written], cwd=repo, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:]

    # routes that change place: as few as the construction allows, each one in the report
    moved = displaced(block(before["sequence"]), block(after["sequence"]))
    assert len(moved) == case.moved
    notes = [ROUTE_NOTE.search(n) for n in report.notes]
    reported = {(m[1], m[2]): (int(m[3]), int(m[4])) for m in notes if m}
    assert reported == {(methods.replace(",", "/"), path): places for (methods, path), places in moved.items()}

    # a committed OpenAPI document whose paths order changes is named with its generator
    items = [h for h in report.needs_human if "registration order" in h.reason]
    if case.document:
        assert before["paths"] != after["paths"]  # regenerating it would change it
        assert [(h.path, h.text) for h in items] == [
            (case.document, f"python {next(iter(case.repo_files))} (from the repository root)")
        ]
    else:
        assert items == []

    if case.old_rule_moves_more:
        # the rule before: among the pieces allowed next, the one whose first route came first
        monkeypatch.setattr(routes_module, "_keep_most", lambda *_: None)
        monkeypatch.setattr(routes_module, "_improve", lambda order, *_: order)
        old_repo, _ = build(case, tmp_path / "old")
        run(old_repo, plan)
        old_rule = displaced(block(before["sequence"]), block(oracle(old_repo)["sequence"]))
        assert len(old_rule) > len(moved)


def _kept(sequence: list[int]) -> int:
    """Longest increasing subsequence, by plain O(n^2) dynamic programming."""
    best: list[int] = []
    for i, value in enumerate(sequence):
        best.append(1 + max((best[j] for j in range(i) if sequence[j] < value), default=0))
    return max(best, default=0)


@pytest.mark.parametrize("seed", range(6))
def test_include_order_moves_fewest_routes(seed: int) -> None:
    """With no overlapping pair every include order is allowed: the chosen one keeps as many
    routes in place as the best of all orders (brute force), for random interleavings."""
    rng = random.Random(seed)
    count = rng.randint(2, 5)
    pieces = [rng.randrange(count) for _ in range(12)]
    used = sorted(set(pieces))
    routes = [
        routes_module.Placed(f"/r/{i}", frozenset({"GET"}), f"r{i}", used.index(p), i) for i, p in enumerate(pieces)
    ]
    order = routes_module.order_pieces(routes, [str(p) for p in used])
    best = max(
        _kept([r.position for p in perm for r in routes if r.piece == p])
        for perm in itertools.permutations(range(len(used)))
    )
    assert len(routes) - len(order.displaced) == best
    assert [r.position for r in order.sequence] == [r.position for p in order.order for r in routes if r.piece == p]
