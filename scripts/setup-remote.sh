#!/usr/bin/env bash
# A second docker daemon that stands for "a docker engine on another machine", for the tests of
# x11docker on a remote engine (tests only; x11docker itself needs nothing of this). It listens
# only on tcp://127.0.0.1:23750 (no TLS: any local user could use it, so it runs only while its
# tests run; `stop` ends it), with its own data root, exec root, pidfile and bridge and no iptables
# rules, so it shares no files, sockets or containers with the main daemon. Idempotent: starts it
# only when it does not answer, and loads x11docker-demo and x11docker-xserver (docker save |
# docker load, about a minute the first time; kept in its data root) only when its copy differs.
# The same daemon is also reachable as ssh://x11docker-test-remote: an sshd of its own on
# 127.0.0.1:2223 (own host key, key-only login of root with a key made here, `SetEnv
# DOCKER_HOST=` that daemon, so the docker CLI's `docker system dial-stdio` there reaches it), and
# the Host alias in /etc/ssh/ssh_config.d/x11docker-test-remote.conf (port, key, known host).
# Usage: setup-remote.sh [start|stop]   (run as root; the tests call it)
set -euo pipefail
base=/var/lib/x11docker-test-remote
host=tcp://127.0.0.1:23750
bridge=x11dremote0
images=(x11docker-demo:latest x11docker-xserver:latest)
remote() { DOCKER_HOST=$host docker "$@"; }
sshdir=$base/ssh
if [ "${1:-start}" = stop ]; then
  for pidfile in "$base/sshd.pid" "$base/dockerd.pid"; do
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    fi
  done
  exit 0
fi
if ! remote info >/dev/null 2>&1; then
  echo "setup: starting a second docker daemon at $host (tests of remote engines)" >&2
  mkdir -p "$base/data" "$base/exec"
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    ip link add "$bridge" type bridge
    ip addr add 172.31.214.1/24 dev "$bridge"
    ip link set "$bridge" up
  fi
  setsid dockerd --data-root="$base/data" --exec-root="$base/exec" --pidfile="$base/dockerd.pid" \
    -H "$host" --bridge="$bridge" --iptables=false --ip-masq=false \
    >/var/log/x11docker-test-remote-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 160); do remote info >/dev/null 2>&1 && break; sleep 0.25; done
  remote info >/dev/null 2>&1 || { echo "setup: the second daemon did not answer, see /var/log/x11docker-test-remote-dockerd.log" >&2; exit 1; }
fi
for image in "${images[@]}"; do
  want=$(DOCKER_HOST= docker image inspect -f '{{.Id}}' "$image")
  have=$(remote image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
  if [ "$have" != "$want" ]; then
    echo "setup: loading $image into the second daemon" >&2
    DOCKER_HOST= docker save "$image" | remote load -q >/dev/null
  fi
done
# ssh://x11docker-test-remote (skipped without sshd: the ssh tests then say so)
if [ -x /usr/sbin/sshd ]; then
  mkdir -p "$sshdir" /run/sshd; chmod 700 "$sshdir"
  [ -f "$sshdir/host_key" ] || ssh-keygen -q -t ed25519 -N '' -C x11docker-test-remote-host -f "$sshdir/host_key"
  [ -f "$sshdir/client_key" ] || ssh-keygen -q -t ed25519 -N '' -C x11docker-test-remote-client -f "$sshdir/client_key"
  cp "$sshdir/client_key.pub" "$sshdir/authorized_keys"
  cat >"$sshdir/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port 2223
HostKey $sshdir/host_key
PidFile $base/sshd.pid
AuthorizedKeysFile $sshdir/authorized_keys
AllowUsers root
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
SetEnv DOCKER_HOST=$host
CONF
  cat >/etc/ssh/ssh_config.d/x11docker-test-remote.conf <<CONF
# x11docker's tests (scripts/setup-remote.sh): ssh://x11docker-test-remote is a second docker daemon here
Host x11docker-test-remote
  HostName 127.0.0.1
  Port 2223
  User root
  IdentityFile $sshdir/client_key
  IdentitiesOnly yes
  UserKnownHostsFile $sshdir/known_hosts
  StrictHostKeyChecking yes
CONF
  echo "[127.0.0.1]:2223 $(cut -d' ' -f1,2 "$sshdir/host_key.pub")" >"$sshdir/known_hosts"
  pid=$(cat "$base/sshd.pid" 2>/dev/null || true)
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    /usr/sbin/sshd -f "$sshdir/sshd_config" -E /var/log/x11docker-test-remote-sshd.log
  fi
fi
