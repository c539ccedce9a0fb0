#!/usr/bin/env bash
# Build a local stand-in for `python:3.11-slim` when no container registry is reachable.
#
# Why: every fixture Dockerfile starts `FROM python:3.11-slim`. Without registry access
# that image cannot be pulled, so we bootstrap a minimal Debian bookworm root file system,
# import it, and add a venv (Debian's system Python refuses `pip install`) and the host's
# CA bundle (TLS-inspecting networks need it for pip inside the container).
#
# Usage: scripts/build-base-image.sh [TAG]        (default TAG: python:3.11-slim)
# Needs: root, debootstrap, a running Docker engine, Debian's package mirror.
set -euo pipefail

TAG="${1:-python:3.11-slim}"
DOCKER="${DOCKER:-$(command -v /usr/bin/docker || command -v docker)}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if "$DOCKER" image inspect "$TAG" >/dev/null 2>&1; then
  echo "base image $TAG already present"
  exit 0
fi
if "$DOCKER" pull "$TAG" >/dev/null 2>&1; then
  echo "base image $TAG pulled"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "build-base-image: debootstrap not found; install it with: apt-get install -y debootstrap" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
echo "bootstrapping bookworm into $rootfs (about a minute)"
debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
  bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | "$DOCKER" import - "local/bookworm-python3:rootfs" >/dev/null

cp /etc/ssl/certs/ca-certificates.crt "$work/ca-certificates.crt"
cat >"$work/Dockerfile" <<'DOCKERFILE'
FROM local/bookworm-python3:rootfs
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LANG=C.UTF-8 \
    PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN python3 -m venv /opt/venv && ln -sf /opt/venv/bin/python /usr/local/bin/python
CMD ["python3"]
DOCKERFILE
"$DOCKER" build -q -t "$TAG" "$work" >/dev/null
echo "base image $TAG built locally"
