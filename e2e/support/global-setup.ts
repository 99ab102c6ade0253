import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cliPath, e2eDir, repoRoot } from './paths.ts';

/**
 * Starts the real server on a free port with a fresh SQLite DATA_DIR, waits until
 * GET /api/health answers, and hands the address to the tests through the environment
 * (workers start after this and inherit it). The returned function stops the server.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(cliPath)) throw new Error(`The server CLI is missing: ${cliPath}`);
  const webDist = process.env.WEB_DIST ?? path.join(repoRoot, 'apps', 'web', 'dist');
  if (!existsSync(path.join(webDist, 'index.html'))) {
    throw new Error(`No web build at ${webDist}; run "npm run test:e2e" from the repo root (it builds the web app first)`);
  }

  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paydesk-e2e-'));
  const baseURL = `http://127.0.0.1:${port}`;
  await mkdir(path.join(e2eDir, 'test-results'), { recursive: true });
  const logPath = path.join(e2eDir, 'test-results', 'server.log');
  const log = createWriteStream(logPath);

  const server = spawn(process.execPath, [cliPath, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, WEB_DIST: webDist, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.pipe(log, { end: false });
  server.stderr?.pipe(log, { end: false });

  try {
    await waitForHealth(`${baseURL}/api/health`, server, 90_000);
  } catch (err) {
    await stop(server);
    log.end();
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}; server log: ${logPath}`);
  }

  process.env.PAYDESK_BASE_URL = baseURL;
  process.env.PAYDESK_DATA_DIR = dataDir;
  console.log(`paydesk server at ${baseURL}, data in ${dataDir}, log in ${logPath}`);

  return async () => {
    await stop(server);
    log.end();
    if (process.env.PAYDESK_E2E_KEEP_DATA !== '1') await rm(dataDir, { recursive: true, force: true });
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`The server exited early (code ${server.exitCode}, signal ${server.signalCode})`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The server did not become healthy at ${url} within ${timeoutMs} ms (last: ${last})`);
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
