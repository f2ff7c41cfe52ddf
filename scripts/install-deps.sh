#!/usr/bin/env bash
# Installs what the test suites need on a fresh machine (PostgreSQL, Chromium, fonts,
# poppler, the e2e npm modules, moto as the local S3 server). Idempotent and silent
# when everything is already present, so CI can call it unconditionally.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APT_UPDATED=0

apt_install() {
  # apt-get update is slow; only pay for it when something is actually missing.
  if [ "$APT_UPDATED" -eq 0 ]; then
    apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  echo "install-deps: installing chromium" >&2
  apt_install chromium
}

ensure_fonts() {
  # Korean names must render in screenshots and PDFs; Debian's chromium brings no CJK font.
  if fc-list 2>/dev/null | grep -qi nanum; then return 0; fi
  echo "install-deps: installing fonts-nanum" >&2
  apt_install fonts-nanum fontconfig
}

ensure_postgres() {
  # The machines run PostgreSQL on 127.0.0.1:5432 with trust auth. Where nothing answers
  # there, install Debian's server, trust local TCP connections (a test machine only) and
  # start it; fail loudly if that does not work: the suite never silently skips PostgreSQL.
  if postgres_answers; then return 0; fi
  if ! ls /etc/postgresql/*/main/pg_hba.conf >/dev/null 2>&1; then
    echo "install-deps: installing postgresql" >&2
    apt_install postgresql
  fi
  local version hba
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    echo "install-deps: trusting local TCP connections in $hba" >&2
    { printf 'host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n'; cat "$hba"; } >"$hba.new"
    chown --reference="$hba" "$hba.new" && chmod --reference="$hba" "$hba.new" && mv "$hba.new" "$hba"
  fi
  echo "install-deps: starting PostgreSQL $version" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
    || pg_ctlcluster "$version" main start 2>/dev/null \
    || pg_ctlcluster "$version" main reload 2>/dev/null || true
  for _ in $(seq 1 30); do
    postgres_answers && return 0
    sleep 1
  done
  echo "install-deps: PostgreSQL does not answer on 127.0.0.1:5432 as user postgres; the tests need it" >&2
  return 1
}

postgres_answers() {
  command -v psql >/dev/null 2>&1 \
    && psql "postgres://postgres@127.0.0.1:5432/postgres" -qtAc 'SELECT 1' >/dev/null 2>&1
}

ensure_pg_client() {
  # passerelle backup/restore call pg_dump and pg_restore; a server elsewhere leaves them missing.
  command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1 && return 0
  echo "install-deps: installing postgresql-client" >&2
  apt_install postgresql-client
}

ensure_poppler() {
  command -v pdftotext >/dev/null 2>&1 && return 0
  echo "install-deps: installing poppler-utils" >&2
  apt_install poppler-utils
}

ensure_npm_modules() {
  local dir="$REPO_ROOT/e2e"
  # -nt is false when node_modules is newer or equal, i.e. up to date.
  if [ -d "$dir/node_modules" ] && ! [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    return 0
  fi
  echo "install-deps: npm ci in e2e/" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  # npm ci may leave the directory's mtime untouched; bump it so the check above holds.
  touch "$dir/node_modules"
}

# The S3-compatible server the file store's tests run against: moto from PyPI. One already on
# PATH is used as it is; otherwise it goes into a virtual environment in the build folder
# (target/moto-venv: no root, nothing in the system's Python, which Debian manages with apt and
# refuses pip in). scripts/test.sh looks in the same two places.
MOTO_VENV="$REPO_ROOT/target/moto-venv"

moto_works() {
  "$1" --help >/dev/null 2>&1
}

ensure_moto() {
  if command -v moto_server >/dev/null 2>&1 && moto_works moto_server; then return 0; fi
  if [ -x "$MOTO_VENV/bin/moto_server" ] && moto_works "$MOTO_VENV/bin/moto_server"; then return 0; fi
  if ! command -v python3 >/dev/null 2>&1; then
    echo "install-deps: installing python3" >&2
    apt_install python3
  fi
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    echo "install-deps: installing python3-venv" >&2
    apt_install python3-venv
  fi
  echo "install-deps: installing moto[server] into $MOTO_VENV" >&2
  rm -rf "$MOTO_VENV"
  python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/pip" install --quiet --disable-pip-version-check 'moto[server]>=5,<6'
  moto_works "$MOTO_VENV/bin/moto_server"
}

main() {
  ensure_postgres
  ensure_pg_client
  ensure_chromium
  ensure_fonts
  ensure_poppler
  ensure_npm_modules
  ensure_moto
}

main "$@"
