"""Where a Python file sits in the module namespace, and relative imports resolved from it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from restructure.relocation import module_of


@dataclass(frozen=True)
class ModuleLocation:
    """A file's dotted module name and whether it is a package ``__init__``."""

    name: str
    is_package: bool

    @classmethod
    def of(cls, path: str) -> ModuleLocation | None:
        module = module_of(path)
        if module is None:
            return None
        return cls(module, PurePosixPath(path).name == "__init__.py")

    @property
    def package(self) -> str:
        """The package relative imports start from."""
        return self.name if self.is_package else self.name.rpartition(".")[0]

    def resolve(self, level: int, module: str | None) -> str | None:
        """Absolute target of ``from <level dots><module> import ...``; None if it escapes."""
        parts = self.package.split(".") if self.package else []
        if level - 1 > len(parts) - 1:
            return None
        base = parts[: len(parts) - (level - 1)]
        if module:
            base = [*base, *module.split(".")]
        return ".".join(base) if base else None

    def relativize(self, target: str, min_common: int = 2) -> tuple[int, str | None] | None:
        """``(level, module)`` to import ``target`` relatively from here, or None when the
        target lies outside the first ``min_common`` package levels (then stay absolute)."""
        here = self.package.split(".")
        there = target.split(".")
        common = 0
        while common < min(len(here), len(there)) and here[common] == there[common]:
            common += 1
        if common < min_common:
            return None
        level = len(here) - common + 1
        rest = there[common:]
        return level, (".".join(rest) if rest else None)
