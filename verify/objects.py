"""Import ``module:attr`` objects named by compose commands (run in the target env).

Prints JSON: for each spec, whether it imports and, for an arq ``WorkerSettings``, the
names of its task functions and cron jobs.
Usage: python objects.py SPEC [SPEC ...]
"""

from __future__ import annotations

import importlib
import json
import sys


def _fn_name(item: object) -> str:
    for attr in ("name", "__name__"):
        value = getattr(item, attr, None)
        if isinstance(value, str):
            return value
    coroutine = getattr(item, "coroutine", None)
    return getattr(coroutine, "__name__", repr(item))


def describe(spec: str) -> dict[str, object]:
    module_name, _, attr = spec.partition(":")
    try:
        obj = getattr(importlib.import_module(module_name), attr)
    except BaseException as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    out: dict[str, object] = {"ok": True}
    if hasattr(obj, "functions"):
        out["functions"] = sorted(_fn_name(f) for f in obj.functions or [])
        out["cron_jobs"] = sorted(_fn_name(getattr(c, "coroutine", c)) for c in getattr(obj, "cron_jobs", None) or [])
    return out


if __name__ == "__main__":
    print(json.dumps({spec: describe(spec) for spec in sys.argv[1:]}, sort_keys=True))
