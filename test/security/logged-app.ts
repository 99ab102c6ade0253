import type { Dialect } from '@paydesk/db';
import type { FastifyInstance } from 'fastify';
import type { OutgoingMessage } from '../../apps/server/src/messaging/transport.ts';
import { HttpClient, type Res } from '../support/http-client.ts';
import { CapturingTransport, createTestApp, type TestApp } from '../support/test-app.ts';

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

/** createTestApp with the logger on at trace level, an SMS gateway that fails once, and every answer kept. */
export async function createLoggedTestApp(dialect: Dialect, secretKey: string): Promise<LoggedTestApp> {
  const logs: string[] = [];
  const answers: Res[] = [];
  const t = await createTestApp(
    dialect,
    { secretKey },
    { logs, transport: new FlakyTransport(), newClient: (fastify, ip, owner) => new RecordingClient(fastify, ip, owner, answers) },
  );
  return Object.assign(t, { logs, answers });
}
