#!/usr/bin/env bash
# A long fuzz run of the Yjs and Socket.IO handlers: the fuzzers of test/fuzz/ (which `pnpm test`
# runs for 8 s with a fixed seed), for longer and with any seed. Not part of the test command.
#   ACCORD_FUZZ_MS    total duration in ms, shared by the two fuzzers (default 300000: five minutes)
#   ACCORD_FUZZ_SEED  an integer; default a random one, printed so a finding can be replayed
#   ACCORD_FUZZ_MAX_INPUTS  stop each fuzzer after this many inputs (default 0: no cap)
set -euo pipefail
cd "$(dirname "$0")/.."
export ACCORD_FUZZ_MS="${ACCORD_FUZZ_MS:-300000}"
export ACCORD_FUZZ_MAX_INPUTS="${ACCORD_FUZZ_MAX_INPUTS:-0}"
export ACCORD_FUZZ_SEED="${ACCORD_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
echo "fuzzing for ${ACCORD_FUZZ_MS} ms, seed ${ACCORD_FUZZ_SEED}; replay with ACCORD_FUZZ_SEED=${ACCORD_FUZZ_SEED} $0"
exec npx vitest run test/fuzz/handlers.test.ts
