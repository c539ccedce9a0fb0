"""Provider registry: the AI endpoints ask for a provider by name."""

from __future__ import annotations

from .base import AIProvider, ProviderError, RuleBasedProvider

DEFAULT_PROVIDER = RuleBasedProvider.name

_PROVIDERS: dict[str, type[AIProvider]] = {
    RuleBasedProvider.name: RuleBasedProvider,
}


def get_provider(name: str | None = None) -> AIProvider:
    try:
        return _PROVIDERS[name or DEFAULT_PROVIDER]()
    except KeyError as exc:
        raise ProviderError(f"unknown provider: {name}") from exc


def available_providers() -> list[type[AIProvider]]:
    return list(_PROVIDERS.values())


__all__ = [
    "DEFAULT_PROVIDER",
    "AIProvider",
    "ProviderError",
    "RuleBasedProvider",
    "available_providers",
    "get_provider",
]
