#!/bin/sh
# Reset the shared database: every service's migrations, in this order (foreign keys).
set -e
for service in accounts_service orders_service billing_service; do
    alembic -c "services/$service/alembic.ini" upgrade head
done
