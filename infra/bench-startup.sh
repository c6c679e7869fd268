#!/usr/bin/env bash
# Start-up time of `./veil run`: from the command to the Portal answering, and to the banner with URLs and logins
# (after seeding), N times, each on a fresh state folder and free ports, on the build `./veil run` would use
# (--no-build: build first). Usage: infra/bench-startup.sh [N=5]. Figures go to docs/benchmarks.md.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
echo "run  portal answering  banner printed   $(nproc) cores, configuration ${VEIL_CONFIGURATION:-Release}"
for i in $(seq 1 "$runs"); do
  state="$(mktemp -d /tmp/veil-bench-startup-XXXXXX)"
  portal="$(free_port)"
  log="$state.log"
  start=$(date +%s%N)
  VEIL_STATE="$state" VEIL_PORTAL_PORT="$portal" VEIL_API_PORT="$(free_port)" VEIL_DASHBOARD_PORT="$(free_port)" VEIL_OTLP_PORT="$(free_port)" \
    VEIL_AZURITE_BLOB_PORT="$(free_port)" VEIL_AZURITE_QUEUE_PORT="$(free_port)" VEIL_AZURITE_TABLE_PORT="$(free_port)" \
    setsid "$repo/veil" run --no-build >"$log" 2>&1 &
  veil=$!
  answering=""
  for _ in $(seq 1 1800); do
    if [ -z "$answering" ] && curl -fsS -o /dev/null "http://127.0.0.1:$portal/account/login" 2>/dev/null; then
      answering=$(( ($(date +%s%N) - start) / 1000000 ))
    fi
    grep -qs "Press Ctrl-C to stop" "$log" && break
    kill -0 "$veil" 2>/dev/null || { echo "veil run exited; see $log" >&2; exit 1; }
    sleep 0.05
  done
  banner=$(( ($(date +%s%N) - start) / 1000000 ))
  printf '%3d  %10d ms  %12d ms\n' "$i" "${answering:-0}" "$banner"
  kill -TERM -- "-$veil" 2>/dev/null || true
  wait "$veil" 2>/dev/null || true
  rm -rf "$state" "$log"
done
