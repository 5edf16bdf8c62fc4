#!/usr/bin/env bash
# Setup B of bench/startup.sh, the "floor": what a careful person would type by hand to get the
# same hardened session as `x11docker --xephyr IMAGE xeyes` (own Xephyr with a cookie, no TCP,
# no MIT-SHM/XTEST; container without capabilities, privileges or network, as the host user,
# with only the display's socket and a read-only wildcard cookie mounted).
#
#   bash bench/floor-session.sh DIR NAME LABEL [IMAGE [COMMAND...]]
#
# DIR: an empty private folder for the cookies (the caller removes it); NAME: container name;
# LABEL: a KEY=VALUE label for the container (lets the caller find and remove it).
# Prints "DISPLAY=:N XAUTHORITY=DIR/client XSOCKET=/tmp/.X11-unix/XN XEPHYR_PID=PID" on stdout
# once the X server is ready and the client cookie written (as x11docker --showenv does), then
# runs the container and exits when both the container and Xephyr have ended. The caller stops
# the session with `docker kill NAME` and `kill XEPHYR_PID`; SIGTERM/SIGINT to this script ends
# everything it started (and waits for it, so no process is left to init).
set -euo pipefail
dir=$1 name=$2 label=$3 image=${4:-x11docker-demo}
shift $(( $# < 4 ? $# : 4 ))
[ $# -gt 0 ] || set -- xeyes
umask 077

stop() {
  trap - TERM INT HUP
  kill $(jobs -p) 2> /dev/null || true
  docker rm --force "$name" > /dev/null 2>&1 || true
  wait || true
  exit "$1"
}
trap 'stop 143' TERM HUP
trap 'stop 130' INT

# A free display number (200 and up, clear of x11docker's own 100+ and of other X servers).
n=200
while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.x11docker-display-$n.claim" ] ||
      grep -q "@/tmp/.X11-unix/X$n\$" /proc/net/unix; do
  n=$((n + 1))
done

# Server cookie, then Xephyr; it reports readiness by writing the display number to fd 3.
: > "$dir/server"
xauth -f "$dir/server" add ":$n" . "$(mcookie)"
mkfifo "$dir/displayfd"
# FLOOR_SERVER=Xvfb: the same with Xvfb (the --xvfb row of bench/compare.mjs)
if [ "${FLOOR_SERVER:-Xephyr}" = Xvfb ]; then
  Xvfb ":$n" -auth "$dir/server" -nolisten tcp -extension MIT-SHM -extension XTEST \
    -screen 0 1024x768x24 -displayfd 3 3> "$dir/displayfd" 2> "$dir/xephyr.log" &
else
  Xephyr ":$n" -auth "$dir/server" -nolisten tcp -extension MIT-SHM -extension XTEST \
    -screen 1024x768 -displayfd 3 3> "$dir/displayfd" 2> "$dir/xephyr.log" &
fi
xephyr_pid=$!
if ! read -r -t 15 ready < "$dir/displayfd" || [ "$ready" != "$n" ]; then
  echo "floor: Xephyr :$n did not start: $(tail -n 3 "$dir/xephyr.log")" >&2
  stop 1
fi

# Client cookie with family "wildcard" (ffff), so it matches inside the container too.
: > "$dir/client"
xauth -f "$dir/server" nlist ":$n" | sed -e 's/^..../ffff/' | xauth -f "$dir/client" nmerge -
echo "DISPLAY=:$n XAUTHORITY=$dir/client XSOCKET=/tmp/.X11-unix/X$n XEPHYR_PID=$xephyr_pid"

docker run --rm --init --cap-drop=ALL --security-opt=no-new-privileges --network=none \
  --user "$(id -u):$(id -g)" --name "$name" --label "$label" \
  -v "/tmp/.X11-unix/X$n:/tmp/.X11-unix/X$n" -v "$dir/client:/cookie:ro" \
  -e "DISPLAY=:$n" -e XAUTHORITY=/cookie \
  "$image" "$@" &
wait "$!" "$xephyr_pid" || true
