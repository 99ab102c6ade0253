import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { sign } from '@paydesk/channels';
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
import { DecoderPool } from './qr/decode-pool.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { bindingRoutes } from './routes/bindings.routes.ts';
import { channelRoutes } from './routes/channels.routes.ts';
import { codeRoutes } from './routes/codes.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { merchantRoutes } from './routes/merchant.routes.ts';
import { notifyRoutes } from './routes/notify.routes.ts';
import { payPageRoutes } from './routes/pay-page.routes.ts';
import { paymentRoutes } from './routes/payments.routes.ts';
import { recordRoutes } from './routes/records.routes.ts';
import { reportRoutes } from './routes/reports.routes.ts';
import { simRoutes } from './routes/sim.routes.ts';
import { staffRoutes } from './routes/staff.routes.ts';
import { storeRoutes } from './routes/stores.routes.ts';
import { ChannelRouter } from './services/channel-router.ts';
import { PaymentService } from './services/payment.service.ts';
import { ReportService } from './services/report.service.ts';
import { answerOf, SimulatorGateway } from './simulator/gateway.ts';
import { version } from './version.ts';
import { Housekeeper } from './worker/housekeeper.ts';
import { messageHandler } from './worker/message.handler.ts';
import { OutboxWorker } from './worker/outbox-worker.ts';
import { paymentHandlers, simulatorHandlers } from './worker/payment.handlers.ts';

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
  payments: PaymentService;
  gateway: SimulatorGateway;
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
  // Every body is JSON. Fastify also parses text/plain by default, which a cross-site form can send
  // without a CORS preflight; refuse it as an unsupported media type instead.
  fastify.removeContentTypeParser('text/plain');

  const secrets = new SecretBox(loadOrCreateSecretKey(config.secretKey, config.dataDir));
  const repos = repositories(db.kysely, db.dialect, db.atomic);
  const now = options.now ?? Date.now;
  let worker: OutboxWorker | undefined;
  const devOutbox = new DevOutboxTransport(repos.devMessages, now);
  const transport =
    options.transport ?? new RoutingTransport({ sms: devOutbox, email: config.smtp ? new SmtpTransport(config.smtp) : devOutbox });
  const decoder = new DecoderPool({ size: 1, timeoutMs: 20_000 });
  const ctx: AppContext = { config, db, repos, secrets, transport, now, log: fastify.log, nudgeWorker: () => worker?.nudge(), decoder };
  const gateway = new SimulatorGateway(ctx);
  const payments = new PaymentService(ctx, new ChannelRouter(ctx, gateway));
  // The simulator posts its notifications to our own notify route, signed, exactly as a gateway would.
  const deliverSimNotification = async (merchantId: string, outTradeNo: string) => {
    const trade = await repos.sim.trade(merchantId, outTradeNo);
    if (!trade) return;
    const signed = sign(gateway.key(merchantId), JSON.stringify({ type: 'payment', merchantId, trade: answerOf(trade) }), now());
    const res = await fastify.inject({
      method: 'POST',
      url: '/api/notify/simulator',
      headers: {
        'content-type': 'application/json',
        'x-sim-merchant': merchantId,
        'x-sim-timestamp': signed.timestamp,
        'x-sim-nonce': signed.nonce,
        'x-sim-signature': signed.signature,
      },
      payload: signed.body,
    });
    if (res.statusCode !== 200) throw new Error(`notification answered ${res.statusCode}`);
  };
  worker = new OutboxWorker(ctx, {
    'message.send': messageHandler(ctx),
    ...paymentHandlers(payments),
    ...simulatorHandlers(gateway, deliverSimNotification),
  });

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

  const webDist = config.webDist ?? defaultWebDist;
  const spa = existsSync(path.join(webDist, 'index.html'));
  installErrorHandling(fastify, { spa });
  installAuth(fastify, ctx);
  installIdempotency(fastify, ctx);
  // Last onSend hook, after the idempotency record is written: no answer leaves before the commits made
  // so far are on disk (group commit, packages/db/src/group-commit.ts).
  fastify.addHook('onSend', async () => {
    await db.durable();
  });

  healthRoutes(fastify, ctx);
  authRoutes(fastify, ctx);
  merchantRoutes(fastify, ctx);
  storeRoutes(fastify, ctx);
  staffRoutes(fastify, ctx);
  channelRoutes(fastify, ctx);
  codeRoutes(fastify, ctx);
  bindingRoutes(fastify, ctx, payments);
  payPageRoutes(fastify, ctx);
  const reports = new ReportService(ctx);
  paymentRoutes(fastify, payments, reports);
  recordRoutes(fastify, ctx, payments, reports);
  reportRoutes(fastify, reports);
  simRoutes(fastify, ctx, gateway);
  await notifyRoutes(fastify, payments);
  fastify.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => fastify.swagger());

  // Files are looked up per request (wildcard), so rebuilding the web app needs no server restart.
  if (spa) await fastify.register(fastifyStatic, { root: webDist, wildcard: true });

  await migrateToLatest(db.kysely);
  await fastify.ready();
  const housekeeper = new Housekeeper(ctx);
  if (options.startWorker !== false) {
    worker.start();
    housekeeper.start();
  }

  return {
    fastify,
    ctx,
    worker,
    payments,
    gateway,
    async close() {
      await worker.stop();
      await housekeeper.stop();
      await fastify.close();
      await decoder.close();
    },
  };
}
