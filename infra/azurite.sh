#!/usr/bin/env bash
# Starts or stops Azurite (the pinned copy in infra/node_modules) on loopback, with on-disk persistence.
#   infra/azurite.sh start [DATA_DIR]   # waits until blob, queue and table endpoints answer
#   infra/azurite.sh stop
# Ports: VEIL_AZURITE_BLOB_PORT (10000), VEIL_AZURITE_QUEUE_PORT (10001), VEIL_AZURITE_TABLE_PORT (10002);
# VEIL_AZURITE_PIDFILE (.veil/azurite.pid) lets a second instance run beside the first; VEIL_AZURITE_IN_MEMORY=1 keeps
# the data in memory only (the benchmarks: their figures should not include Azurite's periodic save of its database).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
data="${2:-$repo/.veil/azurite}"
pidfile="${VEIL_AZURITE_PIDFILE:-$repo/.veil/azurite.pid}"
blob="${VEIL_AZURITE_BLOB_PORT:-10000}"
queue="${VEIL_AZURITE_QUEUE_PORT:-10001}"
table="${VEIL_AZURITE_TABLE_PORT:-10002}"

. "$here/processes.sh"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "${1:-}" in
  start)
    mkdir -p "$data" "$(dirname "$pidfile")"
    chmod 700 "$data"  # every tenant's records: this user's only
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "azurite: already running (pid $(cat "$pidfile"))"
      exit 0
    fi
    for p in "$blob" "$queue" "$table"; do
      if port_open "$p"; then echo "azurite: port $p on 127.0.0.1 is taken by another process" >&2; exit 1; fi
    done
    persistence=(--location "$data")
    [ "${VEIL_AZURITE_IN_MEMORY:-}" = 1 ] && persistence=(--inMemoryPersistence)
    describe azurite blob_port="$blob" queue_port="$queue" table_port="$table"
    nohup "$repo/${described[0]}/${described[1]}" "${described[@]:2}" "${persistence[@]}" >"$data/azurite.log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 100); do
      if port_open "$blob" && port_open "$queue" && port_open "$table"; then
        echo "azurite: listening on 127.0.0.1:$blob (blob), :$queue (queue), :$table (table); data in $data"
        exit 0
      fi
      kill -0 "$(cat "$pidfile")" 2>/dev/null || { echo "azurite: exited at start; see $data/azurite.log" >&2; cat "$data/azurite.log" >&2; exit 1; }
      sleep 0.1
    done
    echo "azurite: did not open its ports within 10 s; see $data/azurite.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$pidfile" ]; then
      pid="$(cat "$pidfile")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$pidfile"
      echo "azurite: stopped"
    fi
    ;;
  *)
    echo "usage: infra/azurite.sh start [DATA_DIR] | stop" >&2
    exit 2
    ;;
esac
