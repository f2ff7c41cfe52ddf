import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_LINE = /^Passerelle listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

// Starts the real binary on an ephemeral port. A fresh data dir per server keeps
// tests independent of each other and of whatever a developer has locally.
export async function startServer({ env = {}, args = [] } = {}) {
  const bin = process.env.PASSERELLE_BIN || path.join(REPO_ROOT, 'target', 'debug', 'passerelle');
  const ownDataDir = env.PASSERELLE_DATA_DIR
    ? null
    : await mkdtemp(path.join(tmpdir(), 'passerelle-e2e-'));
  const childEnv = { ...process.env, ...(ownDataDir && { PASSERELLE_DATA_DIR: ownDataDir }), ...env };

  const child = spawn(bin, ['serve', '--bind', '127.0.0.1:0', ...args], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'close' rather than 'exit' so stderr is fully read before an early-exit error
  // is reported; a failed spawn emits 'error' and may never emit 'close'.
  const exited = new Promise((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ error }));
  });

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr += chunk; });

  const cleanup = async () => {
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
  };

  let baseUrl;
  try {
    baseUrl = await waitForReadyLine(child, exited, () => stderr);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await cleanup();
    throw err;
  }

  // Keep draining stdout so a chatty server never blocks on a full pipe.
  child.stdout.resume();

  return {
    baseUrl,
    get stderr() { return stderr; },
    // Runs another passerelle command against the same data folder and database, as an
    // administrator on the server would; PASSERELLE_BASE_URL makes printed links point here.
    cli(args) {
      const result = spawnSync(bin, args, {
        env: { ...childEnv, PASSERELLE_BASE_URL: baseUrl },
        encoding: 'utf8',
      });
      if (result.status !== 0) {
        throw new Error(`passerelle ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
      }
      return result.stdout;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      await cleanup();
    },
  };
}

function waitForReadyLine(child, exited, getStderr) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const fail = (why) => {
      clearTimeout(timer);
      reject(new Error(`${why}\n--- server stderr ---\n${getStderr() || '(empty)'}`));
    };
    const timer = setTimeout(
      () => fail(`Passerelle did not report its address within ${START_TIMEOUT_MS / 1000} s`),
      START_TIMEOUT_MS,
    );
    exited.then(({ code, signal, error }) => fail(error
      ? `could not start ${child.spawnfile}: ${error.message}`
      : `Passerelle exited before it was ready (code ${code}, signal ${signal})`));

    child.stdout.setEncoding('utf8');
    const onData = (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        const match = READY_LINE.exec(line);
        if (match) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve(match[1]);
          return;
        }
      }
    };
    child.stdout.on('data', onData);
  });
}
