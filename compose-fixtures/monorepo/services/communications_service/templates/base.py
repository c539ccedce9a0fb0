"""Building blocks shared by the email templates: the rendered result and the HTML layout."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import escape
from typing import Any

CLUB_NAME = os.environ.get("CLUB_NAME", "Riverside Swimming Club")
CLUB_URL = os.environ.get("CLUB_URL", "https://app.riversideswim.example")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text_body: str
    html_body: str


class MissingContext(KeyError):
    """A template was rendered without a value it needs."""

    def __init__(self, template: str, missing: Iterable[str]) -> None:
        self.template = template
        self.missing = sorted(missing)
        super().__init__(f"{template}: missing {', '.join(self.missing)}")


def require(template: str, context: Mapping[str, Any], keys: Iterable[str]) -> None:
    missing = [key for key in keys if context.get(key) in (None, "")]
    if missing:
        raise MissingContext(template, missing)


def format_when(value: Any) -> str:
    """Human date for emails; accepts datetimes and ISO strings (job payloads are JSON)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.strftime("%A %d %B %Y, %H:%M")
    return str(value)


def format_money(amount: Any, currency: str = "NGN") -> str:
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    symbol = {"NGN": "\u20a6", "GBP": "\u00a3", "USD": "$"}.get(currency.upper())
    text = f"{value:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


def link(path: str) -> str:
    return f"{CLUB_URL.rstrip('/')}/{path.lstrip('/')}"


def html_layout(
    title: str, paragraphs: Iterable[str], *, action: tuple[str, str] | None = None
) -> str:
    """Wrap already-escaped paragraphs in the club's minimal email layout."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    button = ""
    if action is not None:
        label, href = action
        button = (
            f'<p><a href="{escape(href)}" style="background:#0b5cab;color:#fff;'
            f'padding:10px 16px;border-radius:4px;text-decoration:none">{escape(label)}</a></p>'
        )
    return (
        '<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1b1b1b">'
        f"<h2>{escape(title)}</h2>{body}{button}"
        f'<hr><p style="font-size:12px;color:#666">{escape(CLUB_NAME)} \u2013 '
        f'<a href="{escape(link("settings/notifications"))}">email preferences</a></p>'
        "</body></html>"
    )


def text_layout(paragraphs: Iterable[str], *, action: tuple[str, str] | None = None) -> str:
    lines = [p for p in paragraphs]
    if action is not None:
        lines.append(f"{action[0]}: {action[1]}")
    lines.append(f"-- \n{CLUB_NAME}\nManage email preferences: {link('settings/notifications')}")
    return "\n\n".join(lines)
