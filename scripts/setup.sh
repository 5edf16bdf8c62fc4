#!/usr/bin/env bash
# Idempotent set-up for x11docker (TypeScript) on Debian 12, as root.
# - installs the host packages the tool, the demo and the tests need;
# - installs npm dependencies and builds dist/;
# - starts dockerd when no engine answers, and waits for its socket;
# - builds the local demo and test images (no registry is needed);
# - creates an unprivileged test user in the docker group (for the tests).
# A second run only checks and takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

SETUP_VERSION=1                                  # bump to force image rebuilds
DEMO_IMAGE=x11docker-demo:latest
TEST_USER=x11tester
say() { printf 'setup: %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
  say "run as root (it installs Debian packages and starts dockerd): sudo bash scripts/setup.sh"
  exit 64
fi

# 1. Host packages (Debian names).
packages=(docker.io debootstrap xvfb xserver-xephyr xauth x11-utils x11-apps xdotool imagemagick procps passwd)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. npm dependencies and build.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
say "building dist/"
npm run --silent build

# 3. Container engine.
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd"
  setsid dockerd >/var/log/x11docker-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.25; done
  docker info >/dev/null 2>&1 || { say "dockerd did not answer after 30 s, see /var/log/x11docker-dockerd.log"; exit 1; }
fi

# 4. Images, built locally.
image_current() { [ "$(docker image inspect -f '{{index .Config.Labels "x11docker.setup"}}' "$1" 2>/dev/null)" = "$SETUP_VERSION" ]; }
if ! image_current "$DEMO_IMAGE"; then
  say "building $DEMO_IMAGE from a debootstrap minbase root filesystem (about a minute)"
  rootfs=$(mktemp -d /var/tmp/x11docker-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase --include=x11-apps,x11-utils,xauth,xterm,fonts-dejavu-core \
    bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import \
    --change 'CMD ["xeyes"]' --change "LABEL x11docker.setup=$SETUP_VERSION" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$DEMO_IMAGE" >/dev/null
  rm -rf "$rootfs"; trap - EXIT
fi
for dockerfile in test/images/*.Dockerfile; do
  name="x11docker-test-$(basename "$dockerfile" .Dockerfile):latest"
  if ! image_current "$name"; then
    say "building $name"
    # (the legacy builder's deprecation notice is only shown when the build fails)
    docker build -q --label "x11docker.setup=$SETUP_VERSION" -t "$name" -f "$dockerfile" test/images >/tmp/x11docker-build.log 2>&1 \
      || { cat /tmp/x11docker-build.log >&2; exit 1; }
    rm -f /tmp/x11docker-build.log
  fi
done

# 5. An unprivileged user in the docker group, for the tests.
if ! id "$TEST_USER" >/dev/null 2>&1; then
  say "creating user $TEST_USER (group docker)"
  useradd --create-home --groups docker --shell /bin/bash "$TEST_USER"
fi
say "ready"
