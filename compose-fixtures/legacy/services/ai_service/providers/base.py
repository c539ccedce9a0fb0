"""The provider interface and the offline provider the society actually runs.

A hosted provider was tried in 2021 and dropped (the subscription lapsed); the
interface stayed so one can be plugged back in by name.
"""

import os
from typing import Dict, Optional, Type


class Completion(object):
    def __init__(self, text: str, tokens: int) -> None:
        self.text = text
        self.tokens = tokens


class BaseProvider(object):
    name = 'base'

    def complete(self, prompt: str) -> Completion:
        raise NotImplementedError


class OfflineProvider(BaseProvider):
    """Answers from the prompt itself: no network, same answer every time."""

    name = 'offline'

    def complete(self, prompt: str) -> Completion:
        words = prompt.split()
        summary = ' '.join(words[:12])
        if len(words) > 12:
            summary = summary + ' ...'
        return Completion(text='Noted: %s' % summary, tokens=len(words))


PROVIDERS: Dict[str, Type[BaseProvider]] = {'offline': OfflineProvider}


def get_provider(name: Optional[str] = None) -> BaseProvider:
    chosen = name or os.environ.get('AI_PROVIDER', 'offline')
    if chosen not in PROVIDERS:
        raise KeyError(chosen)
    return PROVIDERS[chosen]()
