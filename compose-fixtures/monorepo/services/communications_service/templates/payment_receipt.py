"""Receipt sent by the payments service after a successful charge."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from .base import RenderedEmail, format_money, format_when, html_layout, link, require, text_layout

KEY = "payment_receipt"
DESCRIPTION = "Receipt for a successful payment (fees, store orders, event tickets)."
REQUIRED = ("first_name", "amount", "reference", "paid_at")
SAMPLE_CONTEXT = {
    "first_name": "Ada",
    "amount": "25000.00",
    "currency": "NGN",
    "reference": "PSK-7H2K9Q",
    "paid_at": "2026-01-12T09:30:00+01:00",
    "items": [
        {"description": "Monthly squad fee", "amount": "20000.00"},
        {"description": "Club swim cap", "amount": "5000.00"},
    ],
}


def _item_lines(items: list[Mapping[str, Any]], currency: str) -> list[str]:
    return [f"{item['description']}: {format_money(item['amount'], currency)}" for item in items]


def render(context: Mapping[str, Any]) -> RenderedEmail:
    require(KEY, context, REQUIRED)
    currency = str(context.get("currency", "NGN"))
    total = format_money(context["amount"], currency)
    reference = str(context["reference"])
    items = list(context.get("items") or [])

    paragraphs = [
        f"Hi {context['first_name']},",
        f"Thank you, we have received your payment of {total} on "
        f"{format_when(context['paid_at'])}.",
    ]
    lines = _item_lines(items, currency)
    paragraphs.append(f"Reference: {reference}")
    action = ("View your payments", link(f"payments/{reference}"))

    html_items = ""
    if lines:
        html_items = "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"
    html_paragraphs = [escape(p) for p in paragraphs]
    if html_items:
        html_paragraphs.insert(2, html_items)

    return RenderedEmail(
        subject=f"Payment receipt {reference}",
        text_body=text_layout([*paragraphs[:2], *lines, *paragraphs[2:]], action=action),
        html_body=html_layout("Payment received", html_paragraphs, action=action),
    )
