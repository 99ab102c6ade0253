import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { type Db, migrateToLatest, repositories } from '@paydesk/db';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { loadOrCreateSecretKey, SecretBox } from './crypto/secret-box.ts';
import { installAuth } from './http/auth.plugin.ts';
import { installErrorHandling } from './http/errors.ts';
import { installIdempotency } from './http/idempotency.plugin.ts';
import { ErrorBody } from './http/schemas.ts';
import { validatorCompiler } from './http/validation.ts';
import { DevOutboxTransport } from './messaging/dev-outbox.transport.ts';
import { SmtpTransport } from './messaging/smtp.transport.ts';
import { type MessageTransport, RoutingTransport } from './messaging/transport.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { merchantRoutes } from './routes/merchant.routes.ts';
import { staffRoutes } from './routes/staff.routes.ts';
import { storeRoutes } from './routes/stores.routes.ts';
import { version } from './version.ts';
import { messageHandler } from './worker/message.handler.ts';
import { OutboxWorker } from './worker/outbox-worker.ts';

export interface BuildOptions {
  config: Config;
  db: Db;
  /** Replaces the configured transport (tests capture messages this way). */
  transport?: MessageTransport;
  now?: () => number;
  /** Start the background worker (default true); tests run it by hand. */
  startWorker?: boolean;
  logger?: boolean | object;
}

export interface App {
  fastify: FastifyInstance;
  ctx: AppContext;
  worker: OutboxWorker;
  close(): Promise<void>;
}

const defaultWebDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Everything that must never reach a log line. */
export const redactPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.pin',
  '*.code',
  '*.bankAccountNo',
  '*.secretKey',
];

export async function buildApp(options: BuildOptions): Promise<App> {
  const { config, db } = options;
  const fastify = Fastify({
    logger: options.logger ?? { level: config.logLevel, redact: { paths: redactPaths, censor: '[redacted]' } },
    bodyLimit: 1024 * 1024,
    trustProxy: process.env.TRUST_PROXY === '1',
    ajv: { customOptions: { coerceTypes: false } },
    return503OnClosing: true,
  });
  fastify.setValidatorCompiler(validatorCompiler);

  const secrets = new SecretBox(loadOrCreateSecretKey(config.secretKey, config.dataDir));
  const repos = repositories(db.kysely, db.dialect);
  const now = options.now ?? Date.now;
  let worker: OutboxWorker | undefined;
  const devOutbox = new DevOutboxTransport(repos.devMessages, now);
  const transport =
    options.transport ?? new RoutingTransport({ sms: devOutbox, email: config.smtp ? new SmtpTransport(config.smtp) : devOutbox });
  const ctx: AppContext = { config, db, repos, secrets, transport, now, log: fastify.log, nudgeWorker: () => worker?.nudge() };
  worker = new OutboxWorker(ctx, { 'message.send': messageHandler(ctx) });

  await fastify.register(fastifyCookie);
  await fastify.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Paydesk API',
        version,
        description:
          'Paydesk 收银台. Errors are {"error": {"code", "message"}}; messages follow Accept-Language (zh-CN default, en). ' +
          'Cookie sessions send X-CSRF-Token on changes; creating calls accept an Idempotency-Key.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'pd_session' } } },
      security: [{ session: [] }],
    },
  });
  await fastify.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  fastify.addSchema(ErrorBody);

  installErrorHandling(fastify);
  installAuth(fastify, ctx);
  installIdempotency(fastify, ctx);

  healthRoutes(fastify, ctx);
  authRoutes(fastify, ctx);
  merchantRoutes(fastify, ctx);
  storeRoutes(fastify, ctx);
  staffRoutes(fastify, ctx);
  fastify.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => fastify.swagger());

  const webDist = config.webDist ?? defaultWebDist;
  if (existsSync(path.join(webDist, 'index.html'))) {
    await fastify.register(fastifyStatic, { root: webDist, wildcard: false });
    // Client-side routes (/login, /stores, …) all load the single page.
    fastify.get('/*', { schema: { hide: true }, config: { public: true } }, (_request, reply) => reply.sendFile('index.html'));
  }

  await migrateToLatest(db.kysely);
  await fastify.ready();
  if (options.startWorker !== false) worker.start();

  return {
    fastify,
    ctx,
    worker,
    async close() {
      await worker.stop();
      await fastify.close();
    },
  };
}
