#!/usr/bin/env bash
# A second docker daemon with user namespace remapping (--userns-remap=default), for the tests of
# x11docker on such a daemon (tests only; x11docker itself needs nothing of this). It has its own
# socket, data root and exec root, its own bridge and no iptables rules, so it leaves the main
# daemon alone. (Not --bridge=none: a daemon started with it deletes the docker0 interface of the
# main daemon, after which no container of the main daemon with a network starts.) Idempotent: starts it only when it does not answer, loads the demo image only when its
# copy differs from the main daemon's. Called by setup.sh.
set -euo pipefail
base=/var/lib/x11docker-test-userns
sock=/run/x11docker-test-userns/docker.sock
image=x11docker-demo:latest
bridge=x11duserns0
remapped() { DOCKER_HOST=unix://$sock docker "$@"; }
if ! remapped info >/dev/null 2>&1; then
  echo "setup: starting a docker daemon with userns-remap at $sock (tests)" >&2
  mkdir -p "$base/data" "$base/exec" "$(dirname "$sock")"
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    ip link add "$bridge" type bridge
    ip addr add 172.31.213.1/24 dev "$bridge"
    ip link set "$bridge" up
  fi
  setsid dockerd --userns-remap=default --data-root="$base/data" --exec-root="$base/exec" \
    --pidfile="$base/dockerd.pid" -H "unix://$sock" --group=docker \
    --bridge="$bridge" --iptables=false --ip-masq=false >/var/log/x11docker-test-userns-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 120); do remapped info >/dev/null 2>&1 && break; sleep 0.25; done
  remapped info >/dev/null 2>&1 || { echo "setup: the userns-remap daemon did not answer, see /var/log/x11docker-test-userns-dockerd.log" >&2; exit 1; }
fi
want=$(docker image inspect -f '{{.Id}}' "$image")
have=$(remapped image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  echo "setup: loading $image into the userns-remap daemon" >&2
  docker save "$image" | remapped load -q >/dev/null
fi
