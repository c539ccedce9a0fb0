"""compose: every compose file parses; each command of the service names an importable object."""

from __future__ import annotations

from verify import compose
from verify.context import FAILED, PASSED, SKIPPED, ServiceContext, StepResult


def run(ctx: ServiceContext) -> StepResult:
    files = compose.compose_files(ctx.repo)
    if not files:
        return StepResult("compose", SKIPPED, "no docker-compose file in the repository")
    dropped = sorted(set((ctx.baseline or {}).get("env_keys", [])) - set(ctx.env))
    if dropped:
        lines = [
            f"environment variable {key} is no longer given to the service (compose / env files)" for key in dropped
        ]
        return StepResult("compose", FAILED, lines[0] + (f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""), lines)
    try:
        commands = compose.commands_for(ctx.repo, ctx.service)
    except compose.ComposeError as exc:
        return StepResult("compose", FAILED, str(exc))
    if not commands:
        return StepResult("compose", PASSED, f"{len(files)} compose file(s) parse; no command names this service")
    described = compose.describe(ctx.python, ctx.repo, [c.spec for c in commands], env=ctx.env)
    details = []
    baseline = (ctx.baseline or {}).get("workers", {})
    for command in commands:
        info = described.get(command.spec, {})
        where = f"{command.file} {command.entry}: {command.kind} {command.spec}"
        if not info.get("ok"):
            details.append(f"{where} does not import: {info.get('error')}")
            continue
        before = baseline.get(command.entry)
        if before is not None and before.get("functions") != info.get("functions"):
            details.append(f"{where}: task functions {before.get('functions')} -> {info.get('functions')}")
    if details:
        return StepResult("compose", FAILED, details[0], details)
    named = sorted({f"{c.kind} {c.spec}" for c in commands})
    workers = [
        f"{c.spec}: {len(described[c.spec].get('functions', []))} task function(s)"
        for c in commands
        if c.kind == "arq" and "functions" in described.get(c.spec, {})
    ]
    return StepResult(
        "compose",
        PASSED,
        f"{len(commands)} command(s) in {len(files)} compose file(s) name importable objects: {'; '.join(named)}",
        sorted(set(workers)),
    )
