#!/usr/bin/env bash
# Autogenerate a migration for one service: ./scripts/db/migrate.sh <svc> "message"
set -euo pipefail
svc="${1:?usage: migrate.sh <svc> \"message\"}"
msg="${2:?usage: migrate.sh <svc> \"message\"}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# Importing the app first catches broken imports before alembic swallows them.
PYTHONPATH="$root" python -c "import services.${svc}_service.app.main"
PYTHONPATH="$root" alembic -c "services/${svc}_service/alembic.ini" revision --autogenerate -m "$msg"
