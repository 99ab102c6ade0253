import type { Dialect } from '@paydesk/db';
import { type App, buildApp, redactPaths } from '../../apps/server/src/app.ts';
import { type Config, configFromEnv } from '../../apps/server/src/config.ts';
import type { MessageTransport, OutgoingMessage } from '../../apps/server/src/messaging/transport.ts';
import { freshDatabase, type TestDb } from './databases.ts';
import { HttpClient } from './http-client.ts';

/** Keeps every message the app sends, so tests read one-time codes the way a person reads their phone. */
export class CapturingTransport implements MessageTransport {
  readonly sent: OutgoingMessage[] = [];

  async send(message: OutgoingMessage): Promise<void> {
    this.sent.push(message);
  }

  lastCodeFor(to: string): string {
    const message = [...this.sent].reverse().find((m) => m.to === to && /\d{6}/.test(m.body));
    const code = message?.body.match(/\d{6}/)?.[0];
    if (!code) throw new Error(`no code was sent to ${to}`);
    return code;
  }
}

export interface TestApp {
  app: App;
  db: TestDb;
  transport: CapturingTransport;
  clock: { now: number; advance(ms: number): void };
  /** Runs the outbox worker until nothing is due (messages are delivered through it). */
  drain(): Promise<void>;
  client(ip?: string): HttpClient;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Turns the app's logger on at trace level, with its own redaction, every line pushed here. */
  logs?: string[];
  transport?: CapturingTransport;
  /** Makes the app's clients, for a test that wants to keep what they are answered. */
  newClient?: (fastify: App['fastify'], ip: string, owner: TestApp) => HttpClient;
}

/** `config` overrides the test configuration (e.g. `{ secureCookies: true }` or another `webDist`). */
export async function createTestApp(dialect: Dialect, config: Partial<Config> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const db = await freshDatabase(dialect);
  const transport = options.transport ?? new CapturingTransport();
  const { logs, newClient = (fastify, ip, owner) => new HttpClient(fastify, ip, owner) } = options;
  const clock = {
    now: Date.UTC(2026, 10, 28, 2, 0, 0),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const app = await buildApp({
    config: configFromEnv({ DATA_DIR: db.dataDir, PAYDESK_SECRET_KEY: '11'.repeat(32), LOG_LEVEL: logs ? 'trace' : 'silent' }, config),
    db,
    transport,
    now: () => clock.now,
    startWorker: false,
    logger: logs
      ? { level: 'trace', redact: { paths: redactPaths, censor: '[redacted]' }, stream: { write: (line: string) => logs.push(line) } }
      : false,
  });
  let ipCounter = 0;
  const t: TestApp = {
    app,
    db,
    transport,
    clock,
    async drain() {
      while ((await app.worker.runOnce()) > 0) {}
    },
    client(ip?: string) {
      ipCounter += 1;
      return newClient(app.fastify, ip ?? `10.0.${Math.floor(ipCounter / 250)}.${ipCounter % 250}`, t);
    },
    async close() {
      await app.close();
      await db.destroy();
    },
  };
  return t;
}
