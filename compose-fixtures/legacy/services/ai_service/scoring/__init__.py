"""Pure scoring functions: cohort complexity, coach grades and coach suggestions."""
