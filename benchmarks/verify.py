"""Benchmark the verify half: ``nox -s verify`` for all services, cold and then warm.

On a restructured copy of the fixture (``invoke snapshot`` for the baseline, then
``invoke all --commit``; or ``--repo PATH`` for a tree that is already restructured and has
its baseline), it runs the real ``nox -s verify`` twice:

* **cold**: the shared target environment does not exist yet (the environment directory is
  keyed by the repository path, and the copy is new), so the run installs the target's
  dependencies; image layers above the base image are built unless something else on the
  machine still holds them (the report says how many build steps came from the cache);
* **warm**: the same command again.

For each run it reports the wall and CPU time of the nox process, its peak memory, and how
the wall time splits: dependency install and PostgreSQL + Docker start-up (from the time
stamps of nox's own output lines), the steps (from ``reports/verify.json``: layout, imports,
routes, metadata, alembic, uvicorn, tests, compose, docker, the docker build time taken from
the step's message), and the rest (nox start-up, report writing, cleanup). The harness's own
CPU time (the nox process, not its children) is recorded by a probe in that process.
Dependency install and PostgreSQL start-up are also timed on their own.

Targets: dependencies installed once for all services; a warm rerun rebuilds no unchanged
image layer; harness overhead (everything but the steps' own commands) under 10% of the total.

    python benchmarks/verify.py --json verify-results.json
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
FIXTURE = PROJECT / "compose-fixtures" / "monorepo"
NOXFILE = PROJECT / "noxfile.py"
BUILD = re.compile(r"built in ([\d.]+)s \((\d+)/(\d+) steps cached\)")
PROGRESS = re.compile(r"^\[\s*([\d.]+)s\]")


@dataclass
class Line:
    at: float  # seconds since the process started
    text: str


@dataclass
class VerifyRun:
    label: str
    wall: float
    cpu: float  # the nox process and everything it waited for
    harness_cpu: float  # the nox process alone (its own Python work)
    max_rss_mib: float
    returncode: int
    env_install: float  # from the output time stamps; 0 when the environment was up to date
    installs: int  # how many times the run installed the target's dependencies
    startup: float  # PostgreSQL cluster + Docker connection, before the first step
    steps: dict[str, float] = field(default_factory=dict)  # step -> seconds over all services
    docker_build: float = 0.0
    builds: list[dict[str, Any]] = field(default_factory=list)  # per service: seconds, cached, total
    failed: list[str] = field(default_factory=list)
    rest: float = 0.0

    @property
    def steps_total(self) -> float:
        return sum(self.steps.values())

    @property
    def overhead_share(self) -> float:
        return self.rest / self.wall if self.wall else 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["steps_total"] = self.steps_total
        data["overhead_share"] = self.overhead_share
        return data


# --------------------------------------------------------------------------- child: nox with a probe


def nox_child(stats_path: Path, nox_args: list[str]) -> None:
    """In the child: nox's own entry point; at exit, write this process's own CPU time."""

    def dump() -> None:
        own = resource.getrusage(resource.RUSAGE_SELF)
        stats_path.write_text(json.dumps({"harness_cpu": own.ru_utime + own.ru_stime}))

    atexit.register(dump)
    from nox.__main__ import main as nox_main

    sys.argv = ["nox", *nox_args]
    try:
        nox_main()
    finally:
        dump()


# --------------------------------------------------------------------------- parent


def run_nox(label: str, repo: Path, reports: Path, scratch: Path, extra: list[str]) -> VerifyRun:
    stats = scratch / f"{label}-probe.json"
    args = [sys.executable, str(Path(__file__).resolve()), "--child-nox", str(stats), "--"]
    args += ["-f", str(NOXFILE), "-s", "verify", "--", "--repo", str(repo), "--reports", str(reports), *extra]
    lines: list[Line] = []
    log = (scratch / f"{label}.log").open("w", encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def pump() -> None:
        assert proc.stdout is not None
        for text in proc.stdout:
            lines.append(Line(time.perf_counter() - started, text.rstrip("\n")))
            log.write(f"[{time.perf_counter() - started:8.2f}] {text}")
            log.flush()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    reader.join(timeout=10)
    log.close()
    probe = json.loads(stats.read_text()) if stats.exists() else {"harness_cpu": float("nan")}
    run = VerifyRun(
        label=label,
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        harness_cpu=probe["harness_cpu"],
        max_rss_mib=usage.ru_maxrss / 1024,
        returncode=os.waitstatus_to_exitcode(status),
        env_install=0.0,
        installs=0,
        startup=0.0,
    )
    split_output(run, lines)
    read_report(run, reports / "verify.json")
    read_build_logs(run, reports)
    run.rest = max(0.0, run.wall - run.env_install - run.startup - run.steps_total)
    return run


def split_output(run: VerifyRun, lines: list[Line]) -> None:
    """Dependency install and start-up time from the time stamps of nox's output lines.

    The runner's progress lines carry the seconds since its clock started, right after the
    environment was ready and before PostgreSQL and Docker were brought up."""
    install_at = None
    for line in lines:
        if "installing the target's dependencies" in line.text:
            run.installs += 1
            install_at = line.at
        match = PROGRESS.match(line.text)
        if match:
            elapsed = float(match.group(1))
            run.startup = elapsed
            if install_at is not None:
                run.env_install = max(0.0, line.at - elapsed - install_at)
            break


def read_report(run: VerifyRun, path: Path) -> None:
    if not path.exists():
        run.failed.append(f"no report at {path}")
        return
    for service in json.loads(path.read_text()):
        for result in service["results"]:
            run.steps[result["step"]] = run.steps.get(result["step"], 0.0) + result["seconds"]
            if result["status"] == "failed":
                run.failed.append(f"{service['service']} {result['step']}: {result['message'][:160]}")
            match = BUILD.search(result["message"]) if result["step"] == "docker" else None
            if match:
                seconds, cached, total = float(match.group(1)), int(match.group(2)), int(match.group(3))
                run.docker_build += seconds
                run.builds.append({"service": service["service"], "seconds": seconds, "cached": cached, "total": total})


def read_build_logs(run: VerifyRun, reports: Path) -> None:
    """Per image: which build steps did not come from the cache (besides FROM, which never does).

    The harness labels every image with its run id (``LABEL restructure-verify.run=<id>``,
    added as the last build step, metadata only): that step is new in every run by design and
    is counted apart from the Dockerfile's own steps."""
    for log in sorted(reports.glob("*-docker-build.log")):
        service = log.name.removesuffix("-docker-build.log")
        steps: list[tuple[str, bool]] = []
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("Step "):
                steps.append((line.split(" : ", 1)[-1], False))
            elif "Using cache" in line and steps:
                steps[-1] = (steps[-1][0], True)
        own = [(text, cached) for text, cached in steps if not text.startswith(("FROM ", "LABEL restructure-verify"))]
        for build in run.builds:
            if build["service"] == service:
                build["dockerfile_steps"] = len(own)
                build["dockerfile_steps_cached"] = sum(cached for _, cached in own)
                build["rebuilt"] = [text[:80] for text, cached in own if not cached]


def time_cold_image_build(repo: Path) -> float | None:
    """One service image built with no cache at all (what a first build on a clean machine
    pays, mostly the dependency layer); the image is removed afterwards."""
    import uuid

    from verify import docker_engine

    try:
        client = docker_engine.connect()
    except docker_engine.DockerUnavailable:
        return None
    dockerfile = next(iter(sorted((repo / "services").glob("*/Dockerfile"))), None)
    if dockerfile is None:
        return None
    tag = f"restructure-bench-cold/{dockerfile.parent.name}:{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    for _ in client.api.build(
        path=str(repo), dockerfile=str(dockerfile.relative_to(repo)), tag=tag, nocache=True, rm=True, forcerm=True
    ):
        pass
    seconds = time.perf_counter() - started
    with contextlib.suppress(Exception):
        client.images.remove(tag)
    return seconds


def time_env_install(repo: Path, envs_dir: Path) -> tuple[str, float]:
    """The shared environment's install on its own, into a fresh directory: its Python and the time."""
    from verify.target import ensure_env

    started = time.perf_counter()
    python = ensure_env(repo, envs_dir, log=lambda _: None)
    return python, time.perf_counter() - started


def time_postgres_start() -> tuple[float, float]:
    """Start-up and shutdown of a throwaway PostgreSQL cluster on its own."""
    from verify import postgres

    started = time.perf_counter()
    with postgres.postgres(None):
        up = time.perf_counter() - started
        stopping = time.perf_counter()
    return up, time.perf_counter() - stopping


def prepare(scratch: Path) -> tuple[Path, float]:
    """A restructured copy of the fixture with its baseline, as a user would have before
    ``nox -s verify``; and the time of the dependency install on its own."""
    repo = scratch / "monorepo"
    shutil.copytree(FIXTURE, repo, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ruff_cache"))
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.email", "bench@example.com"],
        ["config", "user.name", "benchmarks"],
        ["add", "-A"],
        ["commit", "-q", "-m", "fixture"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    # The baseline uses an environment built here (timed: the install on its own), with the
    # same requirement files, so that the cold run below is the first to build the shared
    # environment nox uses for this repository.
    python, install = time_env_install(repo, scratch / "envs-alone")
    invoke = [sys.executable, "-m", "invoke"]
    subprocess.run([*invoke, "snapshot", "--repo", str(repo), "--python", python], cwd=PROJECT, check=True)
    subprocess.run(
        [*invoke, "all", "--repo", str(repo), "--commit"], cwd=PROJECT, check=True, stdout=subprocess.DEVNULL
    )
    return repo, install


def env_dir_for(repo: Path) -> Path:
    import hashlib

    return PROJECT / ".nox" / "target-envs" / hashlib.sha256(str(repo.resolve()).encode()).hexdigest()[:12]


def print_run(run: VerifyRun) -> None:
    print(f"\n== {run.label}: nox -s verify, exit {run.returncode}")
    print(
        f"   wall {run.wall:.1f}s, cpu {run.cpu:.1f}s (nox process alone {run.harness_cpu:.1f}s), "
        f"peak {run.max_rss_mib:.0f} MiB"
    )
    print(f"   dependency install   {run.env_install:7.1f}s  (installs: {run.installs})")
    print(f"   PostgreSQL + Docker  {run.startup:7.1f}s")
    for step, seconds in run.steps.items():
        extra = f"  (image builds {run.docker_build:.1f}s)" if step == "docker" else ""
        print(f"   {step:<20} {seconds:7.1f}s{extra}")
    print(f"   rest (harness)       {run.rest:7.1f}s  = {100 * run.overhead_share:.1f}% of the total")
    if run.builds:
        cached = sum(b.get("dockerfile_steps_cached", 0) for b in run.builds)
        total = sum(b.get("dockerfile_steps", 0) for b in run.builds)
        rebuilt = [b["service"] for b in run.builds if b.get("rebuilt")]
        print(
            f"   docker: {cached}/{total} Dockerfile steps (after FROM) from the cache; "
            f"services with rebuilt layers: {', '.join(rebuilt) or 'none'}"
        )
    for line in run.failed:
        print(f"   FAILED {line}")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # this file is benchmarks/verify.py: keep its directory off sys.path so that ``verify``
    # is the project's package
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.path.insert(0, str(PROJECT))
    if argv[:1] == ["--child-nox"]:
        sep = argv.index("--")
        nox_child(Path(argv[1]), argv[sep + 1 :])
        return 0
    p = argparse.ArgumentParser(description="Benchmark nox -s verify cold and warm.")
    p.add_argument("--repo", type=Path, help="a restructured repository with its baseline (default: prepare one)")
    p.add_argument("--json", type=Path, help="also write the results here")
    p.add_argument("--keep", action="store_true", help="keep the scratch directory and the environment")
    p.add_argument("nox_args", nargs="*", help="extra options for the verify session (after --)")
    args = p.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    if args.repo:
        repo = args.repo.resolve()
        _, install_alone = time_env_install(repo, scratch / "envs-alone")
    else:
        repo, install_alone = prepare(scratch)
    env_dir = env_dir_for(repo)
    results: dict[str, Any] = {"repo": str(repo), "load_before": os.getloadavg()}
    try:
        if env_dir.exists() and not args.repo:
            shutil.rmtree(env_dir)
        cold = run_nox("cold", repo, scratch / "reports-cold", scratch, args.nox_args)
        print_run(cold)
        warm = run_nox("warm", repo, scratch / "reports-warm", scratch, args.nox_args)
        print_run(warm)
        pg_up, pg_down = time_postgres_start()
        cold_build = time_cold_image_build(repo)
        print(
            f"\n== on their own: dependency install {install_alone:.1f}s, "
            f"PostgreSQL start {pg_up:.1f}s, stop {pg_down:.1f}s, "
            f"one image built with no cache {cold_build or float('nan'):.1f}s"
        )
        results.update(
            cold=cold.to_json(),
            warm=warm.to_json(),
            env_install_alone=install_alone,
            postgres_start_alone=pg_up,
            postgres_stop_alone=pg_down,
            image_build_no_cache=cold_build,
            env_dirs_for_repo=1 if env_dir.exists() else 0,
            load_after=os.getloadavg(),
        )
        warm_cached = sum(b.get("dockerfile_steps_cached", 0) for b in warm.builds)
        warm_steps = sum(b.get("dockerfile_steps", 0) for b in warm.builds)
        print(
            f"\n== targets: installs cold {cold.installs}, warm {warm.installs} (target: 1 then 0); "
            f"warm Dockerfile steps from the cache {warm_cached}/{warm_steps} (target: all); "
            f"harness overhead cold {100 * cold.overhead_share:.1f}%, "
            f"warm {100 * warm.overhead_share:.1f}% (target < 10%)"
        )
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
            if not args.repo:
                shutil.rmtree(env_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
