"""layout: the service matches the target layout and the conventions."""

from __future__ import annotations

from restructure.conventions import _config, check_service
from verify.context import FAILED, PASSED, ServiceContext, StepResult


def run(ctx: ServiceContext) -> StepResult:
    limit, allow_long = _config(ctx.repo)
    violations = check_service(ctx.repo, ctx.service.root, limit, allow_long)
    if violations:
        lines = [str(v) for v in violations]
        more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
        return StepResult("layout", FAILED, f"{len(lines)} convention violation(s): {lines[0]}{more}", lines)
    return StepResult("layout", PASSED, "target layout and conventions hold")
