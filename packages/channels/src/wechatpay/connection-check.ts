import { randomBytes } from 'node:crypto';
import { type ErrorBody, maxClockSkewSeconds } from './protocol.ts';
import type { WechatPayClient } from './wechatpay.client.ts';

export type WechatPayConnectionVerdict =
  | 'ok'
  | 'unreachable'
  | 'clock_skew'
  | 'wrong_serial'
  | 'bad_signature'
  | 'merchant_unknown'
  | 'platform_key_id_mismatch'
  | 'platform_key_mismatch'
  | 'unsigned_answer'
  | 'gateway_error';

export interface WechatPayConnectionCheck {
  verdict: WechatPayConnectionVerdict;
  /** For the log and the support desk, in English; the console shows the verdict's catalogue message. */
  detail: string;
  /** The gateway's clock minus ours, when it answered. */
  skewSeconds?: number;
}

/** The gateway's clock: its signed timestamp, or failing that its Date header. */
function gatewaySeconds(headers: Headers): number | null {
  const stamp = headers.get('wechatpay-timestamp');
  if (stamp && /^\d+$/.test(stamp)) return Number(stamp);
  const date = Date.parse(headers.get('date') ?? '');
  return Number.isFinite(date) ? Math.floor(date / 1000) : null;
}

/**
 * "Check connection": queries an order number that cannot exist. A healthy set-up gets a signed
 * 404 ORDER_NOT_EXIST; every other answer says which setting is wrong. Nothing is created or changed.
 */
export async function checkWechatPayConnection(
  client: WechatPayClient,
  mchid: string,
  now: () => number,
): Promise<WechatPayConnectionCheck> {
  const probe = `PDCHECK${randomBytes(8).toString('hex').toUpperCase()}`;
  const exchange = await client.call('GET', `/v3/pay/transactions/out-trade-no/${probe}?mchid=${encodeURIComponent(mchid)}`);
  if (!exchange.reached) return { verdict: 'unreachable', detail: exchange.why };

  const theirs = gatewaySeconds(exchange.headers);
  const skewSeconds = theirs === null ? undefined : theirs - Math.floor(now() / 1000);
  const at = skewSeconds === undefined ? {} : { skewSeconds };
  // Past five minutes WeChat refuses our signatures and we refuse its answers: the clock is the cause to fix.
  if (skewSeconds !== undefined && Math.abs(skewSeconds) > maxClockSkewSeconds) {
    return { verdict: 'clock_skew', detail: `the gateway's clock is ${skewSeconds} s from ours`, ...at };
  }

  let error: Partial<ErrorBody> = {};
  try {
    error = JSON.parse(exchange.text) as Partial<ErrorBody>;
  } catch {
    // Not JSON: judged below by status and signature.
  }
  const said = `${exchange.status} ${error.code ?? ''} ${error.message ?? ''}`.trim();
  if (exchange.status === 401 && error.code === 'SIGN_ERROR') {
    const aboutSerial = error.detail?.field === 'serial_no' || /序列号/.test(error.message ?? '');
    return { verdict: aboutSerial ? 'wrong_serial' : 'bad_signature', detail: `WeChat Pay refused our signature: ${said}`, ...at };
  }
  if (error.code === 'MCH_NOT_EXISTS') return { verdict: 'merchant_unknown', detail: said, ...at };

  switch (exchange.signature) {
    case 'missing_signature':
      return { verdict: 'unsigned_answer', detail: `the answer carries no WeChat Pay signature (${said}): is the base URL right?`, ...at };
    case 'wrong_serial':
      return {
        verdict: 'platform_key_id_mismatch',
        detail: `answer signed with key ${exchange.headers.get('wechatpay-serial')}, not the configured one`,
        ...at,
      };
    case 'bad_signature':
    case 'stale_timestamp':
      return { verdict: 'platform_key_mismatch', detail: `the answer's signature does not verify with the configured platform key`, ...at };
    case null:
      break;
  }
  if (exchange.status === 404 && error.code === 'ORDER_NOT_EXIST') return { verdict: 'ok', detail: 'signed answer verified', ...at };
  return { verdict: 'gateway_error', detail: `unexpected answer: ${said}`, ...at };
}
