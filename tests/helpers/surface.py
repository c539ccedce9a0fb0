"""Print a service's behaviour surface as JSON: ordered route table, OpenAPI, SQLAlchemy metadata.

Run in a fresh process per service with ``PYTHONHASHSEED=0`` and the target repository
as the working directory and ``PYTHONPATH``::

    python tests/helpers/surface.py academy

Services in one monorepo can register clashing stub models on one shared ``Base``, so
one process only ever imports one service. Included routers are flattened in matching
order with :func:`fastapi.routing.iter_route_contexts` (FastAPI keeps each include as one
lazy entry in ``app.routes``).
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any


def _main_module(service: str) -> str:
    base = Path("services") / f"{service}_service"
    if (base / "main.py").is_file():
        return f"services.{service}_service.main"
    return f"services.{service}_service.app.main"


def _plain(value: Any) -> str:
    """A repr without memory addresses or module paths (a split moves classes, not behaviour)."""
    text = repr(value) if not isinstance(value, str) else value
    text = re.sub(r" at 0x[0-9a-f]+", "", text)
    return re.sub(r"\b(?:services|libs)\.[\w.]*\.(?=[A-Za-z_]\w*\b)", "", text)


def routes(app: Any) -> list[dict[str, Any]]:
    from fastapi.routing import iter_route_contexts

    out = []
    for ctx in iter_route_contexts(app.routes):
        endpoint = ctx.endpoint
        out.append(
            {
                "path": ctx.path,
                "methods": sorted(ctx.methods or []),
                "name": ctx.name,
                "endpoint": getattr(endpoint, "__name__", None),
                "tags": [str(t) for t in (getattr(ctx, "tags", None) or [])],
                "response_model": _plain(getattr(ctx, "response_model", None)),
                "status_code": getattr(ctx, "status_code", None),
                "dependencies": [
                    getattr(d.dependency, "__name__", repr(d.dependency))
                    for d in getattr(ctx, "dependencies", []) or []
                ],
                "include_in_schema": getattr(ctx, "include_in_schema", None),
            }
        )
    return out


def metadata(service: str) -> dict[str, Any]:
    from sqlalchemy.orm import configure_mappers

    try:
        from libs.db import Base
    except ImportError:
        return {}
    package = f"services.{service}_service"
    try:
        importlib.import_module(f"{package}.models")
    except ModuleNotFoundError:
        return {}
    configure_mappers()
    tables: dict[str, Any] = {}
    for name, table in sorted(Base.metadata.tables.items()):
        tables[name] = {
            "columns": [
                {
                    "name": c.name,
                    "type": _plain(c.type),
                    "nullable": c.nullable,
                    "primary_key": c.primary_key,
                    "default": repr(c.default.arg)
                    if c.default is not None and not callable(c.default.arg)
                    else (getattr(c.default.arg, "__name__", "callable") if c.default is not None else None),
                    "server_default": _plain(str(c.server_default.arg)) if c.server_default is not None else None,
                    "foreign_keys": sorted(fk.target_fullname for fk in c.foreign_keys),
                    "index": c.index,
                    "unique": c.unique,
                }
                for c in table.columns
            ],
            "indexes": sorted(repr(sorted(col.name for col in i.columns)) + str(i.unique) for i in table.indexes),
            "constraints": sorted(f"{type(c).__name__}:{c.name}" for c in table.constraints),
            "info": _plain(table.info),
        }
    mappers = sorted(m.class_.__name__ for m in Base.registry.mappers)
    return {"tables": tables, "mappers": mappers}


def main(service: str) -> None:
    sys.path.insert(0, str(Path.cwd()))
    module = importlib.import_module(_main_module(service))
    app = module.app
    surface = {"routes": routes(app), "openapi": app.openapi(), "metadata": metadata(service)}
    json.dump(surface, sys.stdout, indent=1, sort_keys=True, default=str)


if __name__ == "__main__":
    main(sys.argv[1])
