"""layout: the service matches the target layout and the conventions."""

from __future__ import annotations

from restructure.conventions import check_service, load_config
from verify.context import FAILED, PASSED, ServiceContext, StepResult


def run(ctx: ServiceContext) -> StepResult:
    limit, allowed = load_config(ctx.repo)
    violations = check_service(ctx.repo, ctx.service.root, limit, allowed)
    if violations:
        lines = [str(v) for v in violations]
        more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
        return StepResult("layout", FAILED, f"{len(lines)} convention violation(s): {lines[0]}{more}", lines)
    return StepResult("layout", PASSED, "target layout and conventions hold")
