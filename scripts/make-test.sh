#!/usr/bin/env bash
# `make test`: every check in turn, stopping at the first failure, then how long each took.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

timings=()
total_start=$(date +%s)

summary() {
  local status=$1
  echo
  echo "==> make test: time per step"
  for line in "${timings[@]}"; do echo "  $line"; done
  printf '  %-22s %4d s\n' "total" $(( $(date +%s) - total_start ))
  exit "$status"
}

step() {
  local name=$1
  shift
  echo
  echo "==> $name: $*"
  local start status
  start=$(date +%s)
  "$@"
  status=$?
  timings+=("$(printf '%-22s %4d s%s' "$name" $(( $(date +%s) - start )) "$([ $status -eq 0 ] || echo '  FAILED')")")
  [ $status -eq 0 ] || summary $status
}

step "lint" npm run lint
step "typecheck" npm run typecheck
step "infrastructure" npm run validate:infra
# Runs a command inside a workspace folder (called through `step`, hence indirectly).
# shellcheck disable=SC2317
in_dir() {
  (cd "$1" && shift && "$@")
}

step "backend embedded" in_dir backend npx vitest run --project embedded
step "backend services" in_dir backend npx vitest run --project services
step "frontend unit" in_dir frontend npx vitest run --project unit
step "frontend e2e" in_dir frontend npx vitest run --project e2e
summary 0
