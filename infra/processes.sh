# Sourced by ./veil and infra/azurite.sh: reads infra/processes.conf, the one description of how each of Veil's
# processes is started (that file says how it is laid out).
processes_conf="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/processes.conf"

# The words after the name on process $1's line (or simulated-hosts'), with each {word} filled in from the
# word=value pairs that follow, into the array "described"; a {word} left unfilled is an error naming it.
describe() { # process word=value...
  local process="$1" line word pair
  shift
  line="$(awk -v p="$process" '$1 == p && $1 !~ /^#/ { $1 = ""; print; exit }' "$processes_conf")"
  [ -n "$line" ] || { echo "veil: $processes_conf describes no process '$process'" >&2; return 1; }
  read -ra described <<<"$line"
  for i in "${!described[@]}"; do
    word="${described[$i]}"
    for pair in "$@"; do word="${word//\{${pair%%=*}\}/${pair#*=}}"; done
    if [[ "$word" =~ \{[a-z_]+\} ]]; then
      echo "veil: $processes_conf: $process needs ${BASH_REMATCH[0]}, which its launcher did not give" >&2
      return 1
    fi
    described[$i]="$word"
  done
}
