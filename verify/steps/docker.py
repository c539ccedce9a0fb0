"""docker: the image builds, the container starts with its own CMD (no bind mount), /health
(or, when the app has no such route, /openapi.json) answers.

The container gets the service's environment (``environment.py``) and runs on the host
network, so that the throwaway PostgreSQL and Redis on 127.0.0.1 are the ones it reaches.
Its CMD runs as the image says, except a ``--reload`` (a development reloader that never
settles without the bind mount) and the uvicorn port (a free one: the host network is
shared). How far it got is the result's stage, compared with the baseline's by the runner.
"""

from __future__ import annotations

import io
import shlex
from pathlib import Path

import docker.errors

from verify import compose
from verify.context import FAILED, HEALTH_PATHS, PASSED, SKIPPED, ServiceContext, StepResult
from verify.docker_engine import ContainerUnhealthy, command_of
from verify.ports import free_port

NO_IMAGE, BUILT, STARTED, HEALTHY = 0, 1, 2, 3


def host_command(cmd: list[str], port: int) -> tuple[list[str], int, list[str]]:
    """The CMD to run on the host network: without ``--reload``, uvicorn on ``port``.
    Returns the command, the port it will answer on, and what was changed."""
    changes = []
    out = []
    skip = False
    for i, arg in enumerate(cmd):
        if skip:
            skip = False
            continue
        if arg == "--reload" or arg.startswith("--reload-"):
            changes.append("started without --reload")
            if arg.startswith("--reload-") and "=" not in arg and i + 1 < len(cmd):
                skip = True
            continue
        out.append(arg)
    program = Path(out[0]).name if out else ""
    uvicorn = program == "uvicorn" or (program.startswith("python") and out[1:3] == ["-m", "uvicorn"])
    if not uvicorn:
        return out, 8000, changes
    if "--port" in out:
        out[out.index("--port") + 1] = str(port)
    else:
        out = [a for a in out if not a.startswith("--port=")] + ["--port", str(port)]
    return out, port, changes


def run(ctx: ServiceContext) -> StepResult:
    dockerfile = compose.dockerfile_of(ctx.repo, ctx.service)
    if dockerfile is None:
        reason = "the service has no Dockerfile (none in its directory, no compose entry builds one for it)"
        return StepResult("docker", SKIPPED, reason)
    if ctx.docker is None:
        status = FAILED if ctx.require_docker else SKIPPED
        reason = ctx.docker_error or "no Docker engine"
        if ctx.require_docker:
            reason += " (--require-docker)"
        return StepResult("docker", status, reason)
    log = ctx.reports / f"{ctx.service.name}-docker-build.log"
    try:
        return _build_and_start(ctx, dockerfile, log)
    finally:
        ctx.docker.cleanup()  # this service's container and image go now, not after every service's


def _extra_layer(ctx: ServiceContext, tag: str, extra: list[str]) -> str:
    """One more layer on the service image with the packages the target forgot."""
    dockerfile = f"FROM {tag}\nRUN pip install --no-cache-dir {' '.join(shlex.quote(p) for p in extra)}\n"
    new_tag = f"{tag}-extra"
    for chunk in ctx.docker.client.api.build(
        fileobj=io.BytesIO(dockerfile.encode()), tag=new_tag, rm=True, decode=True
    ):
        if "error" in chunk:
            raise docker.errors.BuildError(chunk["error"].strip(), build_log=[])
    ctx.docker.tags.append(new_tag)
    return new_tag


def _build_and_start(ctx: ServiceContext, dockerfile: Path, log: Path) -> StepResult:
    try:
        context, source = compose.build_context(ctx.repo, dockerfile)
        build = ctx.docker.build(context, dockerfile, ctx.service.name, log)
        tag = build.tag
        extra = ctx.run.extra_deps if ctx.run is not None else []
        if extra:
            tag = _extra_layer(ctx, tag, extra)
    except docker.errors.BuildError as exc:
        return StepResult("docker", FAILED, f"image build failed: {exc.msg}; see {log}", stage=NO_IMAGE)
    built = f"built in {build.seconds:.1f}s ({build.cached_steps}/{build.total_steps} steps cached)"
    if context != ctx.repo.resolve():
        built += f" from {source}"
    config = ctx.docker.client.images.get(tag).attrs.get("Config") or {}
    cmd = [*(config.get("Entrypoint") or []), *(config.get("Cmd") or [])]
    command, port, changes = host_command(cmd, free_port())
    changed = f" ({', '.join(sorted(set(changes)))})" if changes else ""
    try:
        container = ctx.docker.start_on_host(tag, command, ctx.env)
        for path in HEALTH_PATHS:  # the next one only when this one is not a route (the server is up by then)
            status = ctx.docker.wait_healthy(container, port, path, timeout=ctx.health_timeout)
            if status != 404:
                break
    except ContainerUnhealthy as exc:
        stage = STARTED if "is running but" in str(exc) else BUILT
        return StepResult("docker", FAILED, f"{exc}{changed}", [built, *exc.log], stage=stage)
    shown = command_of(container)
    if status != 200:
        return StepResult(
            "docker", FAILED, f"{path} answered {status} in the container (CMD `{shown}`){changed}", stage=STARTED
        )
    return StepResult("docker", PASSED, f"{built}; container CMD `{shown}`{changed} answers {path}", stage=HEALTHY)
