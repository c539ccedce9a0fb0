"""Print autogenerate's differences as readable alembic operations (run in the target env).

``alembic check`` prints a list of object reprs; this runs the service's own ``env.py``
(so its ``include_object`` and version table apply) and renders the upgrade operations
as the Python code a migration would contain.
Usage: python alembic_diff.py ALEMBIC_INI   (DATABASE_URL in the environment)
"""

from __future__ import annotations

import sys

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory


def main(ini: str) -> int:
    config = Config(ini)
    script = ScriptDirectory.from_config(config)
    rendered: list[str] = []

    def compare(rev, context):
        migration = produce_migrations(context, context.opts["target_metadata"])
        if not migration.upgrade_ops.is_empty():
            rendered.append(render_python_code(migration.upgrade_ops))
        return []

    with EnvironmentContext(config, script, fn=compare):
        script.run_env()
    if rendered:
        print("\n".join(rendered))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
