#!/usr/bin/env bash
# Gives rootful podman the demo image (from docker, no registry), for the --backend=podman tests,
# and the X server image x11docker-xserver for the --kube-manifest test (podman kube play).
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
xserver=x11docker-xserver:latest
xwant=$(docker image inspect -f '{{.Id}}' "$xserver" 2>/dev/null || true)
xhave=$(podman image inspect -f '{{.Id}}' "$xserver" 2>/dev/null || true)
if [ -n "$xwant" ] && [ "sha256:${xhave#sha256:}" != "$xwant" ]; then
  echo "setup: loading $xserver into podman" >&2
  docker save "$xserver" | podman load -q >/dev/null
fi

# Rootful podman's API service (what `systemctl start podman.socket` gives), so that the
# --backend=podman tests run x11docker over podman's API socket; rootless podman below has no
# service and keeps testing the CLI. It reads the tests' containers.conf (ulimits that fit this
# machine's hard limits), as the tests' podman commands do.
if ! podman --remote --url unix:///run/podman/podman.sock version >/dev/null 2>&1; then
  echo "setup: starting podman's API service at /run/podman/podman.sock (tests)" >&2
  mkdir -p /run/podman
  CONTAINERS_CONF="$(cd "$(dirname "$0")/.." && pwd)/test/podman/containers.conf" \
    setsid nohup podman system service --time=0 unix:///run/podman/podman.sock >/var/log/x11docker-test-podman-service.log 2>&1 < /dev/null &
  for _ in $(seq 50); do [ -S /run/podman/podman.sock ] && break; sleep 0.1; done
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
