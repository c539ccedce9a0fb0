"""What one run (a snapshot or a verification) shares across services.

The environment of every service (``environment.py``) with its database URLs pointed at
databases of the throwaway PostgreSQL: one per database the target shares between
services that migrate together (``databases.py``), one per service otherwise. Shared
databases are upgraded once, every service in the repository's order; the repository's
own test run happens once. Databases made here are dropped when the run ends.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from verify import alembic_runner, databases, environment, repo_tests
from verify.postgres import PostgresServer
from verify.services import Service


@dataclass
class RunState:
    repo: Path
    python: str
    services: list[Service]  # every service of the repository (a shared database needs them all)
    pg: PostgresServer | None = None
    pg_error: str | None = None
    redis_url: str | None = None
    redis_problem: str | None = None
    env_file: Path | None = None
    extra_deps: list[str] = field(default_factory=list)
    baselines: dict[str, dict] = field(default_factory=dict)
    declared: dict[str, environment.DeclaredEnvironment] = field(default_factory=dict)
    groups: list[databases.SharedDatabase] = field(default_factory=list)
    _databases: dict[tuple[str, str], str] = field(default_factory=dict)  # (scope, key) -> URL
    _created: list[str] = field(default_factory=list)
    _upgrades: dict[str, dict[str, subprocess.CompletedProcess[str]]] = field(default_factory=dict)
    _repo_tests: dict[Path, repo_tests.RepoTestRun] = field(default_factory=dict)
    tests_scope: set[str] | None = None  # the services whose repository tests run; None: all

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def group_of(self, service: Service) -> databases.SharedDatabase | None:
        return next((g for g in self.groups if service.name in g.services), None)

    def _database(self, scope: str, key: str) -> str | None:
        if self.pg is None:
            return None
        if (scope, key) not in self._databases:
            label = re.sub(r"[^a-z0-9]+", "_", f"v_{scope}_{key.rsplit('/', 1)[-1]}".lower())[:40]
            name = self.pg.create_database(label)
            self._created.append(name)
            self._databases[(scope, key)] = self.pg.url(name)
        return self._databases[(scope, key)]

    def _scope(self, service: Service, key: str) -> str:
        shared = {g.key for g in self.groups}
        return "shared" if key in shared else service.name

    def database_url(self, service: Service) -> str | None:
        """The throwaway database the service's ``DATABASE_URL`` points at (its own one
        when the target gives it none)."""
        urls = environment.database_urls(self.declared_for(service).values)
        url = urls.get("DATABASE_URL") or next(iter(urls.values()), None)
        key = environment.database_key(url) if url else "own"
        return self._database(self._scope(service, key), key)

    def declared_for(self, service: Service) -> environment.DeclaredEnvironment:
        if service.name not in self.declared:
            self.declared[service.name] = environment.declared(self.repo, service, self.env_file)
        return self.declared[service.name]

    def env_for(self, service: Service) -> dict[str, str]:
        """The service's environment, every database and Redis URL on the throwaway servers."""
        values = self.declared_for(service).values
        redirects = environment.Redirects(redis_url=self.redis_url, redis_problem=self.redis_problem)
        for url in environment.database_urls(values).values():
            key = environment.database_key(url)
            target = self._database(self._scope(service, key), key)
            if target:
                redirects.databases[key] = target
        env, _notes = environment.redirected(values, redirects)
        return env  # no DATABASE_URL the target does not give: a missing one must show

    def notes_for(self, service: Service) -> list[str]:
        declared = self.declared_for(service)
        redirects = environment.Redirects(
            databases={environment.database_key(u): "x" for u in environment.database_urls(declared.values).values()},
            redis_url=self.redis_url,
            redis_problem=self.redis_problem,
        )
        return declared.problems + environment.redirected(declared.values, redirects)[1]

    def upgrade_group(self, group: databases.SharedDatabase) -> dict[str, subprocess.CompletedProcess[str]]:
        """``alembic upgrade head`` for every service of a shared database, in its order,
        once per run; stops at the first that fails (the later ones cannot run)."""
        if group.key not in self._upgrades:
            done: dict[str, subprocess.CompletedProcess[str]] = {}
            for name in group.services:
                service = self.service(name)
                url = self.database_url(service)
                assert service.alembic_ini is not None and url is not None
                result = alembic_runner.upgrade(
                    self.python, self.repo, service.alembic_ini, url, env=self.env_for(service)
                )
                done[name] = result
                if result.returncode != 0:
                    break
            self._upgrades[group.key] = done
        return self._upgrades[group.key]

    def union_env(self) -> dict[str, str]:
        """One environment for the repository's own test run: every service's variables
        (the first service in name order wins a clash), every database URL on one empty
        database of its own, the same on the baseline and after."""
        values: dict[str, str] = {}
        for service in self.services:
            for key, value in self.declared_for(service).values.items():
                values.setdefault(key, value)
        redirects = environment.Redirects(redis_url=self.redis_url, redis_problem=self.redis_problem)
        for url in environment.database_urls(values).values():
            key = environment.database_key(url)
            target = self._database("tests", key)
            if target:
                redirects.databases[key] = target
        env, _notes = environment.redirected(values, redirects)
        tests_db = self._database("tests", "own")
        if tests_db:
            env.setdefault("DATABASE_URL", tests_db)
            env.setdefault("TEST_DATABASE_URL", self.pg.url() if self.pg else tests_db)
        return env

    def regroup(self, baselines: dict[str, dict]) -> None:
        """Shared databases and their order, with the foreign keys of ``baselines``."""
        self.baselines = baselines
        envs = {s.name: self.declared_for(s).values for s in self.services}
        self.groups = databases.shared_databases(self.repo, self.services, envs, baselines)

    def repo_tests(self, junit: Path) -> repo_tests.RepoTestRun:
        if junit not in self._repo_tests:
            self._repo_tests[junit] = repo_tests.run(
                self.python, self.repo, self.services, self.union_env(), junit, scope=self.tests_scope
            )
        return self._repo_tests[junit]

    def drop(self) -> None:
        if self.pg is None:
            return
        for name in self._created:
            with contextlib.suppress(Exception):
                self.pg.drop_database(name)
        self._created.clear()


@contextlib.contextmanager
def run_state(
    repo: Path,
    python: str,
    pg: PostgresServer | None,
    pg_error: str | None,
    env_file: Path | None,
    baselines: dict[str, dict],
    services: list[Service],
) -> Iterator[RunState]:
    """The run's state; a throwaway Redis when a service's environment names one."""
    state = RunState(repo, python, services, pg, pg_error, env_file=env_file, baselines=baselines)
    wants_redis = any(environment.uses_redis(state.declared_for(s).values) for s in services)
    state.regroup(baselines)
    with contextlib.ExitStack() as stack:
        if wants_redis:
            state.redis_url, state.redis_problem = stack.enter_context(environment.throwaway_redis())
        try:
            yield state
        finally:
            state.drop()
