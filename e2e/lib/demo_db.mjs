import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

// Reads the demo's SQLite database of a server started with PASSERELLE_DATA_DIR=dataDir: the
// first line of `sql`'s answer, its columns split on '|'.
export function demoRow(dataDir, sql) {
  const db = path.join(dataDir, 'demo', 'passerelle.db');
  const result = spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, sql], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim().split('\n')[0].split('|');
}

// A UUID from the 32 hex digits `lower(hex(id))` gives.
export function uuidOfHex(hex) {
  assert.match(hex, /^[0-9a-f]{32}$/);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
