"""uvicorn: the app starts under a real uvicorn; literal paths reach their own handlers."""

from __future__ import annotations

import json
import urllib.error

from verify.context import FAILED, HEALTH_PATHS, PASSED, ServiceContext, StepResult, first_error_line
from verify.uvicorn_server import ServerFailed, uvicorn_server


def _blames_path_param(body: bytes, parameter_path: str) -> bool:
    """A 422 whose error points at a path parameter of the parameter route."""
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        return False
    params = {p.strip("{}").split(":")[0] for p in parameter_path.split("/") if p.startswith("{")}
    return isinstance(detail, list) and any(
        isinstance(e, dict) and e.get("loc", [None])[0] == "path" and e.get("loc", [None, None])[1] in params
        for e in detail
    )


def run(ctx: ServiceContext) -> StepResult:
    app = ctx.service.app_string
    if app is None:
        return StepResult("uvicorn", FAILED, "no main.py or app/main.py")
    env = ctx.env
    details: list[str] = []
    try:
        with uvicorn_server(ctx.python, ctx.repo, app, env=env) as server:
            for path in HEALTH_PATHS:  # the next one only when this one is not a route
                status, _ = server.get(path)
                if status != 404:
                    break
            if status != 200:
                return StepResult("uvicorn", FAILED, f"{path} answered {status}", stage=1)
            pairs = ctx.probe().get("pairs", [])
            checked = 0
            for pair in pairs:
                if not pair["literal_first"] and pair.get("reached") != pair["literal_endpoint"]:
                    details.append(
                        f"{pair['method']} {pair['literal']} reaches {pair.get('reached')} "
                        f"({pair['parameter']}), not {pair['literal_endpoint']}"
                    )
                    continue
                if pair["method"] != "GET":
                    continue
                try:
                    code, body = server.get(pair["literal"])
                except (urllib.error.URLError, TimeoutError) as exc:
                    details.append(f"GET {pair['literal']}: {exc}")
                    continue
                checked += 1
                if code in {404, 405} or (code == 422 and _blames_path_param(body, pair["parameter"])):
                    details.append(
                        f"GET {pair['literal']} answered {code}: handled by {pair['parameter']}, "
                        f"not {pair['literal_endpoint']}"
                    )
    except ServerFailed as exc:
        lines = str(exc).splitlines()
        stage = 1 if "did not answer" in lines[0] else 0
        cause = first_error_line(lines[1:])
        message = f"uvicorn {app} {'stopped' if stage == 0 else 'did not answer'}: {cause}" if cause else lines[0]
        return StepResult("uvicorn", FAILED, message, lines[1:], stage=stage)
    if details:
        return StepResult("uvicorn", FAILED, details[0], details, stage=1)
    return StepResult(
        stage=2,
        step="uvicorn",
        status=PASSED,
        message=f"uvicorn {app}: {path} 200; {len(pairs)} literal/parameter pair(s) reach the literal handler "
        f"({checked} requested over HTTP)",
    )
