#!/usr/bin/env bash
# Soak benchmark: 1000 x11docker sessions (--xvfb, sleep 1 in the demo image), half one after
# another, half in rounds of 8 started at once, every 20th killed with kill -9 at a random moment;
# then a count of what they left behind (containers, X servers, sockets, lock files and socket
# folders, display claims, cache folders: all must be 0), x11docker's peak RSS and the CPU time
# per session (from /usr/bin/time). Exit status 1 when a session failed or something was left.
#
#   bash bench/soak.sh               # 1000 sessions, rounds of 8, every 20th killed
#   bash bench/soak.sh 80 8 20       # SESSIONS PARALLEL KILL_EVERY
set -euo pipefail
cd "$(dirname "$0")/.."
exec node bench/soak.mjs "$@"
