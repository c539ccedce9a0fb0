"""Reminder for an upcoming training session, sent by the worker's reminder cron."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from .base import RenderedEmail, format_when, html_layout, link, require, text_layout

KEY = "session_reminder"
DESCRIPTION = "Reminder ahead of a training session the member is booked on."
REQUIRED = ("first_name", "session_title", "starts_at")
SAMPLE_CONTEXT = {
    "first_name": "Ada",
    "session_title": "Squad endurance",
    "starts_at": "2026-01-14T06:00:00+01:00",
    "location": "Lane 3-4, Main pool",
    "session_id": "6f1c2b1e-3a1d-4d8e-9a55-0c1f0b2f9a10",
}


def render(context: Mapping[str, Any]) -> RenderedEmail:
    require(KEY, context, REQUIRED)
    title = str(context["session_title"])
    when = format_when(context["starts_at"])
    location = context.get("location")

    paragraphs = [f"Hi {context['first_name']},", f"Reminder: {title} starts {when}."]
    if location:
        paragraphs.append(f"Location: {location}")
    paragraphs.append("Please arrive 10 minutes early and bring your kit, cap and goggles.")
    action = None
    if context.get("session_id"):
        action = ("Can't make it? Let your coach know", link(f"sessions/{context['session_id']}"))

    return RenderedEmail(
        subject=f"Reminder: {title}, {when}",
        text_body=text_layout(paragraphs, action=action),
        html_body=html_layout(title, [escape(p) for p in paragraphs], action=action),
    )
