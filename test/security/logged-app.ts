import type { Dialect } from '@paydesk/db';
import type { FastifyInstance } from 'fastify';
import { buildApp, redactPaths } from '../../apps/server/src/app.ts';
import { configFromEnv } from '../../apps/server/src/config.ts';
import type { OutgoingMessage } from '../../apps/server/src/messaging/transport.ts';
import { freshDatabase } from '../support/databases.ts';
import { HttpClient, type Res } from '../support/http-client.ts';
import { CapturingTransport, type TestApp } from '../support/test-app.ts';

/** An HttpClient that keeps every answer it gets, so the answers can be searched afterwards. */
class RecordingClient extends HttpClient {
  constructor(
    fastify: FastifyInstance,
    ip: string,
    owner: unknown,
    private readonly answers: Res[],
  ) {
    super(fastify, ip, owner);
  }

  override async request<T>(method: Parameters<HttpClient['request']>[0], url: string, body: unknown, headers: Record<string, string>) {
    const res = await super.request<T>(method, url, body, headers);
    this.answers.push(res);
    return res;
  }

  override async raw(...args: Parameters<HttpClient['raw']>) {
    const res = await super.raw(...args);
    this.answers.push(res);
    return res;
  }
}

/** The first message fails as if the SMS gateway timed out, so the worker's failure path logs too. */
class FlakyTransport extends CapturingTransport {
  private failed = false;

  override async send(message: OutgoingMessage): Promise<void> {
    if (!this.failed) {
      this.failed = true;
      throw new Error('SMS gateway timed out');
    }
    await super.send(message);
  }
}

export interface LoggedTestApp extends TestApp {
  /** Every log line the app wrote, at trace level. */
  logs: string[];
  /** Every answer any of its clients got. */
  answers: Res[];
}

/**
 * createTestApp with the app's logger on at trace level, writing into `logs`. createTestApp turns the
 * logger off and buildApp takes no stream of its own, so this passes buildApp the logger settings it
 * would make itself (its redaction) plus the stream.
 */
export async function createLoggedTestApp(dialect: Dialect, secretKey: string): Promise<LoggedTestApp> {
  const db = await freshDatabase(dialect);
  const transport = new FlakyTransport();
  const clock = {
    now: Date.UTC(2026, 10, 28, 2, 0, 0),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const logs: string[] = [];
  const answers: Res[] = [];
  const app = await buildApp({
    config: configFromEnv({ DATA_DIR: db.dataDir, PAYDESK_SECRET_KEY: secretKey, LOG_LEVEL: 'trace' }),
    db,
    transport,
    now: () => clock.now,
    startWorker: false,
    logger: { level: 'trace', redact: { paths: redactPaths, censor: '[redacted]' }, stream: { write: (line: string) => logs.push(line) } },
  });
  let ipCounter = 0;
  return {
    app,
    db,
    transport,
    clock,
    logs,
    answers,
    async drain() {
      while ((await app.worker.runOnce()) > 0) {}
    },
    client(ip?: string) {
      ipCounter += 1;
      return new RecordingClient(app.fastify, ip ?? `10.1.${Math.floor(ipCounter / 250)}.${ipCounter % 250}`, this, answers);
    },
    async close() {
      await app.close();
      await db.destroy();
    },
  };
}
