#!/usr/bin/env bash
# Idempotent set-up for x11docker (TypeScript) on Debian 12, as root.
# - installs the host packages the tool, the demo and the tests need;
# - installs npm dependencies and builds dist/;
# - starts dockerd when no engine answers, and waits for its socket;
# - builds the local demo image, the X server image of --xc and the test images (no registry is needed);
# - creates an unprivileged test user in the docker group (for the tests), with rootless podman
#   and a rootless docker daemon of its own, and a second daemon with userns-remap.
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

# 1. Host packages (Debian names): every line of scripts/packages/*.txt that is not a comment.
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' scripts/packages/*.txt | grep -v '^$' | sort -u)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# sshd's privilege separation folder (/run is emptied at boot), for the sshd that the network
# recipe tests start on 127.0.0.1 with a port, host key and config of their own.
install -d -m 0755 /run/sshd

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

# The main daemon's default bridge must exist (a docker daemon started with --bridge=none deletes
# docker0; an earlier test set-up did that): recreate it with the address docker recorded.
if ! ip link show docker0 >/dev/null 2>&1; then
  gateway=$(docker network inspect bridge -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' 2>/dev/null || true)
  subnet=$(docker network inspect bridge -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' 2>/dev/null || true)
  if [ -n "$gateway" ] && [ -n "$subnet" ]; then
    say "recreating the missing docker0 bridge ($gateway/${subnet#*/})"
    ip link add docker0 type bridge && ip addr add "$gateway/${subnet#*/}" dev docker0 && ip link set docker0 up
  fi
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
# scripts/images/NAME.Dockerfile -> x11docker-NAME:latest (x11docker-xserver: the X servers and
# compositors of --xc, from Debian's packages; about 70 s and 950 MB the first time), and
# test/images/NAME.Dockerfile -> x11docker-test-NAME:latest, built in name order (an image may
# build FROM one with an earlier name). The label holds a hash of the Dockerfile, so an edited
# Dockerfile is rebuilt.
for dockerfile in scripts/images/*.Dockerfile test/images/*.Dockerfile; do
  prefix=x11docker-; case "$dockerfile" in test/*) prefix=x11docker-test- ;; esac
  name="$prefix$(basename "$dockerfile" .Dockerfile):latest"
  want="$SETUP_VERSION-$(sha256sum "$dockerfile" | cut -c1-16)"
  if [ "$(docker image inspect -f '{{index .Config.Labels "x11docker.setup"}}' "$name" 2>/dev/null)" != "$want" ]; then
    say "building $name"; buildlog=$(mktemp)
    # (the legacy builder's deprecation notice is only shown when the build fails)
    docker build -q --label "x11docker.setup=$want" -t "$name" -f "$dockerfile" "$(dirname "$dockerfile")" >"$buildlog" 2>&1 \
      || { cat "$buildlog" >&2; rm -f "$buildlog"; exit 1; }
    rm -f "$buildlog"
  fi
done

# 5. An unprivileged user in the docker group, for the tests.
if ! id "$TEST_USER" >/dev/null 2>&1; then
  say "creating user $TEST_USER (group docker)"
  useradd --create-home --groups docker --shell /bin/bash "$TEST_USER"
fi
# 6. The demo image for podman (--backend=podman tests).
bash scripts/setup-podman.sh
# 7. A docker daemon with userns-remap next to the main one (tests of x11docker on such a daemon).
bash scripts/setup-userns.sh
# 8. A rootless docker daemon of the test user (tests of x11docker on rootless docker); on a machine
#    that cannot run one it records why, and those tests are skipped with that reason.
bash scripts/setup-rootless.sh
say "ready"
