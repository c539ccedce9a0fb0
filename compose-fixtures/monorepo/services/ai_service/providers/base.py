"""Text providers behind the AI endpoints.

Scores are always computed by the pure functions in ``scoring/``; a provider only reads
free-text notes and writes the explanation shown to admins. ``RuleBasedProvider`` does
this with keyword tables, needs no network and always gives the same answer, which is
what tests and the staging stack use. A hosted language-model provider implements the
same interface.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import ClassVar


class ProviderError(RuntimeError):
    """The provider could not produce an answer."""


class AIProvider(ABC):
    name: ClassVar[str]
    description: ClassVar[str]
    deterministic: ClassVar[bool] = False

    @abstractmethod
    def read_notes(self, notes: str | None) -> frozenset[str]:
        """Flags found in a coach's or admin's free-text notes about a cohort."""

    @abstractmethod
    def explain_complexity(
        self, score: int, required_grade: str, contributions: Mapping[str, float]
    ) -> str:
        """One paragraph explaining a complexity score."""

    @abstractmethod
    def explain_grade(self, grade: str, breakdown: Mapping[str, int], points_to_next: int) -> str:
        """One paragraph explaining a coach grade assessment."""

    @abstractmethod
    def explain_match(self, rank: int, grade: str, reasons: Sequence[str]) -> str:
        """One sentence on why a coach was suggested for a cohort."""


# Keyword -> flag. Flags feed the "notes" factor of the complexity score.
NOTE_KEYWORDS: dict[str, str] = {
    "asthma": "medical",
    "epilep": "medical",
    "diabet": "medical",
    "allerg": "medical",
    "autis": "additional_needs",
    "adhd": "additional_needs",
    "special educational": "additional_needs",
    "deaf": "additional_needs",
    "wheelchair": "additional_needs",
    "nervous": "water_confidence",
    "anxious": "water_confidence",
    "afraid": "water_confidence",
    "non-swimmer": "water_confidence",
    "cold water": "environment",
    "tide": "environment",
    "lake": "environment",
    "gala": "competition",
    "qualif": "competition",
}

FACTOR_LABELS: dict[str, str] = {
    "group_size": "the ratio of swimmers to coaches",
    "age_spread": "the spread of ages in the group",
    "young_swimmers": "very young swimmers",
    "environment": "the swimming environment",
    "level": "the level of the programme",
    "additional_needs": "swimmers with additional needs",
    "notes": "points raised in the notes",
}

_WORD = re.compile(r"[a-z]+")


class RuleBasedProvider(AIProvider):
    name = "rule-based"
    description = "Keyword and template based; deterministic, runs without network access."
    deterministic = True

    def read_notes(self, notes: str | None) -> frozenset[str]:
        if not notes:
            return frozenset()
        text = notes.lower()
        words = set(_WORD.findall(text))
        flags = set()
        for keyword, flag in NOTE_KEYWORDS.items():
            if not keyword.isalpha():
                found = keyword in text
            else:
                found = any(word.startswith(keyword) for word in words)
            if found:
                flags.add(flag)
        return frozenset(flags)

    def explain_complexity(
        self, score: int, required_grade: str, contributions: Mapping[str, float]
    ) -> str:
        drivers = [
            FACTOR_LABELS.get(name, name.replace("_", " "))
            for name, value in sorted(contributions.items(), key=lambda kv: (-kv[1], kv[0]))
            if value >= 5
        ][:3]
        band = "high" if score >= 60 else "moderate" if score >= 30 else "low"
        grade = required_grade.replace("_", " ")
        if not drivers:
            return f"Complexity is {band} ({score}/100); a {grade} can lead this cohort."
        listed = drivers[0] if len(drivers) == 1 else f"{', '.join(drivers[:-1])} and {drivers[-1]}"
        return (
            f"Complexity is {band} ({score}/100), driven mainly by {listed}. "
            f"The lead coach should be at least {grade}."
        )

    def explain_grade(self, grade: str, breakdown: Mapping[str, int], points_to_next: int) -> str:
        strongest = max(breakdown.items(), key=lambda kv: (kv[1], kv[0]))[0] if breakdown else None
        text = f"Assessed as {grade.replace('_', ' ')}"
        if strongest:
            text += f", with most points from {strongest.replace('_', ' ')}"
        if points_to_next > 0:
            text += f"; {points_to_next} more points reach the next grade"
        return text + "."

    def explain_match(self, rank: int, grade: str, reasons: Sequence[str]) -> str:
        why = "; ".join(reasons) if reasons else "meets the required grade"
        return f"#{rank}: {grade.replace('_', ' ')} coach - {why}."
