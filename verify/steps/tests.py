"""tests: the service's tests, outcomes per test id no worse than the baseline.

The service's tests are its own test folders (those outside the repository's configured
test paths, run per service) and every test of the repository's configured run that
imports or patches one of its modules (run once per tree, see ``repo_tests.py``).
"""

from __future__ import annotations

from verify import compare, repo_tests, snapshot
from verify.context import FAILED, PASSED, SKIPPED, ServiceContext, StepResult


def service_outcomes(ctx: ServiceContext, name: str, include_own: bool = True) -> tuple[dict[str, str], list[str]]:
    """Outcomes of every test that exercises ``name`` on the current tree, and what ran."""
    outcomes: dict[str, str] = {}
    ran: list[str] = []
    if include_own:
        url = ctx.postgres.url() if ctx.postgres else None
        junit = ctx.reports / f"{name}-junit-tests.xml"
        own, summary, targets = snapshot.run_tests(ctx.python, ctx.repo, ctx.service, url, junit, ctx.env)
        outcomes.update(own)
        if targets:
            ran.append(f"{', '.join(targets)}: {summary}")
    if ctx.run is not None:
        now = ctx.run.repo_tests(ctx.reports / "repo-tests-junit.xml")
        before = repo_tests.from_json(snapshot.load(ctx.repo, repo_tests.UNATTRIBUTED)) or repo_tests.RepoTestRun()
        for test_id, outcome in now.outcomes.items():
            owners = set(now.owners.get(test_id, [])) | set(before.owners.get(test_id, []))
            if name in owners:
                outcomes[test_id] = outcome
        mine = [t for t, o in before.owners.items() if name in o]
        for test_id in mine:
            outcomes.setdefault(test_id, "missing")
        if now.paths:
            ran.append(f"{' '.join(now.paths)} ({now.source}): {now.summary}")
    return dict(sorted(outcomes.items())), ran


def judge(name: str, before: dict[str, str] | None, after: dict[str, str], ran: list[str]) -> StepResult:
    if not after and not before:
        reason = "; ".join(ran) or "no test folder and no configured test run"
        return StepResult("tests", SKIPPED, f"no test exercises this service, on the baseline either ({reason})")
    if before is not None:
        worse = compare.tests(before, after)
        if worse:
            return StepResult("tests", FAILED, f"{len(worse)} test(s) worse than the baseline: {worse[0]}", worse)
        failing = sum(o in {"failed", "error"} for o in after.values())
        already = f"; {failing} failing on the baseline already" if failing else ""
        return StepResult("tests", PASSED, f"{len(after)} test ids, no test worse than the baseline{already}")
    bad = [f"{t}: {o}" for t, o in after.items() if o in {"failed", "error", "missing"}]
    if bad:
        return StepResult(
            "tests", FAILED, f"{len(bad)} test(s) failed and there is no baseline to compare with: {bad[0]}", bad
        )
    return StepResult("tests", PASSED, f"{len(after)} test ids pass (no baseline)")


def run(ctx: ServiceContext) -> StepResult:
    after, ran = service_outcomes(ctx, ctx.service.name)
    before = ctx.baseline.get("tests") if ctx.baseline is not None else None
    return judge(ctx.service.name, before, after, ran)
