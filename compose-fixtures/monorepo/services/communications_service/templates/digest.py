"""Daily or weekly digest of unread notifications."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from .base import RenderedEmail, html_layout, link, require, text_layout

KEY = "digest"
DESCRIPTION = "Summary of unread notifications (daily or weekly, per member preference)."
REQUIRED = ("first_name", "items", "period")
SAMPLE_CONTEXT = {
    "first_name": "Ada",
    "period": "weekly",
    "items": [
        {"title": "Pool closed on Saturday", "type": "announcement"},
        {"title": "New message from Coach Bayo", "type": "message"},
    ],
}
MAX_ITEMS = 15


def render(context: Mapping[str, Any]) -> RenderedEmail:
    require(KEY, context, REQUIRED)
    items = list(context["items"])
    period = str(context["period"])
    shown, hidden = items[:MAX_ITEMS], max(len(items) - MAX_ITEMS, 0)

    intro = f"Hi {context['first_name']}, here is what you missed this {period.removesuffix('ly')}:"
    if period == "daily":
        intro = f"Hi {context['first_name']}, here is what you missed today:"
    lines = [f"- {item['title']}" for item in shown]
    if hidden:
        lines.append(f"...and {hidden} more.")
    action = ("Open notifications", link("notifications"))

    html_list = "<ul>" + "".join(f"<li>{escape(str(i['title']))}</li>" for i in shown) + "</ul>"
    html_paragraphs = [escape(intro), html_list]
    if hidden:
        html_paragraphs.append(escape(f"...and {hidden} more."))

    return RenderedEmail(
        subject=f"Your {period} club digest: {len(items)} update{'s' if len(items) != 1 else ''}",
        text_body=text_layout([intro, "\n".join(lines)], action=action),
        html_body=html_layout("Your club digest", html_paragraphs, action=action),
    )
