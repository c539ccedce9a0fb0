"""tests: the service's tests pass, outcomes per test id no worse than the baseline."""

from __future__ import annotations

from verify import compare, snapshot
from verify.context import FAILED, PASSED, SKIPPED, ServiceContext, StepResult


def run(ctx: ServiceContext) -> StepResult:
    url = ctx.postgres.url() if ctx.postgres else None
    junit = ctx.reports / f"{ctx.service.name}-junit-tests.xml"
    outcomes, summary, targets = snapshot.run_tests(ctx.python, ctx.repo, ctx.service, url, junit)
    if not targets:
        return StepResult("tests", SKIPPED, "the service has no tests (own or repo-level)")
    if not outcomes:
        return StepResult("tests", FAILED, f"pytest produced no results: {summary}")
    if ctx.baseline is not None and "tests" in ctx.baseline:
        worse = compare.tests(ctx.baseline["tests"], outcomes)
        if worse:
            return StepResult("tests", FAILED, f"{len(worse)} test(s) worse than the baseline: {worse[0]}", worse)
        return StepResult("tests", PASSED, f"{summary}; no test worse than the baseline ({len(outcomes)} test ids)")
    bad = [f"{t}: {o}" for t, o in outcomes.items() if o in {"failed", "error"}]
    if bad:
        return StepResult(
            "tests", FAILED, f"{len(bad)} test(s) failed and there is no baseline to compare with: {bad[0]}", bad
        )
    return StepResult("tests", PASSED, summary)
