"""One module per verification step; each exposes ``run(ctx) -> StepResult``."""
