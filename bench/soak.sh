#!/usr/bin/env bash
# Soak test: 100 sequential x11docker sessions, then 5 rounds of 8 concurrent ones (--xvfb, a short
# X client in the demo image), then a count of what they left behind (containers, X servers,
# sockets and lock files, display claims, cache folders: all must be 0) and x11docker's peak RSS
# and CPU time per session (from /usr/bin/time). Exit status 1 when a session failed or something
# was left.
#
#   bash bench/soak.sh               # 100 sequential, 8x5 concurrent
#   bash bench/soak.sh 20 2 8        # SEQUENTIAL ROUNDS PARALLEL
set -euo pipefail
cd "$(dirname "$0")/.."
exec node bench/soak.mjs "$@"
