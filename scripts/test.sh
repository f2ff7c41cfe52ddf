#!/usr/bin/env bash
# Runs every test of Passerelle: the Rust suites on SQLite and PostgreSQL, then the browser
# tests in headless Chromium with axe-core. Installs what a fresh machine lacks first.
# Prints the time each stage took and ends with the runners' summary lines.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export PASSERELLE_TEST_POSTGRES_URL="${PASSERELLE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
# A missing PostgreSQL fails the PostgreSQL half of every test instead of skipping it.
export PASSERELLE_TEST_REQUIRE_POSTGRES=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

LOG="$(mktemp -t passerelle-test.XXXXXX)"
E2E_DB=""
cleanup() {
  if [ -n "$E2E_DB" ]; then
    psql "$PASSERELLE_TEST_POSTGRES_URL" -qtAc "DROP DATABASE IF EXISTS $E2E_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -f "$LOG"
}
trap cleanup EXIT

TIMINGS=()
stage() {
  local name="$1"
  shift
  echo "==> $name"
  local start=$SECONDS
  "$@"
  local took=$((SECONDS - start))
  TIMINGS+=("$(printf '%-22s %3dm%02ds' "$name" $((took / 60)) $((took % 60)))")
}

rust_tests() {
  cargo test --workspace 2>&1 | tee -a "$LOG"
}

browser_tests() {
  E2E_DB="passerelle_e2e_$(date +%s)_$$"
  psql "$PASSERELLE_TEST_POSTGRES_URL" -qtAc "CREATE DATABASE $E2E_DB" >/dev/null
  local base="${PASSERELLE_TEST_POSTGRES_URL%/*}"
  (
    cd e2e
    PASSERELLE_BIN="$ROOT/target/debug/passerelle" \
      PASSERELLE_E2E_POSTGRES_URL="$base/$E2E_DB" \
      PASSERELLE_E2E_REQUIRE_POSTGRES=1 \
      node --test --test-reporter=spec tests/ 2>&1 | tee -a "$LOG"
  )
}

stage "install dependencies" bash scripts/install-deps.sh
stage "build" cargo test --workspace --no-run
stage "rust tests" rust_tests
stage "browser tests" browser_tests

echo
echo "Stage timings:"
printf '  %s\n' "${TIMINGS[@]}"

# One closing line over both runners (the runners' own lines are above).
passed=$(grep -hoE 'test result: [a-zA-Z]+\. [0-9]+ passed' "$LOG" | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
failed=$(grep -hoE '; [0-9]+ failed' "$LOG" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
node_passed=$(grep -hoE '^ℹ pass [0-9]+' "$LOG" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
node_failed=$(grep -hoE '^ℹ fail [0-9]+' "$LOG" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
node_skipped=$(grep -hoE '^ℹ skipped [0-9]+' "$LOG" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
echo "tests: $((passed + node_passed)) passed, $((failed + node_failed)) failed, $node_skipped skipped"
