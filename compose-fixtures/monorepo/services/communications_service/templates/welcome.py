"""Welcome email sent when the members service activates a new membership."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from .base import CLUB_NAME, RenderedEmail, html_layout, link, require, text_layout

KEY = "welcome"
DESCRIPTION = "Sent once when a membership is activated."
REQUIRED = ("first_name",)
SAMPLE_CONTEXT = {"first_name": "Ada", "membership_tier": "Squad", "coach_name": "Coach Bayo"}


def render(context: Mapping[str, Any]) -> RenderedEmail:
    require(KEY, context, REQUIRED)
    first_name = str(context["first_name"])
    tier = context.get("membership_tier")
    coach = context.get("coach_name")

    paragraphs = [f"Hi {first_name},", f"Welcome to {CLUB_NAME}! Your membership is now active."]
    if tier:
        paragraphs.append(f"You have joined as a {tier} member.")
    if coach:
        paragraphs.append(f"{coach} will be your first point of contact at the pool.")
    paragraphs.append(
        "Complete your profile and add an emergency contact before your first session."
    )
    action = ("Complete your profile", link("profile"))

    return RenderedEmail(
        subject=f"Welcome to {CLUB_NAME}, {first_name}",
        text_body=text_layout(paragraphs, action=action),
        html_body=html_layout(
            f"Welcome, {first_name}", [escape(p) for p in paragraphs], action=action
        ),
    )
