"""Describe one service's behaviour surface, run inside the target's own Python.

Run as a script in a fresh process per service (services register clashing stub tables
on one shared ``Base``): ``python probe.py --app services.x.main [--package services.x]``.
It prints one JSON document: the ordered route table, the OpenAPI document, the
SQLAlchemy metadata, mapped classes, importable modules, literal-vs-parameter route
pairs and which handler each literal path reaches. Standard library only (plus what the
target itself imports), because it runs in the target's environment, not ours.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import re
import sys
import traceback
from typing import Any


def _name(obj: Any) -> str | None:
    if obj is None:
        return None
    return getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)


def _annotation_name(obj: Any) -> str | None:
    if obj is None:
        return None
    origin = getattr(obj, "__origin__", None)
    if origin is not None:
        args = ", ".join(_annotation_name(a) or "None" for a in getattr(obj, "__args__", ()))
        return f"{_name(origin)}[{args}]"
    return _name(obj)


def flat_routes(app: Any) -> list[Any]:
    """Every route in matching order, with include-time prefixes applied."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def _dependency_names(route: Any) -> list[str]:
    names = []
    for dep in getattr(route, "dependencies", None) or []:
        names.append(_name(getattr(dep, "dependency", None)) or "?")
    return names


def route_table(app: Any) -> list[dict[str, Any]]:
    table = []
    for route in flat_routes(app):
        endpoint = getattr(route, "endpoint", None)
        table.append(
            {
                "path": getattr(route, "path", None),
                "methods": sorted(getattr(route, "methods", None) or []),
                "endpoint": _name(endpoint),
                "name": getattr(route, "name", None),
                "tags": [str(t) for t in (getattr(route, "tags", None) or [])],
                "response_model": _annotation_name(getattr(route, "response_model", None)),
                "status_code": getattr(route, "status_code", None),
                "dependencies": _dependency_names(route),
                "include_in_schema": getattr(route, "include_in_schema", True),
            }
        )
    return table


PARAM = re.compile(r"\{[^}]+\}")


def path_pattern(path: str) -> re.Pattern[str]:
    """The regular expression a route path matches (``{x:path}`` spans slashes)."""
    parts = []
    last = 0
    for match in PARAM.finditer(path):
        parts.append(re.escape(path[last : match.start()]))
        parts.append(".*" if match.group(0).endswith(":path}") else "[^/]+")
        last = match.end()
    parts.append(re.escape(path[last:]))
    return re.compile("^" + "".join(parts) + "$")


def literal_pairs(table: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """(literal route, parameter route) pairs where the literal path also matches the
    parameter route's pattern and shares a method: their order decides the handler."""
    pairs = []
    for i, literal in enumerate(table):
        path = literal["path"] or ""
        if "{" in path or not literal["methods"]:
            continue
        for j, param in enumerate(table):
            ppath = param["path"] or ""
            if i == j or "{" not in ppath or not set(literal["methods"]) & set(param["methods"]):
                continue
            if path_pattern(ppath).match(path):
                pairs.append(
                    {
                        "literal": path,
                        "parameter": ppath,
                        "method": sorted(set(literal["methods"]) & set(param["methods"]))[0],
                        "literal_endpoint": literal["endpoint"],
                        "parameter_endpoint": param["endpoint"],
                        "literal_first": i < j,
                    }
                )
    return pairs


def matched_endpoint(app: Any, method: str, path: str) -> str | None:
    """The endpoint that serves ``method path``: the first route, in matching order, whose
    path pattern matches and which accepts the method (what the router does)."""
    for route in flat_routes(app):
        regex = getattr(route, "path_regex", None)
        methods = getattr(route, "methods", None) or set()
        if regex is not None and regex.match(path) and method in methods:
            return _name(getattr(route, "endpoint", None))
    return None


def _default(default: Any) -> str | None:
    """A column default that is stable across processes (no object addresses)."""
    if default is None:
        return None
    arg = getattr(default, "arg", None)
    if callable(arg):
        wrapped = getattr(arg, "__wrapped__", arg)
        return f"callable {_name(wrapped)}"
    return repr(arg)


def metadata_dump() -> tuple[dict[str, Any], list[dict[str, Any]], str | None]:
    """Tables of every registry that has mapped classes, and those classes."""
    from sqlalchemy import Enum
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.orm import configure_mappers

    error = None
    try:
        configure_mappers()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    from sqlalchemy.orm import decl_api

    registries = list(getattr(decl_api, "_mapper_registries", {}) or [])
    if not registries:
        from sqlalchemy.orm import mapperlib

        registries = list(mapperlib._mapper_registries)
    dialect = postgresql.dialect()
    tables: dict[str, Any] = {}
    classes: list[dict[str, Any]] = []
    for registry in registries:
        for mapper in registry.mappers:
            classes.append({"class": mapper.class_.__name__, "table": getattr(mapper.local_table, "fullname", None)})
        # Not ``sorted_tables``: it resolves every foreign key and raises on one whose
        # table is gone, which is exactly the breakage this dump must show.
        for table in sorted(registry.metadata.tables.values(), key=lambda t: t.fullname):
            columns = []
            for col in table.columns:
                try:
                    compiled = col.type.compile(dialect=dialect)
                except Exception:
                    compiled = repr(col.type)
                entry = {
                    "name": col.name,
                    "type": compiled,
                    "nullable": col.nullable,
                    "primary_key": col.primary_key,
                    "default": _default(col.default),
                    "server_default": str(getattr(col.server_default, "arg", ""))
                    if col.server_default is not None
                    else None,
                    "foreign_keys": sorted(f"{fk.target_fullname}|{fk.ondelete}" for fk in col.foreign_keys),
                    "index": col.index,
                    "unique": col.unique,
                }
                if isinstance(col.type, Enum):
                    entry["enum"] = {"name": col.type.name, "values": list(col.type.enums)}
                columns.append(entry)
            tables[table.fullname] = {
                "columns": columns,
                "indexes": sorted(
                    [
                        {"name": i.name, "columns": [c.name for c in i.columns], "unique": i.unique}
                        for i in table.indexes
                    ],
                    key=lambda i: str(i["name"]),
                ),
                "constraints": sorted(
                    [
                        {
                            "type": type(c).__name__,
                            "name": str(c.name),
                            "columns": sorted(col.name for col in c.columns),
                        }
                        for c in table.constraints
                    ],
                    key=lambda c: (c["type"], c["name"], c["columns"]),
                ),
                "info": {k: v for k, v in table.info.items() if isinstance(v, str | int | bool)},
            }
    classes.sort(key=lambda c: (c["class"], str(c["table"])))
    return tables, classes, error


def importable_modules(package: str) -> dict[str, str | None]:
    """Every module below ``package`` (tests excluded) -> None or the import error."""
    result: dict[str, str | None] = {}
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, prefix=package + "."):
        name = info.name
        if ".tests" in name or name.endswith(".tests") or ".alembic" in name:
            continue
        try:
            importlib.import_module(name)
            result[name] = None
        except BaseException as exc:
            result[name] = f"{type(exc).__name__}: {exc}"
    return dict(sorted(result.items()))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", required=True, help="module that defines `app`")
    parser.add_argument("--package", help="service package whose modules are all imported")
    parser.add_argument("--no-openapi", action="store_true")
    args = parser.parse_args()
    out: dict[str, Any] = {"app": args.app}
    try:
        module = importlib.import_module(args.app)
        app = module.app
    except BaseException:
        out["error"] = traceback.format_exc(limit=6)
        print(json.dumps(out))
        return 0
    table = route_table(app)
    out["routes"] = table
    pairs = literal_pairs(table)
    for pair in pairs:
        pair["reached"] = matched_endpoint(app, pair["method"], pair["literal"])
    out["pairs"] = pairs
    if not args.no_openapi:
        try:
            out["openapi"] = app.openapi()
        except Exception:
            out["openapi_error"] = traceback.format_exc(limit=4)
    out["tables"], out["mapped_classes"], out["mapper_error"] = metadata_dump()
    if args.package:
        out["modules"] = importable_modules(args.package)
    print(json.dumps(out, default=str, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
