#!/usr/bin/env bash
# Backup and restore time at a data set size (shared/BENCHMARKS.md sizes; M by default): fills a
# scratch database with `passerelle bench-data --size SIZE --seed 1`, then times N runs (default
# 3) of `passerelle backup` and N of `passerelle restore`, each restore into a fresh empty
# database, and prints the median, the spread and the backup's size. Uses the release binary.
#   scripts/bench-backup.sh [SIZE] [N]                 SQLite in a scratch folder
#   BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432 scripts/bench-backup.sh M 3
# On PostgreSQL it creates databases passerelle_bench_backup_* on that server and drops them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${PASSERELLE_BIN:-$ROOT/target/release/passerelle}"
SIZE="${1:-M}"
RUNS="${2:-3}"
WORK="$(mktemp -d)"
PG="${BENCH_POSTGRES:-}"
DBS=()
cleanup() {
  for db in "${DBS[@]}"; do psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
export PASSERELLE_LOG=warn
export PASSERELLE_BACKUP_KEY="bench-backup-key-$(openssl rand -hex 16)"
export PASSERELLE_BACKUP_RETENTION_DAYS=0
export PASSERELLE_DATA_DIR="$WORK/data"

export PGOPTIONS="-c client_min_messages=warning"
# Sets NEW_DB (not printed: a command substitution's subshell would lose DBS).
new_pg_db() {
  local name="passerelle_bench_backup_$1"
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
  psql "$PG/postgres" -qc "CREATE DATABASE $name" >/dev/null
  DBS+=("$name")
  NEW_DB="$PG/$name"
}

if [ -n "$PG" ]; then
  export PASSERELLE_SECRET_KEY="bench-secret-key-$(openssl rand -hex 16)"
  new_pg_db src
  export PASSERELLE_DATABASE_URL="$NEW_DB"
fi
"$BIN" bench-data --size "$SIZE" --seed 1 | tail -n 2 >&2

now() { date +%s.%N; }
backups=() ; restores=()
for i in $(seq "$RUNS"); do
  sleep 1 # one backup folder per second
  t=$(now); "$BIN" backup --to "$WORK/backups" >&2; backups+=("$(echo "$(now) - $t" | bc)")
done
folder="$(ls -d "$WORK"/backups/passerelle-backup-* | tail -n 1)"
sealed=$(du -sb "$folder" | cut -f1)
if [ -n "$PG" ]; then
  source_size=$(psql "$PASSERELLE_DATABASE_URL" -tAc "SELECT pg_database_size(current_database())")
else
  source_size=$(stat -c %s "$WORK/data/passerelle.db")
fi
for i in $(seq "$RUNS"); do
  if [ -n "$PG" ]; then
    new_pg_db "dst$i"
    target="$NEW_DB"
    t=$(now); PASSERELLE_DATABASE_URL="$target" PASSERELLE_DATA_DIR="$WORK/restore$i" "$BIN" restore --from "$folder" | tail -n 1 >&2
    restores+=("$(echo "$(now) - $t" | bc)")
    psql "$PG/postgres" -qc "DROP DATABASE $(basename "$target") WITH (FORCE)" >/dev/null
  else
    t=$(now); PASSERELLE_DATA_DIR="$WORK/restore$i" "$BIN" restore --from "$folder" | tail -n 1 >&2
    restores+=("$(echo "$(now) - $t" | bc)")
    rm -rf "$WORK/restore$i"
  fi
done

python3 - "$SIZE" "$sealed" "$source_size" "${backups[*]}" "${restores[*]}" "${PG:+PostgreSQL}" <<'PY'
import statistics, sys
size, sealed, source, b, r, engine = sys.argv[1:7]
b = [float(x) for x in b.split()]; r = [float(x) for x in r.split()]
fmt = lambda xs: f"{statistics.median(xs):.1f} s ({min(xs):.1f} – {max(xs):.1f})"
mib = lambda n: f"{int(n) / 2**20:.0f} MiB"
print(f"{engine or 'SQLite'} size {size}: backup {fmt(b)}, restore {fmt(r)}, "
      f"backup {mib(sealed)} (database {mib(source)}), runs: backup {b}, restore {r}")
PY
