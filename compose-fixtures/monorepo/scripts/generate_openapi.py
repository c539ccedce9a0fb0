"""Write each public service's OpenAPI document to ``openapi/<svc>.json``.

Run from the repository root: ``python scripts/generate_openapi.py``. Each service is
imported in its own process because services map clashing stub tables on one ``Base``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = {
    "academy": "services.academy_service.app.main",
    "members": "services.members_service.app.main",
    "payments": "services.payments_service.app.main",
    "store": "services.store_service.app.main",
    "sessions": "services.sessions_service.app.main",
    "events": "services.events_service.app.main",
}

DUMP = "import importlib, json, sys; print(json.dumps(importlib.import_module(sys.argv[1]).app.openapi()))"


def main() -> None:
    out = ROOT / "openapi"
    out.mkdir(exist_ok=True)
    for name, module in APPS.items():
        result = subprocess.run(
            [sys.executable, "-c", DUMP, module],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"},
        )
        document = json.loads(result.stdout)
        (out / f"{name}.json").write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        print(f"{name}: {len(document.get('paths', {}))} paths")


if __name__ == "__main__":
    main()
