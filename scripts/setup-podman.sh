#!/usr/bin/env bash
# Gives rootful podman the demo image (from docker, no registry), for the --backend=podman tests.
# Idempotent: loads only when podman's copy differs from docker's. Called by setup.sh.
set -euo pipefail
image=x11docker-demo:latest
command -v podman >/dev/null || { echo "setup-podman: podman not installed, skipped" >&2; exit 0; }
want=$(docker image inspect -f '{{.Id}}' "$image")
have=$(podman image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
if [ "sha256:${have#sha256:}" != "$want" ]; then
  echo "setup: loading $image into podman" >&2
  docker save "$image" | podman load -q >/dev/null
fi
