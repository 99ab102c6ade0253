import type { WechatPayCredentials } from './credentials.ts';
import { authorizationHeader, newNonce, type SignatureFailure, signedHeadersOf, unixSeconds, verifyFromPlatform } from './crypto.ts';

export interface WechatPayClientOptions {
  credentials: WechatPayCredentials;
  /** The merchant API, e.g. https://api.mch.weixin.qq.com (no trailing slash). */
  payBase: string;
  fetch: typeof fetch;
  now: () => number;
  timeoutMs: number;
}

/** One signed call as it went: it never reached an answer, or here is the answer and whether its signature held. */
export type Exchange =
  | { reached: false; why: string }
  | { reached: true; status: number; headers: Headers; text: string; signature: SignatureFailure | null };

export const userAgent = 'Paydesk (WeChatPay-APIv3; node)';

/**
 * Talks to the merchant API: signs each request with the merchant key (`WECHATPAY2-SHA256-RSA2048`) and
 * checks each answer against the platform key. It reports what happened and leaves judging to the caller,
 * because "unreachable" and "answer not signed" mean different things to a payment and to a connection check.
 */
export class WechatPayClient {
  constructor(private readonly o: WechatPayClientOptions) {}

  async call(method: 'GET' | 'POST', pathAndQuery: string, body?: object): Promise<Exchange> {
    const { credentials: c } = this.o;
    // The exact text signed is the exact text sent.
    const text = body === undefined ? '' : JSON.stringify(body);
    const authorization = authorizationHeader(
      { mchid: c.mchid, serialNo: c.merchantSerialNo, privateKey: c.merchantPrivateKey },
      { method, pathAndQuery, body: text, timestamp: unixSeconds(this.o.now()), nonce: newNonce() },
    );
    try {
      const response = await this.o.fetch(`${this.o.payBase}${pathAndQuery}`, {
        method,
        headers: {
          authorization,
          accept: 'application/json',
          'user-agent': userAgent,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : text,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      const answer = await response.text();
      const signature = verifyFromPlatform(
        { id: c.platformPublicKeyId, publicKey: c.platformPublicKey },
        signedHeadersOf((name) => response.headers.get(name) ?? undefined),
        answer,
        this.o.now(),
      );
      return { reached: true, status: response.status, headers: response.headers, text: answer, signature };
    } catch (err) {
      const e = err as Error;
      return { reached: false, why: e.name === 'TimeoutError' ? `no answer within ${this.o.timeoutMs} ms` : `unreachable: ${e.message}` };
    }
  }
}
