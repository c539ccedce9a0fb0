"""Each service's environment from the target's compose file, pointed at the throwaway servers.

One row per way compose gives a variable; expectations are the values written in the row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_repo
from verify import environment
from verify import services as svc

APP = {
    "services/__init__.py": "",
    "services/shop_service/__init__.py": "",
    "services/shop_service/main.py": "app = 1\n",
}
ENTRY = "services:\n  shop:\n    build: {context: ., dockerfile: services/shop_service/Dockerfile}\n"

ROWS = [
    ("environment mapping", {"docker-compose.yml": ENTRY + "    environment:\n      A: '1'\n      B: two\n"},
     None, {"A": "1", "B": "two"}),
    ("environment list", {"docker-compose.yml": ENTRY + "    environment:\n      - A=1\n      - C=x=y\n"},
     None, {"A": "1", "C": "x=y"}),
    ("anchor merged into the block",
     {"docker-compose.yml": "x-db: &db\n  DATABASE_URL: postgresql://u:p@db/shop\n" + ENTRY
                            + "    environment:\n      <<: *db\n      A: '1'\n"},
     None, {"DATABASE_URL": "postgresql://u:p@db/shop", "A": "1"}),
    ("env_file, then environment wins",
     {"docker-compose.yml": ENTRY + "    env_file: shop.env\n    environment:\n      A: from-compose\n",
      "shop.env": "# comment\nA=from-file\nexport B='quoted'\n"},
     None, {"A": "from-compose", "B": "quoted"}),
    ("interpolation from .env and defaults",
     {"docker-compose.yml": ENTRY + "    environment:\n      A: ${TOKEN}\n"
                            "      B: ${MISSING:-fallback}\n      C: $$literal\n",
      ".env": "TOKEN=t0k\n"},
     None, {"A": "t0k", "B": "fallback", "C": "$literal"}),
    (".env.example when compose gives nothing",
     {"services/shop_service/.env.example": "A=example\n"}, None, {"A": "example"}),
    ("--env-file overrides", {"docker-compose.yml": ENTRY + "    environment:\n      A: compose\n      B: kept\n"},
     "A=override\n", {"A": "override", "B": "kept"}),
]  # fmt: skip


@pytest.mark.parametrize(("files", "override", "expected"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_declared_environment(
    tmp_path: Path, files: dict[str, str], override: str | None, expected: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", {**APP, **files})
    override_path = None
    if override is not None:
        override_path = tmp_path / "override.env"
        override_path.write_text(override)
    declared = environment.declared(repo, svc.get(repo, "shop"), override_path)
    assert declared.values == expected
    assert declared.sources


REDIRECTS = [
    ("driver and query kept", {"DATABASE_URL": "postgresql+asyncpg://u:p@db:5432/shop?ssl=off"},
     {"DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:5999/v_shop?ssl=off"}, []),
    ("redis without a throwaway server: left, said", {"REDIS_URL": "redis://redis:6379/0"},
     {"REDIS_URL": "redis://redis:6379/0"}, ["REDIS_URL"]),
    ("a broker is not started: said", {"BROKER_URL": "amqp://rabbit"}, {"BROKER_URL": "amqp://rabbit"}, ["BROKER_URL"]),
    ("other values untouched", {"ORDERS_URL": "http://orders:8000"}, {"ORDERS_URL": "http://orders:8000"}, []),
]  # fmt: skip


@pytest.mark.parametrize(("values", "expected", "noted"), [r[1:] for r in REDIRECTS], ids=[r[0] for r in REDIRECTS])
def test_redirected(values: dict[str, str], expected: dict[str, str], noted: list[str]) -> None:
    redirects = environment.Redirects(
        databases={"db:5432/shop": "postgresql+psycopg://postgres@127.0.0.1:5999/v_shop"},
        redis_problem="redis-server is not installed",
    )
    env, notes = environment.redirected(values, redirects)
    assert env == expected
    assert [n.split(":")[0] for n in notes] == noted


def test_same_database_same_key() -> None:
    a = environment.database_key("postgresql+psycopg://u:p@db:5432/shop")
    assert a == environment.database_key("postgresql://other:pw@db/shop")
    assert a != environment.database_key("postgresql://u:p@db/other")
