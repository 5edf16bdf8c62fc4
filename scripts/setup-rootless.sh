#!/usr/bin/env bash
# A rootless docker daemon for the unprivileged test user (tests of x11docker on rootless docker;
# x11docker itself needs nothing of this). Debian's docker.io ships dockerd-rootless.sh, which
# runs dockerd inside rootlesskit: a user namespace (newuidmap/newgidmap with the user's
# /etc/subuid and /etc/subgid ranges), its own mount namespace and a network namespace that
# slirp4netns connects. The daemon listens on $XDG_RUNTIME_DIR/docker.sock of that user
# (/run/user/UID/docker.sock) and keeps its data in ~/.local/share/docker.
#
# Idempotent: starts the daemon only when it does not answer, loads the demo image (and the locale,
# Wayland test images and the --xc image x11docker-xserver, about 30 s) only when its copy differs
# from the main daemon's. Called by setup.sh,
# after setup-podman.sh (which gives the user its subordinate ids).
#
# When this machine cannot run the daemon (the kernel refuses unprivileged user namespaces, no
# setuid newuidmap, ...) it does not fail the set-up: it writes "unavailable: REASON" to
# /var/lib/x11docker-test-rootless/USER.status and says why; the rootless e2e tests then skip with that
# reason. Otherwise the status is "ok". Any other failure (e.g. the image load) fails the set-up.
set -euo pipefail
user=${1:-x11tester}
images=(x11docker-demo:latest x11docker-test-locales:latest x11docker-test-wayland:latest x11docker-xserver:latest)
state=/var/lib/x11docker-test-rootless
status=$state/$user.status
log=/var/log/x11docker-test-rootless-dockerd.log
say() { printf 'setup: %s\n' "$*" >&2; }
id "$user" >/dev/null 2>&1 || { say "rootless docker: no user $user, skipped"; exit 0; }
mkdir -p "$state"
uid=$(id -u "$user")
gid=$(id -g "$user")
home=$(getent passwd "$user" | cut -d: -f6)
run=/run/user/$uid
sock=$run/docker.sock
contrib=/usr/share/docker.io/contrib
unavailable() {
  printf 'unavailable: %s\n' "$*" >"$status"
  say "rootless docker cannot run here, its tests will be skipped: $*"
  exit 0
}
# runs a command as the user, with a clean environment pointing to the user's daemon
as_user() {
  (cd / && exec setpriv --reuid="$uid" --regid="$gid" --init-groups env -i HOME="$home" USER="$user" \
    PATH="$contrib:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin" \
    XDG_RUNTIME_DIR="$run" DOCKER_HOST="unix://$sock" "$@")
}

# What dockerd-rootless.sh needs, each checked so that a refusal names its reason.
command -v rootlesskit >/dev/null || unavailable "rootlesskit is not installed (apt-get install rootlesskit)"
[ -x "$contrib/dockerd-rootless.sh" ] || unavailable "$contrib/dockerd-rootless.sh is missing (it comes with docker.io)"
command -v slirp4netns >/dev/null || unavailable "slirp4netns is not installed (apt-get install slirp4netns): the daemon's network namespace needs it"
for tool in newuidmap newgidmap; do
  path=$(command -v "$tool" || true)
  [ -n "$path" ] || unavailable "$tool is not installed (apt-get install uidmap)"
  [ -u "$path" ] || getcap "$path" 2>/dev/null | grep -q cap_set || unavailable "$path is neither setuid root nor has file capabilities, so it cannot map the subordinate ids"
done
for f in /etc/subuid /etc/subgid; do
  grep -q "^$user:" "$f" || unavailable "$user has no range in $f (scripts/setup-podman.sh adds one)"
done
if ! out=$(as_user unshare --user --map-root-user true 2>&1); then
  sysctls=$(for k in user.max_user_namespaces kernel.unprivileged_userns_clone kernel.apparmor_restrict_unprivileged_userns; do
    v=$(sysctl -n "$k" 2>/dev/null) && printf ' %s=%s' "$k" "$v"; done)
  unavailable "the kernel refuses unprivileged user namespaces (unshare --user as $user: ${out:-failed};${sysctls:- no such sysctls})"
fi
[ -c /dev/net/tun ] || unavailable "/dev/net/tun is missing: slirp4netns cannot give the daemon's network namespace a tap device"

if ! as_user docker info >/dev/null 2>&1; then
  say "starting a rootless docker daemon for $user at $sock (tests)"
  install -d -m 0700 -o "$uid" -g "$gid" "$run"
  as_user setsid dockerd-rootless.sh >"$log" 2>&1 </dev/null &
  starter=$!
  for _ in $(seq 1 240); do as_user docker info >/dev/null 2>&1 && break; kill -0 "$starter" 2>/dev/null || break; sleep 0.25; done
  if ! as_user docker info >/dev/null 2>&1; then
    # the last error of rootlesskit or dockerd says why (e.g. newuidmap refused, a mount denied)
    reason=$(grep -aiE 'level=(fatal|error)|\[rootlesskit:(parent|child)\] error|operation not permitted|permission denied|failed to' "$log" | tail -n 1 | cut -c1-300)
    kill -- "-$starter" 2>/dev/null || kill "$starter" 2>/dev/null || true
    unavailable "dockerd-rootless.sh did not answer after 60 s: ${reason:-no error in its log} (see $log)"
  fi
fi
for image in "${images[@]}"; do
  want=$(docker image inspect -f '{{.Id}}' "$image")
  have=$(as_user docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
  if [ "$have" != "$want" ]; then
    say "loading $image into the rootless docker daemon of $user"
    docker save "$image" | as_user docker load -q >/dev/null
  fi
done
echo ok >"$status"
