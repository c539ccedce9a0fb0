"""docker: the image builds, the container starts with its own CMD (no bind mount), /health answers."""

from __future__ import annotations

from pathlib import Path

import docker.errors

from verify.context import FAILED, PASSED, SKIPPED, ServiceContext, StepResult
from verify.docker_engine import ContainerUnhealthy, command_of


def run(ctx: ServiceContext) -> StepResult:
    dockerfile = ctx.service.dockerfile
    if dockerfile is None:
        return StepResult("docker", SKIPPED, "the service has no Dockerfile")
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


def _build_and_start(ctx: ServiceContext, dockerfile: Path, log: Path) -> StepResult:
    try:
        build = ctx.docker.build(ctx.repo, dockerfile, ctx.service.name, log)
    except docker.errors.BuildError as exc:
        return StepResult("docker", FAILED, f"image build failed: {exc.msg}; see {log}")
    try:
        container, port = ctx.docker.start(build.tag)
        status = ctx.docker.wait_healthy(container, port, timeout=ctx.health_timeout)
    except ContainerUnhealthy as exc:
        return StepResult("docker", FAILED, str(exc), exc.log)
    cmd = command_of(container)
    if status != 200:
        return StepResult("docker", FAILED, f"/health answered {status} in the container (CMD `{cmd}`)")
    return StepResult(
        "docker",
        PASSED,
        f"built in {build.seconds:.1f}s ({build.cached_steps}/{build.total_steps} steps cached); "
        f"container CMD `{cmd}` answers /health",
    )
