"""Repository tests: the services' settings come from the environment."""

import os

os.environ.setdefault("SERVICE_NAME", "tests")
