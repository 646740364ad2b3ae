#!/usr/bin/env bash
# `make test`: every check, stopping at the first failure, then how long each took.
# The two backend projects run side by side: the embedded one spends its time in PGlite (in-process CPU),
# the services one largely waits on PostgreSQL, Redis, RabbitMQ and child processes, so together they
# take little more than the longer of the two. Each line of a parallel step is prefixed with its name.
# MAKE_TEST_SERIAL=1 runs everything one step after another (for a machine with a single core).
# The lanes and `in_dir` are called indirectly (through `timed` and `together`):
# shellcheck disable=SC2317
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

timings_file=$(mktemp)
trap 'rm -f "$timings_file"' EXIT
total_start=$(date +%s)

summary() {
  local status=$1
  echo
  echo "==> make test: time per step"
  sed 's/^/  /' "$timings_file"
  printf '  %-22s %4d s\n' "total" $(( $(date +%s) - total_start ))
  exit "$status"
}

# Runs a command inside a workspace folder.
in_dir() {
  (cd "$1" && shift && "$@")
}

# Runs one named step, records its time; returns its status.
timed() {
  local name=$1
  shift
  echo
  echo "==> $name: $*"
  local start status
  start=$(date +%s)
  "$@"
  status=$?
  printf '%-22s %4d s%s\n' "$name" $(( $(date +%s) - start )) "$([ $status -eq 0 ] || echo '  FAILED')" >>"$timings_file"
  return $status
}

step() {
  timed "$@" || summary 1
}

# A sequence of steps separated by `--`, one after another, stopping at the first failure.
lane() {
  local args=()
  while [ $# -gt 0 ]; do
    if [ "$1" = "--" ]; then
      timed "${args[@]}" || return 1
      args=()
    else
      args+=("$1")
    fi
    shift
  done
  [ ${#args[@]} -eq 0 ] || timed "${args[@]}"
}

# Runs two lanes (functions) at the same time, each line prefixed with the lane's name, and fails if
# either failed (both are left to finish).
together() {
  local first=$1 second=$2
  ("$first" 2>&1 | sed -u "s/^/[${first%_lane}] /") &
  local a=$!
  ("$second" 2>&1 | sed -u "s/^/[${second%_lane}] /") &
  local b=$!
  local status=0
  wait $a || status=1
  wait $b || status=1
  [ $status -eq 0 ] || summary 1
}

embedded_lane() {
  lane "backend embedded" in_dir backend npx vitest run --project embedded
}
services_lane() {
  lane "backend services" in_dir backend npx vitest run --project services -- \
    "frontend unit" in_dir frontend npx vitest run --project unit
}

step "lint" npm run lint
step "typecheck" npm run typecheck
step "infrastructure" npm run validate:infra
if [ "${MAKE_TEST_SERIAL:-}" = "1" ]; then
  step "backend embedded" in_dir backend npx vitest run --project embedded
  step "backend services" in_dir backend npx vitest run --project services
  step "frontend unit" in_dir frontend npx vitest run --project unit
else
  together embedded_lane services_lane
fi
step "frontend e2e" in_dir frontend npx vitest run --project e2e
summary 0
