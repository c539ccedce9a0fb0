"""AI service: completions through pluggable providers, and the cohort and coach scores."""
