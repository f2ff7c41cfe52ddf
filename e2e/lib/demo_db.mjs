import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

// Runs `sql` on the SQLite database file `db` (waiting up to 5 s for a lock the server holds):
// its answer, trimmed.
export function sqlite(db, sql) {
  const result = spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, sql], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

// The demo's SQLite database of a server started with PASSERELLE_DATA_DIR=dataDir.
export function demoDb(dataDir) {
  return path.join(dataDir, 'demo', 'passerelle.db');
}

// Runs `sql` on the demo's database: the first line of its answer, columns split on '|'.
export function demoRow(dataDir, sql) {
  return sqlite(demoDb(dataDir), sql).split('\n')[0].split('|');
}

// A UUID from the 32 hex digits `lower(hex(id))` gives.
export function uuidOfHex(hex) {
  assert.match(hex, /^[0-9a-f]{32}$/);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
