#!/usr/bin/env bash
# Starts N Accord nodes on consecutive ports against one Redis and one PostgreSQL.
#   scripts/start-nodes.sh [N=3] [FIRST_PORT=8081]
# Environment: REDIS_URL and DATABASE_URL (defaults: the local ones), ACCORD_DATA_DIR (shared by the
# nodes: token secret, data key, signing key and evidence files must be the same everywhere).
# Logs go to $ACCORD_DATA_DIR/node-<port>.log; Ctrl-C stops them all (SIGTERM: graceful).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-3}"
first="${2:-8081}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
export ACCORD_DATA_DIR="${ACCORD_DATA_DIR:-./data}"
export HOST="${HOST:-127.0.0.1}"
mkdir -p "$ACCORD_DATA_DIR"
pids=()
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
for ((i = 0; i < n; i++)); do
  port=$((first + i))
  # Only the first node seeds the demo case and the admin.
  seed=$([ "$i" -eq 0 ] && echo true || echo false)
  PORT="$port" ACCORD_SEED="$seed" node --import tsx server/src/cli.ts serve >"$ACCORD_DATA_DIR/node-$port.log" 2>&1 &
  pids+=("$!")
  echo "node $((i + 1)) on port $port (pid $!)"
  # Let the first node migrate the database before the others start.
  [ "$i" -eq 0 ] && sleep 3
done
wait
