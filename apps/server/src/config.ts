import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** 32 bytes, base64 or hex; when absent a key is generated once into DATA_DIR/secret.key. */
  secretKey: string | undefined;
  /** Serve cookies with Secure: set when the server sits behind https. */
  secureCookies: boolean;
  /** Where the built web assets are; the API still runs when they are missing. */
  webDist: string | undefined;
  smtp: SmtpConfig | undefined;
  logLevel: string;
  /** Where the browser reaches us, for links in messages; defaults to http://localhost:PORT. */
  publicUrl: string;
  /** The largest single payment a cashier may take, in fen (default ¥50,000). */
  maxPaymentFen: number;
  /** Whether small change is rounded for cash sales. */
  cashRounding: 'none' | 'jiao_down' | 'jiao_nearest';
}

export interface SmtpConfig {
  url: string;
  from: string;
}

type Env = Record<string, string | undefined>;

export function configFromEnv(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const port = overrides.port ?? parsePort(env.PORT ?? '3000');
  const smtpUrl = env.SMTP_URL;
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    secretKey: env.PAYDESK_SECRET_KEY || undefined,
    secureCookies: env.SECURE_COOKIES === '1' || env.SECURE_COOKIES === 'true',
    webDist: env.WEB_DIST,
    smtp: smtpUrl ? { url: smtpUrl, from: env.SMTP_FROM ?? 'Paydesk <no-reply@localhost>' } : undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    maxPaymentFen: parseFen(env.PAYDESK_MAX_PAYMENT_FEN ?? '5000000'),
    cashRounding: parseRounding(env.PAYDESK_CASH_ROUNDING ?? 'none'),
    ...overrides,
  };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0–65535, got "${value}"`);
  return port;
}

function parseFen(value: string): number {
  const fen = Number(value);
  if (!Number.isSafeInteger(fen) || fen <= 0)
    throw new Error(`PAYDESK_MAX_PAYMENT_FEN must be a positive whole number of fen, got "${value}"`);
  return fen;
}

function parseRounding(value: string): Config['cashRounding'] {
  if (value === 'none' || value === 'jiao_down' || value === 'jiao_nearest') return value;
  throw new Error(`PAYDESK_CASH_ROUNDING must be none, jiao_down or jiao_nearest, got "${value}"`);
}
