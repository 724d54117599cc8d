#!/usr/bin/env bash
# Exports the server and shared packages of an earlier commit to a directory, with node_modules linked to
# this checkout's, so a benchmark can run that server with ACCORD_BENCH_ACCORD_ROOT=<dir> (before/after
# figures for an optimisation). Touches nothing in this working tree.
#   test/bench/export-commit.sh <commit> <dir>
#   ACCORD_BENCH_ACCORD_ROOT=<dir> ACCORD_BENCH_SERVERS=accord npx tsx test/bench/chat.bench.ts
set -euo pipefail
commit=${1:?usage: export-commit.sh <commit> <dir>}
dir=${2:?usage: export-commit.sh <commit> <dir>}
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$dir" && mkdir -p "$dir"
git -C "$root" archive "$commit" server shared package.json tsconfig.json | tar -x -C "$dir"
ln -s "$root/node_modules" "$dir/node_modules"
ln -s "$root/shared/node_modules" "$dir/shared/node_modules"
# The server's dependencies as resolved here, except @accord/shared, which must be the exported one.
mkdir "$dir/server/node_modules"
for e in "$root"/server/node_modules/* "$root"/server/node_modules/.bin; do
  n=$(basename "$e")
  [[ "$n" == @* ]] && continue
  ln -s "$(readlink -f "$e")" "$dir/server/node_modules/$n"
done
for scope in "$root"/server/node_modules/@*/; do
  s=$(basename "$scope")
  [[ "$s" == "@accord" ]] && continue
  mkdir -p "$dir/server/node_modules/$s"
  for e in "$scope"*; do ln -s "$(readlink -f "$e")" "$dir/server/node_modules/$s/$(basename "$e")"; done
done
mkdir -p "$dir/server/node_modules/@accord"
ln -s "$dir/shared" "$dir/server/node_modules/@accord/shared"
echo "exported $commit to $dir"
