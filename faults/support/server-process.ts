import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(import.meta.dirname, '..', '..');
const standby = path.join(import.meta.dirname, 'standby-server.mjs');
export const secretKey = '5a'.repeat(32);

export interface ServerSettings {
  dataDir: string;
  databaseUrl: string | undefined;
}

/**
 * The real server (`paydesk serve`) as a child process that the test may SIGKILL and start again on the same
 * port. The next process can be loaded in advance (standby-server.mjs), so that a restart costs the server's
 * own start-up (opening the database, migrations, the worker) rather than seconds of module loading.
 * Requests wait for `whenUp()` while it is down, as a till would wait for the shop's server.
 */
export class PaydeskServer {
  readonly base: string;
  readonly logFile: string;
  /** Exits nobody asked for (a crash), with their exit code or signal. */
  readonly crashes: string[] = [];
  private active: ChildProcess | undefined;
  private spare: { child: ChildProcess; loaded: Promise<void> } | undefined;
  private readonly expectingExit = new WeakSet<ChildProcess>();
  private up = deferred();

  private constructor(
    private readonly settings: ServerSettings,
    readonly port: number,
  ) {
    this.base = `http://127.0.0.1:${port}`;
    this.logFile = path.join(settings.dataDir, 'server.log');
  }

  /** Begins loading the first server process at once, so that it loads while the test sets the shop up. */
  static async create(settings: ServerSettings): Promise<PaydeskServer> {
    const server = new PaydeskServer(settings, await freePort());
    server.spare = server.load();
    return server;
  }

  whenUp(): Promise<void> {
    return this.up.promise;
  }

  /** Resolves when the next server process (see `restartFollows`) has loaded and a restart would be quick. */
  async nextLoaded(): Promise<void> {
    await this.spare?.loaded;
  }

  /**
   * `clockShiftMs` starts the server with its clock that far ahead: it wakes as if it had been down that
   * long, so every expiry, lease and retry delay of the run is over and its worker settles all of it now.
   * `restartFollows` loads the next process meanwhile, so that the next start is quick.
   */
  async start(options: { clockShiftMs?: number; restartFollows?: boolean } = {}): Promise<void> {
    if (this.active) throw new Error('the server is already running');
    const spare = this.spare ?? this.load();
    this.spare = undefined;
    await spare.loaded;
    this.active = spare.child;
    spare.child.send({ clockShiftMs: options.clockShiftMs ?? 0 });
    await this.waitForHealth(spare.child);
    this.up.resolve();
    if (options.restartFollows) this.spare = this.load();
  }

  /** Resolves once /api/health answers 200 again (the server reaches its database). */
  async healthy(): Promise<void> {
    if (this.active) await this.waitForHealth(this.active);
  }

  /** kill -9: no shutdown hook runs, in-flight requests and worker jobs die where they are. */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  /** A clean stop (SIGTERM): in-flight requests finish first. */
  async stop(): Promise<void> {
    await this.end('SIGTERM');
  }

  /** Ends the running server and the loaded spare. */
  async dispose(): Promise<void> {
    await this.kill();
    const spare = this.spare?.child;
    this.spare = undefined;
    if (spare) await endProcess(spare, 'SIGKILL', this.expectingExit);
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private load(): { child: ChildProcess; loaded: Promise<void> } {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: this.settings.dataDir, PAYDESK_SECRET_KEY: secretKey, LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    if (this.settings.databaseUrl) env.DATABASE_URL = this.settings.databaseUrl;
    const log = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, [standby, 'serve', '--port', String(this.port), '--host', '127.0.0.1'], {
      cwd: root,
      env,
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    child.once('exit', (code, signal) => {
      if (!this.expectingExit.has(child)) this.crashes.push(`exit ${code ?? signal}`);
      if (this.active === child) this.active = undefined;
    });
    const loaded = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', () => reject(new Error(`the server exited while loading:\n${this.logTail()}`)));
    });
    // Not awaited until needed; a failure then is reported by start().
    loaded.catch(() => {});
    return { child, loaded };
  }

  private async end(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const child = this.active;
    if (!child) return;
    this.up = deferred();
    await endProcess(child, signal, this.expectingExit);
  }

  private async waitForHealth(child: ChildProcess): Promise<void> {
    for (let i = 0; i < 1200; i += 1) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited while starting:\n${this.logTail()}`);
      try {
        if ((await fetch(`${this.base}/api/health`)).status === 200) return;
      } catch {}
      await sleep(50);
    }
    throw new Error(`the server did not answer within a minute:\n${this.logTail()}`);
  }
}

async function endProcess(child: ChildProcess, signal: 'SIGKILL' | 'SIGTERM', expecting: WeakSet<ChildProcess>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  expecting.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

/** Node 20 has no Promise.withResolvers. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
