#!/usr/bin/env bash
# The main job, end to end: set up, then run xeyes from the local demo image on a new Xephyr
# X server, and save a screenshot of the user's display in demo-xeyes.png.
# Works on a desktop (the window stays until you close it or press Ctrl-C) and headless
# (an Xvfb plays the user's display; the session ends by itself after the screenshot).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

headless=
if [ -z "${DISPLAY:-}" ]; then
  headless=yes
  exec 3< <(Xvfb -displayfd 1 -screen 0 1280x900x24 -wr -nolisten tcp -noreset 2>/dev/null & echo "pid $!")
  read -r _ xvfb_pid <&3; read -r n <&3
  export DISPLAY=":$n"
  trap 'kill "$xvfb_pid" 2>/dev/null || true' EXIT
  echo "demo: no DISPLAY, started Xvfb $DISPLAY as the user's display" >&2
fi

# --showenv prints the new server's DISPLAY/XAUTHORITY on stdout: used to wait for the window.
envfile=$(mktemp)
node dist/x11docker.js --xephyr --showenv x11docker-demo xeyes > "$envfile" &
session_pid=$!
for _ in $(seq 1 100); do [ -s "$envfile" ] && break; sleep 0.1; done
read -r xenv < "$envfile"; rm -f "$envfile"
echo "demo: x11docker session (pid $session_pid): $xenv" >&2
for _ in $(seq 1 100); do
  env $xenv xwininfo -root -tree 2>/dev/null | grep -q '"xeyes"' && break
  sleep 0.1
done
env $xenv xwininfo -root -tree | grep '"xeyes"' >&2
sleep 0.5   # let xeyes draw its first frame before the screenshot
import -window root demo-xeyes.png
echo "demo: screenshot of $DISPLAY saved as $(pwd)/demo-xeyes.png" >&2

if [ -n "$headless" ]; then
  kill -INT "$session_pid"
  wait "$session_pid" || true
  echo "demo: session ended; nothing left: $(docker ps -aq --filter label=x11docker.session | wc -l) containers" >&2
else
  echo "demo: close the Xephyr window or press Ctrl-C to end the session" >&2
  wait "$session_pid" || true
fi
