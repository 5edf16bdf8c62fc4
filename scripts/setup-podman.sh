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

# Rootless podman for the unprivileged test user (tests only): subordinate ids for its user
# namespace, and the demo image in its own storage (test/podman/storage-rootless.conf).
user=${1:-x11tester}
id "$user" >/dev/null 2>&1 || exit 0
for f in /etc/subuid /etc/subgid; do
  if ! grep -q "^$user:" "$f"; then
    echo "setup: adding subordinate ids for $user to $f" >&2
    if [ "$f" = /etc/subuid ]; then usermod --add-subuids 200000-265535 "$user"; else usermod --add-subgids 200000-265535 "$user"; fi
  fi
done
conf="$(cd "$(dirname "$0")/.." && pwd)/test/podman/storage-rootless.conf"
as_user() { su "$user" -s /bin/sh -c 'cd && CONTAINERS_STORAGE_CONF="$0" exec "$@"' -- "$conf" "$@"; }
have=$(as_user podman image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
if [ "sha256:${have#sha256:}" != "$want" ]; then
  echo "setup: loading $image into rootless podman of $user" >&2
  docker save "$image" | as_user podman load -q >/dev/null
fi
