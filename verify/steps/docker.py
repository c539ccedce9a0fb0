"""docker: the image builds, the container starts with its own CMD (no bind mount), /health answers."""

from __future__ import annotations

import docker.errors

from verify.context import FAILED, PASSED, SKIPPED, ServiceContext, StepResult
from verify.docker_engine import ContainerUnhealthy


def run(ctx: ServiceContext) -> StepResult:
    dockerfile = ctx.service.dockerfile
    if dockerfile is None:
        return StepResult("docker", SKIPPED, "the service has no Dockerfile")
    if ctx.docker is None:
        status = FAILED if ctx.require_docker else SKIPPED
        return StepResult("docker", status, ctx.docker_error or "no Docker engine")
    log = ctx.reports / f"{ctx.service.name}-docker-build.log"
    try:
        build = ctx.docker.build(ctx.repo, dockerfile, ctx.service.name, log)
    except docker.errors.BuildError as exc:
        return StepResult("docker", FAILED, f"image build failed: {exc.msg}; see {log}")
    try:
        container, port = ctx.docker.start(build.tag)
        status = ctx.docker.wait_healthy(container, port, timeout=ctx.health_timeout)
    except ContainerUnhealthy as exc:
        return StepResult("docker", FAILED, str(exc))
    if status != 200:
        return StepResult("docker", FAILED, f"/health answered {status} in the container")
    cmd = " ".join(container.attrs["Config"].get("Cmd") or [])
    return StepResult(
        "docker",
        PASSED,
        f"built in {build.seconds:.1f}s ({build.cached_steps}/{build.total_steps} steps cached); "
        f"container CMD `{cmd}` answers /health",
    )
