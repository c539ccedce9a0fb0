"""Which coaches to suggest for a cohort: strong coaches for hard cohorts, spread the load."""

from typing import Dict, List

from services.ai_service.scoring.coach_grade import letter_for


def coach_fit(complexity: float, grade_score: float, open_cohorts: int) -> float:
    # A hard cohort needs a good coach; every cohort a coach already runs costs a point.
    need = complexity / 10.0
    fit = grade_score * (0.5 + need) - open_cohorts
    if letter_for(grade_score) == "D" and complexity >= 7:
        fit = fit - 5
    return round(fit, 2)


def suggest_coaches(complexity: float, candidates: List[Dict], limit: int = 3) -> List[Dict]:
    ranked = []
    for candidate in candidates:
        fit = coach_fit(complexity, candidate["grade_score"], candidate.get("open_cohorts", 0))
        ranked.append({"coach_id": candidate["coach_id"], "name": candidate["name"], "fit": fit})
    ranked.sort(key=lambda row: (-row["fit"], row["name"]))
    return ranked[:limit]
