#!/usr/bin/env bash
# Dependency audit for `pnpm test`: any advisory of high or critical severity fails the run, except
# those allow-listed under `audit.ignore` in pnpm-workspace.yaml (each explained in docs/SECURITY.md).
#
# When the advisory database cannot be asked, nothing is known either way:
#   - network failure (no route, DNS, timeout): a warning on a developer machine, a failure under CI=true;
#   - the registry answers but serves no audit endpoint (HTTP 404/405/501, e.g. a mirror): a loud
#     warning, also under CI, because failing every run would block all work without making anyone
#     safer; ACCORD_AUDIT_STRICT=true makes this a failure too (set it where the real registry is used).
set -uo pipefail
cd "$(dirname "$0")/.."

pnpm_cmd=(pnpm)
command -v pnpm >/dev/null 2>&1 || pnpm_cmd=(npx -y pnpm@12.4.2)

out=$("${pnpm_cmd[@]}" audit --audit-level high 2>&1)
rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 0 ] && exit 0

warn() { printf '\n!!! DEPENDENCY AUDIT NOT DONE — %s\n\n' "$1" >&2; }

if grep -qE 'ERR_PNPM_AUDIT_BAD_RESPONSE' <<<"$out" && grep -qE 'responded with (404|405|501)' <<<"$out"; then
  warn "the registry serves no audit endpoint"
  [ "${ACCORD_AUDIT_STRICT:-}" = "true" ] && exit 1
  exit 0
fi
if grep -qE 'ERR_PNPM_AUDIT_BAD_RESPONSE|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ENETUNREACH|fetch failed|socket hang up' <<<"$out"; then
  warn "the advisory database could not be reached"
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
# The registry answered with advisories at or above high severity that are not allow-listed.
exit "$rc"
