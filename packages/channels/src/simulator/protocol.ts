import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The simulator gateway's wire protocol. Like a real wallet's, every request, response and notification
 * is signed, here with HMAC-SHA256 over "timestamp\nnonce\nbody\n" with the merchant's simulator key, and a
 * timestamp older than five minutes is refused so a captured message cannot be replayed later.
 */
export type SimOp = 'precreate' | 'codepay' | 'query' | 'close' | 'reverse' | 'refund' | 'refundquery';

export type SimTradeState = 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'CLOSED' | 'REVOKED' | 'PAYERROR';

export interface SignedMessage {
  timestamp: string;
  nonce: string;
  signature: string;
  body: string;
}

export interface SimTradeAnswer {
  outTradeNo: string;
  state: SimTradeState;
  tradeNo?: string;
  paidAt?: number;
  failCode?: string;
  codeText?: string;
}

export interface SimRefundAnswer {
  outRefundNo: string;
  state: 'SUCCESS' | 'PROCESSING' | 'ABNORMAL';
  refundNo?: string;
  failCode?: string;
}

export type SimAnswer = { ok: true; trade?: SimTradeAnswer; refund?: SimRefundAnswer } | { ok: false; error: string; message: string };

export interface SimNotification {
  type: 'payment';
  merchantId: string;
  trade: SimTradeAnswer;
}

export const maxClockSkewSeconds = 300;

function mac(key: Buffer, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', key).update(`${timestamp}\n${nonce}\n${body}\n`).digest('base64');
}

export function sign(key: Buffer, body: string, nowMs: number): SignedMessage {
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = randomBytes(12).toString('hex');
  return { timestamp, nonce, body, signature: mac(key, timestamp, nonce, body) };
}

export type VerifyFailure = 'missing_signature' | 'bad_signature' | 'stale_timestamp';

/** Checks the signature and the freshness of a message; never trusts a body that fails either. */
export function verify(key: Buffer, m: Partial<SignedMessage>, nowMs: number): VerifyFailure | null {
  if (!m.timestamp || !m.nonce || !m.signature || m.body === undefined) return 'missing_signature';
  const expected = Buffer.from(mac(key, m.timestamp, m.nonce, m.body));
  const given = Buffer.from(m.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'bad_signature';
  const skew = Math.abs(nowMs / 1000 - Number(m.timestamp));
  if (!Number.isFinite(skew) || skew > maxClockSkewSeconds) return 'stale_timestamp';
  return null;
}

/** How the server reaches the simulator gateway: over HTTP in general, in-process when they share one. */
export interface SimulatorTransport {
  call(merchantId: string, op: SimOp, request: SignedMessage): Promise<SignedMessage>;
}
