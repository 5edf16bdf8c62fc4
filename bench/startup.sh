#!/usr/bin/env bash
# Startup and cleanup time of x11docker (--xephyr, xeyes from the demo image) against the
# "floor": the same hardened session set up by hand (bench/floor-session.sh).
#
#   bash bench/startup.sh                 # 7 runs of each setup (+1 warm-up each)
#   BENCH_RUNS=5 bash bench/startup.sh    # other run count
#
# Without DISPLAY it starts its own Xvfb as the user's display and stops it at the end.
# The table goes to stdout, the per-run numbers to stderr. Everything the benchmark starts is
# removed again, also after a failure or Ctrl-C. Details and options: bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node bench/startup.mjs "$@"
