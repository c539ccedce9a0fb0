"""Dotted module paths inside Python strings: patch targets, app strings, worker paths.

``mock.patch("services.x.router.fn")``, ``monkeypatch.setattr("services.x.clients.c", ...)``
and ``"services.x.app.main:app"`` name a module (and an attribute) as data; when the
module moves, the string must follow.
"""

from __future__ import annotations

import re

from restructure.relocation import RelocationMap

DOTTED_STRING = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_][\w.]*)?$")
PATCH_CALLS = {"patch", "patch.object", "setattr", "delattr", "patch.dict", "mocker.patch"}


def is_patch_call(func_name: str | None) -> bool:
    if not func_name:
        return False
    tail2 = ".".join(func_name.split(".")[-2:])
    return func_name.split(".")[-1] in {"patch", "setattr", "delattr"} or tail2 in PATCH_CALLS


def string_kind(value: str, enclosing_call: str | None) -> str:
    if is_patch_call(enclosing_call):
        return "patch-target"
    if ":" in value:
        return "app-string"
    return "dotted-string"


def rewrite_dotted_string(value: str, relocation: RelocationMap) -> str | None:
    """The new string for a dotted path, or None if it names nothing that moved."""
    if not DOTTED_STRING.match(value):
        return None
    module_part, colon, attr = value.partition(":")
    new = relocation.map_dotted_path(module_part)
    if new is None or new == module_part:
        return None
    return new + colon + attr
