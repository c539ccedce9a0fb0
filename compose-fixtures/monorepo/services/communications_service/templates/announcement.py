"""Email copy of an urgent or high-priority club announcement."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from .base import CLUB_NAME, RenderedEmail, html_layout, link, require, text_layout

KEY = "announcement"
DESCRIPTION = "Email copy of a club announcement marked 'send email'."
REQUIRED = ("title", "body", "announcement_id")
SAMPLE_CONTEXT = {
    "first_name": "Ada",
    "title": "Pool closed on Saturday",
    "body": "The main pool is closed for maintenance.\n\nSaturday sessions move to Sunday.",
    "announcement_id": "0e6e8f7c-4c55-4bd5-a7f4-6f0f2e2f1c11",
    "priority": "urgent",
    "requires_acknowledgement": True,
}


def render(context: Mapping[str, Any]) -> RenderedEmail:
    require(KEY, context, REQUIRED)
    title = str(context["title"])
    paragraphs = [p.strip() for p in str(context["body"]).split("\n\n") if p.strip()]
    if context.get("first_name"):
        paragraphs.insert(0, f"Hi {context['first_name']},")
    prefix = "[Urgent] " if context.get("priority") == "urgent" else ""
    label = "Read and acknowledge" if context.get("requires_acknowledgement") else "Open in the app"
    action = (label, link(f"announcements/{context['announcement_id']}"))

    return RenderedEmail(
        subject=f"{prefix}{CLUB_NAME}: {title}",
        text_body=text_layout([title.upper(), *paragraphs], action=action),
        html_body=html_layout(title, [escape(p) for p in paragraphs], action=action),
    )
