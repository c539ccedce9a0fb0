"""Email templates, rendered in-process (no template engine) and looked up by key.

Each module exposes ``KEY``, ``DESCRIPTION``, ``REQUIRED``, ``SAMPLE_CONTEXT`` and
``render(context) -> RenderedEmail``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from . import announcement, digest, payment_receipt, session_reminder, welcome
from .base import MissingContext, RenderedEmail


@dataclass(frozen=True)
class EmailTemplate:
    key: str
    description: str
    required: tuple[str, ...]
    sample_context: Mapping[str, Any]
    render: Callable[[Mapping[str, Any]], RenderedEmail]

    @classmethod
    def from_module(cls, module: ModuleType) -> EmailTemplate:
        return cls(
            key=module.KEY,
            description=module.DESCRIPTION,
            required=tuple(module.REQUIRED),
            sample_context=module.SAMPLE_CONTEXT,
            render=module.render,
        )


TEMPLATES: dict[str, EmailTemplate] = {
    template.key: template
    for template in map(
        EmailTemplate.from_module,
        (welcome, payment_receipt, session_reminder, announcement, digest),
    )
}


class UnknownTemplate(LookupError):
    pass


def get_template(key: str) -> EmailTemplate:
    try:
        return TEMPLATES[key]
    except KeyError:
        raise UnknownTemplate(key) from None


def render_template(key: str, context: Mapping[str, Any]) -> RenderedEmail:
    return get_template(key).render(context)


__all__ = [
    "TEMPLATES",
    "EmailTemplate",
    "MissingContext",
    "RenderedEmail",
    "UnknownTemplate",
    "get_template",
    "render_template",
]
