"""routes: the ordered route table and the OpenAPI document equal the baseline."""

from __future__ import annotations

from verify import compare
from verify.context import FAILED, PASSED, SKIPPED, ServiceContext, StepResult

NO_BASELINE = "no baseline snapshot for this service; run `invoke snapshot` before restructuring"


def run(ctx: ServiceContext) -> StepResult:
    probe = ctx.probe()
    if "error" in probe:
        return StepResult("routes", FAILED, "the app does not import; no route table")
    if ctx.baseline is None:
        return StepResult("routes", SKIPPED, NO_BASELINE)
    # A shadowed literal route is the cause; the order difference it comes with is the symptom.
    details = compare.pairs(ctx.baseline.get("pairs", []), probe.get("pairs", []))
    details += compare.routes(ctx.baseline["routes"], probe["routes"])
    details += compare.openapi(ctx.baseline.get("openapi"), probe.get("openapi"))
    if details:
        return StepResult("routes", FAILED, details[0], details)
    return StepResult("routes", PASSED, f"{len(probe['routes'])} routes and the OpenAPI document equal the baseline")
