#!/usr/bin/env bash
# Runs every test of Passerelle: the Rust suites on SQLite and PostgreSQL (and the file store's
# on a local S3 server, moto, started here and stopped at exit), then the browser tests in
# headless Chromium with axe-core. Installs what a fresh machine lacks first.
# Prints the time each stage took and ends with the runners' summary lines.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export PASSERELLE_TEST_POSTGRES_URL="${PASSERELLE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
# A missing PostgreSQL fails the PostgreSQL half of every test instead of skipping it.
export PASSERELLE_TEST_REQUIRE_POSTGRES=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# A missing S3 server fails the S3 tests instead of skipping them.
export PASSERELLE_TEST_REQUIRE_S3=1

LOG="$(mktemp -t passerelle-test.XXXXXX)"
S3_LOG="$(mktemp -t passerelle-moto.XXXXXX)"
E2E_DB=""
S3_PID=""
cleanup() {
  if [ -n "$E2E_DB" ]; then
    psql "$PASSERELLE_TEST_POSTGRES_URL" -qtAc "DROP DATABASE IF EXISTS $E2E_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [ -n "$S3_PID" ]; then
    kill "$S3_PID" 2>/dev/null || true
    wait "$S3_PID" 2>/dev/null || true
  fi
  rm -f "$LOG" "$S3_LOG"
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

# moto as a local S3 server on a free port, with the test bucket; install-deps.sh put it on
# PATH or in target/moto-venv. The tests get its address and (fake) keys.
start_s3() {
  local moto port
  if command -v moto_server >/dev/null 2>&1; then
    moto="$(command -v moto_server)"
  else
    moto="$ROOT/target/moto-venv/bin/moto_server"
  fi
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "$moto" -H 127.0.0.1 -p "$port" >"$S3_LOG" 2>&1 &
  S3_PID=$!
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 60); do
    if python3 -c "import urllib.request; urllib.request.urlopen('$url/', timeout=1)" >/dev/null 2>&1; then
      python3 -c "import urllib.request; urllib.request.urlopen(urllib.request.Request('$url/passerelle-test', method='PUT'), timeout=5)"
      export PASSERELLE_TEST_S3_URL="$url/passerelle-test"
      export PASSERELLE_TEST_S3_ACCESS_KEY_ID=testing
      export PASSERELLE_TEST_S3_SECRET_ACCESS_KEY=testing
      echo "S3 (moto) on $url, bucket passerelle-test"
      return 0
    fi
    if ! kill -0 "$S3_PID" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "test.sh: the local S3 server (moto) did not start:" >&2
  cat "$S3_LOG" >&2
  return 1
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
stage "start S3 (moto)" start_s3
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
