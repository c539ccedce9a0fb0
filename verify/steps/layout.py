"""layout: the service matches the target layout and the conventions."""

from __future__ import annotations

from restructure.conventions import _config, check_service
from verify.context import FAILED, PASSED, ServiceContext, StepResult


def run(ctx: ServiceContext) -> StepResult:
    limit, allow_long = _config(ctx.repo)
    violations = check_service(ctx.repo, ctx.service.root, limit, allow_long)
    if violations:
        return StepResult("layout", FAILED, f"{len(violations)} convention violation(s)", [str(v) for v in violations])
    return StepResult("layout", PASSED, "target layout and conventions hold")
