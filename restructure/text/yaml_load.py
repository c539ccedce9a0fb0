"""YAML read with libyaml's parser when PyYAML was built with it, the pure-Python parser's verdict otherwise.

Every phase reads the compose files, the plan and each YAML file it writes; the pure-Python
parser took about 0.25 of the 6.5 CPU seconds of ``invoke all`` on the built-in fixture,
libyaml a tenth of that. Both feed the same Python constructor and resolver (the values, tags
and ``start_mark`` lines are the same); only the scanner and parser differ, so a text libyaml
refuses is parsed again by the pure-Python loader, which then decides: it returns the data or
raises its own error, with its own message and line. Tests compare the two on every kind of
document the tool reads (``tests/test_yaml_load.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

_FAST_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Constructor = Callable[[Any, Any], Any]


class Loaders:
    """A safe loader with extra constructors, built on both parsers."""

    def __init__(self, name: str, constructors: dict[str, Constructor] | None = None) -> None:
        self.fast: type[Any] = type(f"{name}Fast", (_FAST_BASE,), {})
        self.slow: type[Any] = type(name, (yaml.SafeLoader,), {})
        for tag, construct in (constructors or {}).items():
            self.fast.add_constructor(tag, construct)
            self.slow.add_constructor(tag, construct)

    def load(self, text: str) -> Any:
        """The first document of ``text``; raises ``yaml.YAMLError`` as the pure-Python loader does."""
        try:
            return yaml.load(text, Loader=self.fast)
        except yaml.YAMLError:
            return yaml.load(text, Loader=self.slow)

    def load_all(self, text: str) -> list[Any]:
        """Every document of ``text`` (read whole, so an error is raised here)."""
        try:
            return list(yaml.load_all(text, Loader=self.fast))
        except yaml.YAMLError:
            return list(yaml.load_all(text, Loader=self.slow))

    def compose(self, text: str) -> yaml.Node | None:
        """The representation tree of the first document (nodes with their marks)."""
        try:
            return yaml.compose(text, Loader=self.fast)
        except yaml.YAMLError:
            return yaml.compose(text, Loader=self.slow)


SAFE = Loaders("SafeLoader")
