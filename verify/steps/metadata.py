"""metadata: SQLAlchemy metadata equals the baseline, and the mappers configure."""

from __future__ import annotations

from verify import compare
from verify.context import FAILED, PASSED, SKIPPED, ServiceContext, StepResult
from verify.steps.routes import NO_BASELINE


def run(ctx: ServiceContext) -> StepResult:
    probe = ctx.probe()
    if "error" in probe:
        return StepResult("metadata", FAILED, "the app does not import; no metadata")
    if probe.get("mapper_error"):
        return StepResult("metadata", FAILED, f"mappers do not configure: {probe['mapper_error']}")
    if ctx.baseline is None:
        return StepResult("metadata", SKIPPED, NO_BASELINE)
    details = compare.metadata(ctx.baseline["tables"], probe["tables"])
    details += compare.mapped_classes(ctx.baseline["mapped_classes"], probe["mapped_classes"])
    if details:
        return StepResult("metadata", FAILED, details[0], details)
    return StepResult("metadata", PASSED, f"{len(probe['tables'])} tables equal the baseline; mappers configure")
